"""The deals table: finding a deal by what the rep typed, closing and reopening, merging and
deleting, CRM rows.

A deal's row comes back as a plain dict with `value` as a `Decimal` (other columns as stored).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from dealcoach.errors import NotFound
from dealcoach.store.connection import Connection, Row
from dealcoach.vocabulary import CRM_COLUMNS

MAX_CANDIDATES = 5  # deals named in an "ambiguous" or "unknown" message; more are counted

_ID = re.compile(r"[dD]?(\d{1,18})")
_CRM_UPDATE = CRM_COLUMNS
_CRM_INSERT = (
    *_CRM_UPDATE,
    "status",
    "closed_on",
    "close_reason",
    "created",
    "updated",
    "qualified",
    "external_source",
    "external_id",
)
# the deal columns an interview writes: they follow the newer answers when two deals merge
_ANSWERED = (
    "account",
    "title",
    "value",
    "currency",
    "stage",
    "source",
    "type",
    "sector",
    "strategy",
    "decision_date",
    "qualified",
)
# what the deal kept keeps of the other when it has nothing of its own
_FILLED = (*_ANSWERED, "snoozed_until", "kept_until", "crm_owner", "crm_next_step", "fields")
_OWNED = ("interviews", "stakeholders", "steps", "followups", "touches")  # rows that name a deal


class Deals:
    """The deal rows of one connection, and the median deal value the verdict compares with."""

    def __init__(self, db: Connection) -> None:
        self._db = db
        self._medians: dict[str, Decimal | None] = {}

    def require(self, deal_id: int) -> Row:
        """The deal's row as stored, or NotFound: every part checks a deal id through here."""
        row = self._db.row("SELECT * FROM deals WHERE id = ?", (deal_id,))
        if row is None:
            raise NotFound(f"no deal D{deal_id}; see dealcoach list")
        return row

    def get(self, deal_id: int) -> Row:
        """The deal's row, with `value` as a Decimal (other columns as stored)."""
        return _deal_row(self.require(deal_id))

    def all(self, status: str | None = None) -> list[Row]:
        """All deals (or those with one status), by id."""
        if status is None:
            rows = self._db.rows("SELECT * FROM deals ORDER BY id")
        else:
            rows = self._db.rows("SELECT * FROM deals WHERE status = ? ORDER BY id", (status,))
        return [_deal_row(row) for row in rows]

    def named(self, account: str) -> list[Row]:
        """Deals whose account is exactly this name, ignoring case (indexed for open deals)."""
        return self._db.rows(
            "SELECT id, account, status FROM deals WHERE account = ? COLLATE NOCASE ORDER BY id",
            (account,),
        )

    def resolve(self, name: str) -> int:
        """A deal id from what the rep typed; ambiguous or unknown → NotFound.

        An id (`D12`, `12`) wins, then the account's exact name (one open deal wins over closed
        ones), an account prefix (open deals first), `account/title`, and last the near names
        for the error. Matching happens in Python on the (few hundred) deals, so user text never
        reaches SQL as a pattern: `%` and `_` are plain characters.
        """
        text = name.strip()
        if not text:
            raise NotFound("no deal name given; pass an id such as D12 or an account name")
        match = _ID.fullmatch(text)
        if match:
            wanted = int(match.group(1))
            if self._db.row("SELECT id FROM deals WHERE id = ?", (wanted,)) is not None:
                return wanted
        deals = self._db.rows("SELECT id, account, title, status FROM deals ORDER BY id")
        folded = text.casefold()

        def account(deal: Row) -> str:
            return str(deal["account"]).casefold()

        exact = [deal for deal in deals if account(deal) == folded]
        if len(exact) > 1:
            still_open = [deal for deal in exact if deal["status"] == "open"]
            exact = still_open if len(still_open) == 1 else exact
        if exact:
            return _one(text, exact)
        open_deals = [deal for deal in deals if deal["status"] == "open"]
        for pool in (open_deals, deals):
            prefixed = [deal for deal in pool if account(deal).startswith(folded)]
            if prefixed:
                return _one(text, prefixed)
        by_title = [
            deal
            for deal in deals
            if deal["title"]
            and f"{deal['account']}/{deal['title']}".casefold().startswith(folded)
            and len(folded) > len(account(deal))
        ]
        if by_title:
            exact_title = [
                deal
                for deal in by_title
                if f"{deal['account']}/{deal['title']}".casefold() == folded
            ]
            return _one(text, exact_title or by_title)
        if match:
            raise NotFound(f"no deal D{int(match.group(1))}; see dealcoach list")
        near = [deal for deal in deals if folded in account(deal)]
        if not near:
            import difflib

            names = difflib.get_close_matches(folded, [account(deal) for deal in deals], n=5)
            near = [deal for deal in deals if account(deal) in names]
        if near:
            raise NotFound(f"no deal matches {text!r}; candidates: {_candidates(near)}")
        raise NotFound(f"no deal matches {text!r}; see dealcoach list")

    # ----------------------------------------------------------------- the median value

    def median_value(self, currency: str) -> Decimal | None:
        """The median open deal in `currency`; kept per store, as re-planning many deals in one
        run would otherwise read every deal once per deal. Writes that change values clear it."""
        if currency not in self._medians:
            values = [
                Decimal(row["value"])
                for row in self._db.rows(
                    "SELECT value FROM deals WHERE status = 'open' AND currency = ?"
                    " AND value IS NOT NULL",
                    (currency,),
                )
            ]
            self._medians[currency] = statistics.median(values) if values else None
        return self._medians[currency]

    def values_changed(self) -> None:
        """Deal values or statuses may change: the next median is read again."""
        self._medians.clear()

    # ----------------------------------------------------------------- closing and reopening

    def close(self, deal_id: int, status: str, *, reason: str, on: date) -> int:
        """The rep closed the deal: its unsent follow-ups are dropped (calendars cancel them)."""
        self.values_changed()
        with self._db.write():
            self.require(deal_id)
            self._db.update(
                "deals",
                deal_id,
                {"status": status, "close_reason": reason or None, "closed_on": on.isoformat()},
            )
            cursor = self._db.execute(
                "UPDATE followups SET status = 'dropped', changed = ?, sequence = sequence + 1"
                " WHERE deal_id = ? AND status = 'planned'",
                (on.isoformat(), deal_id),
            )
            return cursor.rowcount

    def reopen(self, deal_id: int) -> None:
        """A deal closed by mistake is open again (its dropped follow-ups stay history)."""
        self.values_changed()
        with self._db.write():
            self.require(deal_id)
            self._db.update(
                "deals", deal_id, {"status": "open", "close_reason": None, "closed_on": None}
            )

    # ----------------------------------------------------------------- merging and deleting

    def merge(self, source: int, target: int, *, today: date) -> dict[str, int]:
        """Move every row of `source` into `target` and remove `source`; one transaction.

        The newer answers (the interview `latest_answers` would read once both histories are
        one) give the deal columns, stakeholders and steps; the other deal's people and steps
        are history in its interviews. `target` keeps its own columns and fills the empty ones
        from `source`, the external id included. `source`'s planned follow-ups are dropped (the
        caller re-plans `target`). Returns the rows moved, per table.
        """
        self.values_changed()
        db = self._db
        with db.write():
            kept, other = self.require(target), self.require(source)
            newest = db.row(
                "SELECT deal_id FROM interviews WHERE deal_id IN (?, ?)"
                " ORDER BY taken_on DESC, id DESC LIMIT 1",
                (source, target),
            )
            source_newer = newest is not None and newest["deal_id"] == source
            values: Row = {c: other[c] for c in _ANSWERED} if source_newer else {}
            for column in _FILLED:
                if values.get(column, kept[column]) is None and other[column] is not None:
                    values[column] = other[column]
            if kept["external_id"] is None and other["external_id"] is not None:
                db.update("deals", source, {"external_source": None, "external_id": None})
                values["external_source"] = other["external_source"]
                values["external_id"] = other["external_id"]
            replaced = (target, source) if source_newer else (source, target)
            for table in ("stakeholders", "steps"):
                db.execute(f"DELETE FROM {table} WHERE deal_id = ?", (replaced[0],))
            db.execute(
                "UPDATE followups SET status = 'dropped', changed = ?, sequence = sequence + 1"
                " WHERE deal_id = ? AND status = 'planned'",
                (today.isoformat(), source),
            )
            moved = {
                table: db.execute(
                    f"UPDATE {table} SET deal_id = ? WHERE deal_id = ?", (target, source)
                ).rowcount
                for table in _OWNED
            }
            db.update("deals", target, {**values, "updated": today.isoformat()})
            db.execute("DELETE FROM deals WHERE id = ?", (source,))
        return moved

    def delete(self, deal_id: int) -> dict[str, int]:
        """Remove a deal entered by mistake with all its rows; returns how many, per table."""
        self.values_changed()
        db = self._db
        with db.write():
            self.require(deal_id)
            counts = {
                table: db.row(f"SELECT COUNT(*) AS n FROM {table} WHERE deal_id = ?", (deal_id,))[
                    "n"
                ]
                for table in _OWNED
            }
            db.execute("DELETE FROM deals WHERE id = ?", (deal_id,))  # the rows cascade
        return counts

    # ----------------------------------------------------------------- deals from a CRM

    def crm_rows(self, source: str) -> dict[str, Row]:
        """The deals imported from one CRM, by their external id (a re-import updates them)."""
        rows = self._db.rows(
            "SELECT id, external_id, account, title, value, currency, stage, status,"
            " decision_date, qualified, crm_owner, crm_next_step, fields FROM deals"
            " WHERE external_source = ?"
            " AND external_id IS NOT NULL",
            (source,),
        )
        return {row["external_id"]: row for row in rows}

    def open_rows(self) -> list[Row]:
        """The open deals with the columns a CRM import compares: a row no external id matches
        may be one of them, qualified by hand before the CRM export came in."""
        return self._db.rows(
            "SELECT id, external_source, external_id, account, title, value, currency, stage,"
            " status, decision_date, qualified, crm_owner, crm_next_step, fields FROM deals"
            " WHERE status = 'open' ORDER BY id"
        )

    def link_crm(self, deal_id: int, source: str, external_id: str, values: Row) -> None:
        """A deal entered by hand is this CRM deal: it takes the external id (a re-import then
        updates it) and the CRM's own columns."""
        with self._db.write():
            self.update_crm(deal_id, values)
            self._db.update(
                "deals", deal_id, {"external_source": source, "external_id": external_id}
            )

    def add_crm(self, values: Row) -> int:
        """A deal from a CRM export: no interview, so no plan until `qualify` fills it in."""
        self.values_changed()
        allowed = set(_CRM_INSERT)
        if not set(values) <= allowed:
            raise ValueError(f"not CRM deal columns: {sorted(set(values) - allowed)}")
        with self._db.write():
            return self._db.insert("deals", values)

    def update_crm(self, deal_id: int, values: Row) -> None:
        """Only the CRM's own columns change on a re-import; never the rep's interview."""
        self.values_changed()
        allowed = {*_CRM_UPDATE, "updated"}
        if not set(values) <= allowed:
            raise ValueError(f"not CRM deal columns: {sorted(set(values) - allowed)}")
        if values:
            with self._db.write():
                self.require(deal_id)
                self._db.update("deals", deal_id, values)


def _label(deal: Row) -> str:
    title = f"/{deal['title']}" if deal.get("title") else ""
    return f"D{deal['id']} {deal['account']}{title}"


def _candidates(deals: Sequence[Row]) -> str:
    shown = ", ".join(_label(deal) for deal in deals[:MAX_CANDIDATES])
    more = len(deals) - MAX_CANDIDATES
    return f"{shown}, +{more} more" if more > 0 else shown


def _one(text: str, deals: Sequence[Row]) -> int:
    if len(deals) == 1:
        return int(deals[0]["id"])
    raise NotFound(
        f"{text!r} matches several deals: {_candidates(deals)}; use the id or account/title"
    )


def _deal_row(row: Row) -> Row:
    value = row.get("value")
    return {**row, "value": Decimal(value) if value is not None else None}
