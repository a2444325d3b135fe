"""The only module that talks to SQLite.

Reads use the standard library's `sqlite3` alone, and opening an up-to-date database never imports
sqlite-utils (STYLE "Start-up budget"): it is imported only when migrations are pending. Every write
starts with `BEGIN IMMEDIATE` (STYLE "SQLite under two writers"); nested writes become savepoints.
Rows come back as plain dicts; `value` is a `Decimal`, dates stay ISO text unless a record is returned.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from dealcoach.errors import BadInput, NotFound, StoreError
from dealcoach.records import DealFacts, PlannedFollowUp, Reason, StrategyChoice, Touch, Verdict
from dealcoach.vocabulary import CRM_COLUMNS, Decision, StopReason, TouchKind

# Mirrors of migrations.py, so that opening an up-to-date database needs no sqlite-utils import.
# `_migrate` and the tests check that they agree with the migrations module.
APPLICATION_ID = 0x4443_4F41
MIGRATION_NAMES: tuple[str, ...] = ("m001_initial", "m002_followup_and_account_indexes")
SCHEMA_VERSION = len(MIGRATION_NAMES)
MIGRATION_SET = "dealcoach"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' bookkeeping table

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"
INTERVIEW_KINDS = ("full", "quick", "answers")
BUSY_MESSAGE = "the database is busy (another dealcoach is writing); try again"
MAX_CANDIDATES = 5

_ID = re.compile(r"[dD]?(\d{1,18})")
_FOLLOWUP_ID = re.compile(r"[fF]?(\d{1,18})")

Row = dict[str, Any]

if TYPE_CHECKING:  # the pydantic models load only on the paths that need them (start-up)
    from dealcoach.answers.record import AnswersRecord
    from dealcoach.answers.schema import Answers, BuyerStep, Stakeholder


class Store:
    """One open dealcoach database. Use `Store.open(path)`, ideally as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._savepoints = 0
        self._medians: dict[str, Decimal | None] = {}

    # ----------------------------------------------------------------- opening and closing

    @classmethod
    def open(cls, path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Store:
        """Open (creating, 0600, and migrating if needed) the database at `path`.

        Anything that is not ours is refused before SQLite writes a byte to it.
        `busy_timeout_ms` is how long to wait for another writer (tests shorten it).
        """
        path = Path(path)
        _create_file(path)
        _check_header(path)
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path} ({exc}); pass --db with another file") from exc
        store = cls(path, conn)
        try:
            store._prepare(int(busy_timeout_ms))
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ----------------------------------------------------------------- care: backup, doctor

    def backup(self, dest: Path) -> int:
        """A consistent copy through SQLite's online backup, even while another process writes.

        The copy is created 0600 and never overwrites a file; returns its size in bytes.
        """
        dest = Path(dest)
        if dest.exists():
            raise StoreError(f"{dest} already exists; give another file name")
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except OSError as exc:
            raise StoreError(
                f"cannot create {dest} ({exc.strerror}); choose a writable place"
            ) from None
        target = sqlite3.connect(dest)
        try:
            self._conn.backup(target)
        except sqlite3.Error as exc:
            target.close()
            dest.unlink(missing_ok=True)
            raise (self._translate(exc) or StoreError(f"backup failed: {exc}")) from exc
        finally:
            target.close()
        return dest.stat().st_size

    def health(self) -> dict[str, Any]:
        """What `dealcoach doctor` reports: integrity, foreign keys, schema, journal mode."""
        integrity = [row[0] for row in self._conn.execute("PRAGMA integrity_check")]
        foreign = self._conn.execute("PRAGMA foreign_key_check").fetchall()
        return {
            "integrity": integrity,
            "foreign_key_problems": len(foreign),
            "schema_version": self._pragma("user_version"),
            "expected_schema_version": SCHEMA_VERSION,
            "application_id": self._pragma("application_id"),
            "journal_mode": str(self._conn.execute("PRAGMA journal_mode").fetchone()[0]),
            "deals": self._conn.execute("SELECT COUNT(*) FROM deals").fetchone()[0],
            "open_deals": self._conn.execute(
                "SELECT COUNT(*) FROM deals WHERE status = 'open'"
            ).fetchone()[0],
        }

    def _prepare(self, busy_timeout_ms: int) -> None:
        """Check the file is ours, then bring the schema up to date under one write lock."""
        conn = self._conn
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not self._pending():
                self._use_wal(busy_timeout_ms)
                return
            self._use_wal(busy_timeout_ms)
            with self.write():
                # Checked again under the lock: another process may have migrated meanwhile.
                if self._pending():
                    self._migrate()
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) or StoreError(
                f"cannot read {self.path} ({exc}); run dealcoach doctor or pass --db with another file"
            ) from exc

    def _pending(self) -> bool:
        """True when migrations must run; refuses foreign files and newer schemas."""
        app_id = self._pragma("application_id")
        version = self._pragma("user_version")
        if app_id != APPLICATION_ID:
            if app_id != 0 or version != 0 or self._has_schema():
                raise StoreError(self._not_ours())
            return True
        applied = self._applied_migrations()
        if version > SCHEMA_VERSION or set(applied) - set(MIGRATION_NAMES):
            raise StoreError(f"{self.path} was written by a newer dealcoach; upgrade dealcoach")
        return version < SCHEMA_VERSION or len(applied) < len(MIGRATION_NAMES)

    def _migrate(self) -> None:
        """Run sqlite-utils' migrations inside our transaction (its atomic() nests as savepoints)."""
        import sqlite_utils

        from dealcoach.store import migrations as schema

        if (schema.APPLICATION_ID, schema.SCHEMA_VERSION) != (APPLICATION_ID, SCHEMA_VERSION):
            raise RuntimeError("store.py's mirrors of migrations.py disagree")
        db = sqlite_utils.Database(self._conn, recursive_triggers=False, execute_plugins=False)
        schema.migrations.apply(db)
        if self._applied_migrations() != list(MIGRATION_NAMES):
            raise RuntimeError(
                "store.MIGRATION_NAMES does not list the migrations of migrations.py"
            )
        if self._pragma("user_version") != SCHEMA_VERSION:
            raise RuntimeError("the last migration did not set PRAGMA user_version")

    def _use_wal(self, busy_timeout_ms: int) -> None:
        """WAL lets readers run beside a writer; the mode is stored in the file once set.

        Switching a fresh file needs an exclusive lock, and SQLite answers "locked" at once,
        without its busy handler, when another process is switching too or holds a lock.
        So we retry, with jitter, within the busy timeout; usually someone else's switch
        has landed by the next look.
        """
        deadline = time.monotonic() + busy_timeout_ms / 1000
        while True:
            try:
                (mode,) = self._conn.execute("PRAGMA journal_mode").fetchone()
                if str(mode).lower() != "wal":
                    self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "is locked" not in str(exc).lower() or time.monotonic() >= deadline:
                    raise
            time.sleep(random.uniform(0.005, 0.03))

    def _pragma(self, name: str) -> int:
        (value,) = self._conn.execute(f"PRAGMA {name}").fetchone()
        return int(value)

    def _has_schema(self) -> bool:
        return self._conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None

    def _applied_migrations(self) -> list[str]:
        exists = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
        ).fetchone()
        if exists is None:
            return []
        rows = self._conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            (MIGRATION_SET,),
        )
        return [row[0] for row in rows]

    def _not_ours(self) -> str:
        return _not_ours(self.path)

    def _translate(self, exc: sqlite3.Error) -> StoreError | None:
        """The storage conditions a user can act on, as one-line errors; None for anything else."""
        text = str(exc).lower()
        if "is locked" in text or "is busy" in text:
            return StoreError(BUSY_MESSAGE)
        if "not a database" in text:
            return StoreError(self._not_ours())
        if "is full" in text:
            return StoreError(f"cannot write {self.path}: the disk is full; free some space")
        if "readonly" in text or "read-only" in text:
            return StoreError(f"cannot write {self.path}; pass --db with a writable file")
        return None

    # ----------------------------------------------------------------- transactions

    @contextmanager
    def write(self) -> Iterator[Store]:
        """One write transaction: BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any exception.

        IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a
        read-then-write never fails half way. A nested call joins the outer transaction
        as a savepoint: its failure undoes only its own part.
        """
        conn = self._conn
        if conn.in_transaction:
            self._savepoints += 1
            name = f"dealcoach_{self._savepoints}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            else:
                conn.execute(f"RELEASE {name}")
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise (self._translate(exc) or exc) from exc
        try:
            yield self
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                translated = self._translate(exc)
                if translated is not None:
                    raise translated from exc
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise (self._translate(exc) or exc) from exc

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Several reads that must agree with each other (WAL readers never wait)."""
        if self._conn.in_transaction:
            yield
            return
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            if self._conn.in_transaction:
                self._conn.execute("COMMIT")

    # ----------------------------------------------------------------- small helpers

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(row) for row in self._conn.execute(sql, params)]

    def _row(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else dict(row)

    def _insert(self, table: str, values: Row) -> int:
        """Insert one row; table and column names come from this module, values are bound."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self._conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _update(self, table: str, row_id: int, values: Row) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self._conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?", (*values.values(), row_id)
        )

    def _require_deal(self, deal_id: int) -> Row:
        row = self._row("SELECT * FROM deals WHERE id = ?", (deal_id,))
        if row is None:
            raise NotFound(f"no deal D{deal_id}; see dealcoach list")
        return row

    # ----------------------------------------------------------------- deals

    def deal(self, deal_id: int) -> Row:
        """The deal's row, with `value` as a Decimal (other columns as stored)."""
        return _deal_row(self._require_deal(deal_id))

    def _median_value(self, currency: str) -> Decimal | None:
        """The median open deal in `currency`; kept per store, as re-planning many deals in one
        run would otherwise read every deal once per deal. Writes that change values clear it."""
        if currency not in self._medians:
            values = [
                Decimal(row["value"])
                for row in self._rows(
                    "SELECT value FROM deals WHERE status = 'open' AND currency = ?"
                    " AND value IS NOT NULL",
                    (currency,),
                )
            ]
            self._medians[currency] = statistics.median(values) if values else None
        return self._medians[currency]

    def deals_named(self, account: str) -> list[Row]:
        """Deals whose account is exactly this name, ignoring case (indexed for open deals)."""
        return self._rows(
            "SELECT id, account, status FROM deals WHERE account = ? COLLATE NOCASE ORDER BY id",
            (account,),
        )

    def deals(self, status: str | None = None) -> list[Row]:
        """All deals (or those with one status), by id."""
        if status is None:
            rows = self._rows("SELECT * FROM deals ORDER BY id")
        else:
            rows = self._rows("SELECT * FROM deals WHERE status = ? ORDER BY id", (status,))
        return [_deal_row(row) for row in rows]

    def resolve_deal(self, name: str) -> int:
        """A deal id from what the rep typed (DESIGN "Names"); ambiguous or unknown → NotFound.

        Matching happens in Python on the (few hundred) deals, so user text never reaches SQL
        as a pattern: `%` and `_` are plain characters.
        """
        text = name.strip()
        if not text:
            raise NotFound("no deal name given; pass an id such as D12 or an account name")
        match = _ID.fullmatch(text)
        if match:
            wanted = int(match.group(1))
            if self._row("SELECT id FROM deals WHERE id = ?", (wanted,)) is not None:
                return wanted
        deals = self._rows("SELECT id, account, title, status FROM deals ORDER BY id")
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

    # ----------------------------------------------------------------- interviews

    def save_interview(
        self, answers: Answers, *, today: date, kind: str, deal_id: int | None = None
    ) -> int:
        """Store one interview whole and apply it to the deal (a new one when deal_id is None).

        Also records the meeting as a two-way touch, since the interview follows a meeting.
        """
        self._medians.clear()  # deal values or statuses may change
        if kind not in INTERVIEW_KINDS:
            raise BadInput(
                f"unknown interview kind {kind!r}; use one of {', '.join(INTERVIEW_KINDS)}"
            )
        deal = answers.deal
        meeting = deal.meeting_date or today
        decision_date = _iso(answers.when.decision_date)
        columns: Row = {
            "account": deal.account,
            "title": deal.title or None,
            "value": _decimal_text(deal.value),
            "currency": deal.currency,
            "stage": deal.stage.value,
            "source": deal.source or None,
            "type": deal.type.value,
            "sector": deal.sector.value if deal.sector is not None else None,
            "strategy": deal.strategy.value,
            "decision_date": decision_date,
            "qualified": 1,
            "updated": today.isoformat(),
        }
        with self.write():
            if deal_id is None:
                deal_id = self._insert(
                    "deals", {**columns, "status": "open", "created": today.isoformat()}
                )
            else:
                self._require_deal(deal_id)
                self._update("deals", deal_id, columns)
            self._replace_stakeholders(deal_id, answers.who)
            self._replace_steps(deal_id, answers.what)
            self._insert(
                "interviews",
                {
                    "deal_id": deal_id,
                    "date": meeting.isoformat(),
                    "taken_on": today.isoformat(),
                    "kind": kind,
                    "answers": json.dumps(answers.to_document(), ensure_ascii=False),
                    "decision_date": decision_date,
                },
            )
            already = self._row(
                "SELECT id FROM touches WHERE deal_id = ? AND kind = 'meeting' AND date = ?",
                (deal_id, meeting.isoformat()),
            )
            note = answers.deal.meeting_note or "qualify"
            if already is not None and answers.deal.meeting_note:
                self._update("touches", already["id"], {"note": note})
            elif already is None:
                self._insert(
                    "touches",
                    {
                        "deal_id": deal_id,
                        "date": meeting.isoformat(),
                        "kind": TouchKind.meeting.value,
                        "inbound": 0,
                        "replied": 0,
                        "note": note,
                    },
                )
        return deal_id

    def _replace_stakeholders(self, deal_id: int, people: Sequence[Stakeholder]) -> None:
        self._conn.execute("DELETE FROM stakeholders WHERE deal_id = ?", (deal_id,))
        for position, person in enumerate(people, start=1):
            self._insert(
                "stakeholders",
                {
                    "deal_id": deal_id,
                    "position": position,
                    "name": person.name,
                    "title": person.title or None,
                    "role": person.role.value if person.role is not None else None,
                    "met": int(person.met),
                    "stance": person.stance.value if person.stance is not None else None,
                },
            )

    def _replace_steps(self, deal_id: int, steps: Sequence[BuyerStep]) -> None:
        """Replace the steps wholesale, keeping the id of each step whose key survives."""
        from dealcoach.answers.record import step_keys

        keys = step_keys([step.step for step in steps])
        existing = {
            row["key"]: row["id"]
            for row in self._rows("SELECT id, key FROM steps WHERE deal_id = ?", (deal_id,))
        }
        for key, step_id in existing.items():
            if key not in keys:
                self._conn.execute("DELETE FROM steps WHERE id = ?", (step_id,))
        for position, (key, step) in enumerate(zip(keys, steps, strict=True), start=1):
            values: Row = {
                "position": position,
                "step": step.step,
                "owner": step.owner.value,
                "bring": step.bring or None,
                "date": _iso(step.date),
            }
            if key in existing:
                self._update("steps", existing[key], values)
            else:
                self._insert("steps", {"deal_id": deal_id, "key": key, **values})

    def latest_answers(self, deal_id: int) -> Answers | None:
        """The answers of the deal's newest interview, or None for a deal never qualified."""
        row = self._latest_interview(deal_id)
        return None if row is None else _checked_answers(row, deal_id)

    def latest_record(self, deal_id: int) -> AnswersRecord | None:
        """The same answers as plain records, for the planner and the verdict: no pydantic
        unless the stored document is not in the form dealcoach writes (an import may store
        answers as their file gave them)."""
        row = self._latest_interview(deal_id)
        if row is None:
            return None
        from dealcoach.answers.record import NotARecord, from_document

        try:
            return from_document(json.loads(row["answers"]))
        except (NotARecord, ValueError, TypeError):
            from dealcoach.answers.schema import record_of  # pydantic: only for a raw document

            return record_of(_checked_answers(row, deal_id))

    def _latest_interview(self, deal_id: int) -> Row | None:
        return self._row(
            "SELECT id, answers, taken_on FROM interviews WHERE deal_id = ?"
            " ORDER BY taken_on DESC, id DESC LIMIT 1",
            (deal_id,),
        )

    def interviews(self, deal_id: int) -> list[Row]:
        """The deal's interviews, oldest first; `answers` is the stored JSON text."""
        return self._rows(
            "SELECT * FROM interviews WHERE deal_id = ? ORDER BY taken_on, id", (deal_id,)
        )

    def stakeholders(self, deal_id: int) -> list[Row]:
        return self._rows(
            "SELECT * FROM stakeholders WHERE deal_id = ? ORDER BY position, id", (deal_id,)
        )

    def steps(self, deal_id: int) -> list[Row]:
        return self._rows("SELECT * FROM steps WHERE deal_id = ? ORDER BY position, id", (deal_id,))

    # ----------------------------------------------------------------- what the domain reads

    def touches(self, deal_id: int) -> list[Touch]:
        """The deal's touches, oldest first (same day: insertion order)."""
        rows = self._rows("SELECT * FROM touches WHERE deal_id = ? ORDER BY date, id", (deal_id,))
        return [_touch(row) for row in rows]

    def facts(self, deal_id: int, *, home_currency: str) -> DealFacts:
        """Everything the planner and the verdict read about one deal, from one snapshot."""
        with self._snapshot():
            deal = self._require_deal(deal_id)
            interviews = self._rows(
                "SELECT decision_date, taken_on, kind FROM interviews WHERE deal_id = ?"
                " ORDER BY taken_on, id",
                (deal_id,),
            )
            sent = self._rows(
                "SELECT key, covers FROM followups WHERE deal_id = ? AND status = 'done'",
                (deal_id,),
            )
            planned = self._rows(
                "SELECT key FROM followups WHERE deal_id = ? AND status = 'planned'", (deal_id,)
            )
            currency = home_currency.strip().upper()
            return DealFacts(
                created=date.fromisoformat(deal["created"]),
                answers=self.latest_record(deal_id),
                touches=tuple(self.touches(deal_id)),
                decision_dates=tuple(_date(row["decision_date"]) for row in interviews),
                sent_keys=frozenset(
                    key for row in sent for key in (row["key"], *json.loads(row["covers"] or "[]"))
                ),
                planned_keys=frozenset(row["key"] for row in planned),
                snoozed_until=_date(deal["snoozed_until"]),
                median_value=self._median_value(currency),
                home_currency=currency,
                qualified_on=next(
                    (
                        _date(row["taken_on"])
                        for row in reversed(interviews)
                        if row["kind"] != "import"
                    ),
                    None,
                ),
                stored_check_back=(
                    _date(deal["check_back"]) if deal["decision"] == Decision.nurture else None
                ),
            )

    # ----------------------------------------------------------------- the plan

    def save_plan(
        self,
        deal_id: int,
        planned: Sequence[PlannedFollowUp],
        *,
        today: date,
        reschedule: bool = False,
    ) -> list[Row]:
        """Upsert the plan by key (DESIGN "Follow-up identity") and return the planned rows.

        A surviving key keeps its id and snooze; `sequence` and `changed` move only when
        something changed, so calendars see real changes only. Vanished keys are dropped,
        never deleted; done rows are frozen. A key that comes back revives its latest
        dropped row, so an id the rep copied keeps working.
        """
        keys = [item.key for item in planned]
        if len(set(keys)) != len(keys):
            raise ValueError(f"the plan of D{deal_id} repeats a follow-up key")
        stamp = today.isoformat()
        with self.write():
            self._require_deal(deal_id)
            current = {
                row["key"]: row
                for row in self._rows(
                    "SELECT * FROM followups WHERE deal_id = ? AND status = 'planned'", (deal_id,)
                )
            }
            for key, row in current.items():
                if key not in keys:
                    self._conn.execute(
                        "UPDATE followups SET status = 'dropped', changed = ?,"
                        " sequence = sequence + 1 WHERE id = ?",
                        (stamp, row["id"]),
                    )
            for item in planned:
                values = _followup_values(item)
                row = current.get(item.key)
                if row is not None and row["anchor"] == item.anchor:
                    overdue = row["due"] < stamp
                    if not (reschedule and overdue):
                        values["due"] = row["due"]  # same anchor, same date: overdue stays overdue
                if row is None:
                    row = self._row(
                        "SELECT * FROM followups WHERE deal_id = ? AND key = ? AND status = 'dropped'"
                        " ORDER BY id DESC LIMIT 1",
                        (deal_id, item.key),
                    )
                    if row is not None:
                        values["status"] = "planned"
                if row is None:
                    self._insert(
                        "followups",
                        {
                            "deal_id": deal_id,
                            "key": item.key,
                            **values,
                            "status": "planned",
                            "created": stamp,
                            "changed": stamp,
                            "sequence": 0,
                        },
                    )
                elif any(row[column] != value for column, value in values.items()):
                    self._update(
                        "followups",
                        row["id"],
                        {**values, "changed": stamp, "sequence": row["sequence"] + 1},
                    )
            return self.planned(deal_id)

    def planned(self, deal_id: int) -> list[Row]:
        """The deal's unsent follow-ups, by due date then id."""
        return self._rows(
            "SELECT * FROM followups WHERE deal_id = ? AND status = 'planned' ORDER BY due, id",
            (deal_id,),
        )

    def followup(self, fid: int) -> Row:
        row = self._row("SELECT * FROM followups WHERE id = ?", (fid,))
        if row is None:
            raise NotFound(f"no follow-up F{fid}; see dealcoach next or dealcoach plan DEAL")
        return row

    # ----------------------------------------------------------------- the verdict

    def save_verdict(
        self, deal_id: int, verdict: Verdict, strategy: StrategyChoice, *, today: date
    ) -> Row | None:
        """Store the verdict on the deal; returns the previous {decision, reasons} when the
        decision changed (so the change is announced once), else None (also for a first verdict).
        """
        with self.write():
            row = self._require_deal(deal_id)
            previous = row["decision"]
            changed = previous != verdict.decision.value
            kept = row["verdict_since"] if not changed else None
            since = kept or today.isoformat()
            self._update(
                "deals",
                deal_id,
                {
                    "decision": verdict.decision.value,
                    "confidence": verdict.confidence,
                    "reasons": _reasons_json(verdict.reasons),
                    "valid_until": _iso(verdict.valid_until),
                    "check_back": _iso(verdict.check_back),
                    "verdict_since": since,
                    "resolved_strategy": strategy.strategy.value,
                    "strategy_why": strategy.why,
                },
            )
        if not changed or previous is None:
            return None
        return {"decision": previous, "reasons": json.loads(row["reasons"] or "[]")}

    def stored_verdict(self, deal_id: int) -> Verdict | None:
        """The verdict last stored on the deal, or None before the first one."""
        row = self._require_deal(deal_id)
        if row["decision"] is None:
            return None
        return Verdict(
            decision=Decision(row["decision"]),
            confidence=float(row["confidence"] or 0.0),
            reasons=tuple(Reason(**item) for item in json.loads(row["reasons"] or "[]")),
            valid_until=_date(row["valid_until"]),
            check_back=_date(row["check_back"]),
        )

    # ----------------------------------------------------------------- the daily loop

    def resolve_followup(self, text: str) -> int:
        """A follow-up id from `F37` or `37`."""
        match = _FOLLOWUP_ID.fullmatch(text.strip())
        if not match:
            raise NotFound(
                f"{text!r} is not a follow-up id; use the F-number shown by dealcoach next"
            )
        fid = int(match.group(1))
        self.followup(fid)
        return fid

    def add_touch(self, deal_id: int, touch: Touch, *, followup_id: int | None = None) -> int:
        """Record what happened; the caller re-plans in the same transaction."""
        with self.write():
            self._require_deal(deal_id)
            return self._insert(
                "touches",
                {
                    "deal_id": deal_id,
                    "date": touch.date.isoformat(),
                    "kind": touch.kind.value,
                    "inbound": int(touch.inbound),
                    "replied": int(touch.replied),
                    "who": touch.who or None,
                    "note": touch.note or None,
                    "followup_id": followup_id,
                    "followup_key": touch.followup_key,
                    "owe": touch.owe or None,
                    "away_until": _iso(touch.away_until),
                    "signal": touch.signal.value if touch.signal else None,
                    "signal_until": _iso(touch.signal_until),
                },
            )

    def touch(self, touch_id: int) -> Touch:
        row = self._row("SELECT * FROM touches WHERE id = ?", (touch_id,))
        if row is None:
            raise NotFound(f"no touch {touch_id}")
        return _touch(row)

    def close_owes(self, deal_id: int, *, on: date, touch_id: int | None = None) -> int:
        """What we owed the buyer has been delivered: one touch, or all open ones of the deal."""
        with self.write():
            if touch_id is not None:
                cursor = self._conn.execute(
                    "UPDATE touches SET owe_closed_on = ? WHERE id = ? AND owe IS NOT NULL"
                    " AND owe_closed_on IS NULL",
                    (on.isoformat(), touch_id),
                )
            else:
                cursor = self._conn.execute(
                    "UPDATE touches SET owe_closed_on = ? WHERE deal_id = ? AND owe IS NOT NULL"
                    " AND owe_closed_on IS NULL",
                    (on.isoformat(), deal_id),
                )
            return cursor.rowcount

    def mark_done(self, fid: int, *, on: date, today: date | None = None) -> Row:
        """A planned follow-up was sent: it is frozen from now on."""
        with self.write():
            row = self.followup(fid)
            if row["status"] != "planned":
                raise BadInput(
                    f"F{fid} is already {row['status']}"
                    + (f" (sent {row['sent_on']})" if row["sent_on"] else "")
                    + "; log anything new with dealcoach log"
                )
            self._conn.execute(
                "UPDATE followups SET status = 'done', sent_on = ?, changed = ?,"
                " sequence = sequence + 1 WHERE id = ?",
                (on.isoformat(), (today or on).isoformat(), fid),
            )
            return self.followup(fid)

    def snooze_deal(self, deal_id: int, until: date) -> None:
        with self.write():
            self._require_deal(deal_id)
            self._update("deals", deal_id, {"snoozed_until": until.isoformat()})

    def snooze_followup(self, fid: int, until: date, *, today: date) -> None:
        with self.write():
            row = self.followup(fid)
            if row["status"] != "planned":
                raise BadInput(f"F{fid} is {row['status']}; only planned follow-ups can be snoozed")
            self._conn.execute(
                "UPDATE followups SET snoozed_until = ?, changed = ?, sequence = sequence + 1"
                " WHERE id = ?",
                (until.isoformat(), today.isoformat(), fid),
            )

    def keep_deal(self, deal_id: int, until: date) -> None:
        with self.write():
            self._require_deal(deal_id)
            self._update("deals", deal_id, {"kept_until": until.isoformat()})

    def close_deal(self, deal_id: int, status: str, *, reason: str, on: date) -> int:
        """The rep closed the deal: its unsent follow-ups are dropped (calendars cancel them)."""
        self._medians.clear()  # deal values or statuses may change
        with self.write():
            self._require_deal(deal_id)
            self._update(
                "deals",
                deal_id,
                {"status": status, "close_reason": reason or None, "closed_on": on.isoformat()},
            )
            cursor = self._conn.execute(
                "UPDATE followups SET status = 'dropped', changed = ?, sequence = sequence + 1"
                " WHERE deal_id = ? AND status = 'planned'",
                (on.isoformat(), deal_id),
            )
            return cursor.rowcount

    def reopen_deal(self, deal_id: int) -> None:
        self._medians.clear()  # deal values or statuses may change
        with self.write():
            self._update(
                "deals", deal_id, {"status": "open", "close_reason": None, "closed_on": None}
            )

    # ----------------------------------------------------------------- the morning agenda

    def deals_to_rejudge(self, today: date) -> list[int]:
        """Open, qualified deals whose stored verdict may have changed by today (indexed)."""
        rows = self._rows(
            "SELECT id FROM deals WHERE status = 'open' AND qualified = 1"
            " AND (decision IS NULL OR valid_until <= ?) ORDER BY id",
            (today.isoformat(),),
        )
        return [row["id"] for row in rows]

    def deals_with_overdue(self, today: date) -> list[int]:
        rows = self._rows(
            "SELECT DISTINCT f.deal_id AS id FROM followups f JOIN deals d ON d.id = f.deal_id"
            " WHERE f.status = 'planned' AND f.due < ? AND d.status = 'open' ORDER BY f.deal_id",
            (today.isoformat(),),
        )
        return [row["id"] for row in rows]

    def due_followups(self, today: date) -> list[Row]:
        """Planned follow-ups of open deals due by today and not snoozed past it."""
        stamp = today.isoformat()
        return self._rows(
            "SELECT f.id, f.deal_id, f.key, f.due, f.channel, f.who, f.purpose, f.bring,"
            " f.milestone, f.milestone_date, f.outline, d.account, d.value, d.currency,"
            " d.stage, d.decision, d.confidence, d.resolved_strategy, d.decision_date"
            " FROM followups f JOIN deals d ON d.id = f.deal_id"
            " WHERE f.status = 'planned' AND f.due <= ? AND d.status = 'open'"
            " AND (f.snoozed_until IS NULL OR f.snoozed_until <= ?)"
            " AND (d.snoozed_until IS NULL OR d.snoozed_until <= ?)"
            " ORDER BY f.due, f.id",
            (stamp, stamp, stamp),
        )

    def next_due_date(self, today: date) -> str | None:
        row = self._row(
            "SELECT MIN(MAX(f.due, COALESCE(f.snoozed_until, f.due))) AS next"
            " FROM followups f JOIN deals d ON d.id = f.deal_id"
            " WHERE f.status = 'planned' AND d.status = 'open'"
            " AND MAX(f.due, COALESCE(f.snoozed_until, f.due)) > ?",
            (today.isoformat(),),
        )
        return row["next"] if row else None

    def decided_deals(self, today: date, *, announce_days: int = 7) -> list[Row]:
        """Open deals the verdict would let go or nurture, that the rep has not kept."""
        stamp = today.isoformat()
        recent = (today - timedelta(days=announce_days)).isoformat()
        return self._rows(
            "SELECT id, account, decision, reasons, verdict_since FROM deals"
            " WHERE status = 'open' AND decision IN ('let_go', 'nurture')"
            " AND (kept_until IS NULL OR kept_until <= ?)"
            " AND (decision = 'let_go' OR verdict_since >= ?)"
            " ORDER BY verdict_since DESC, id",
            (stamp, recent),
        )

    def stale_candidates(self, today: date) -> list[Row]:
        """Open qualified deals with nothing ahead: no planned follow-up, no buyer step to come."""
        stamp = today.isoformat()
        return self._rows(
            "SELECT d.id, d.account, d.stage, d.decision, d.reasons, d.verdict_since,"
            " COALESCE((SELECT MAX(t.date) FROM touches t WHERE t.deal_id = d.id), d.created)"
            " AS last_touch FROM deals d"
            " WHERE d.status = 'open' AND d.qualified = 1"
            " AND (d.kept_until IS NULL OR d.kept_until <= ?)"
            " AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.deal_id = d.id"
            "   AND f.status = 'planned')"
            " AND NOT EXISTS (SELECT 1 FROM steps s WHERE s.deal_id = d.id AND s.date >= ?)"
            " ORDER BY d.id",
            (stamp, stamp),
        )

    def unqualified_deals(self) -> list[Row]:
        return self._rows(
            "SELECT id, account, created FROM deals WHERE status = 'open' AND qualified = 0"
            " ORDER BY id"
        )

    # ---- export and import

    _EXPORTABLE = frozenset(
        {"deals", "stakeholders", "steps", "followups", "touches", "interviews"}
    )
    _NAME = re.compile(r"[a-z_]{1,40}")  # table and column names built into export SQL
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

    def export_rows(
        self,
        table: str,
        columns: Sequence[str],
        *,
        since_column: str | None = None,
        status: str | None = None,
        since: date | None = None,
        due_by: date | None = None,
        deal_id: int | None = None,
        deal_columns: Sequence[str] = (),
        csv_kinds: Sequence[str] | None = None,
    ) -> Iterator[Any]:
        """One table's rows as plain tuples, by id, straight from a cursor (memory stays flat).

        `status` filters by the deal's status; `since` compares `since_column` (None: the deal's
        `created`); `due_by` keeps planned follow-ups due (or snoozed until) that day or before.
        `deal_columns` appends columns of the row's deal (the calendar wants the account).

        `csv_kinds` (the `exporting.Kind` of each column) asks for CSV instead: SQLite writes each
        row's line itself (`csv_lines.line_sql`), which is about twice as fast as handing 30 Python
        objects a row to the csv module. A row then comes as its line, UTF-8 `bytes` ending in
        CRLF; a row the SQL cannot write exactly (a NUL in a text cell, a value of an unexpected
        type, a float it cannot prove it prints as Python does) comes as its tuple of
        values, for the caller's csv writer.
        """
        names = [*columns, *deal_columns, *([since_column] if since_column else [])]
        if table not in self._EXPORTABLE or not all(self._NAME.fullmatch(name) for name in names):
            raise ValueError(f"not an exportable table or column: {table} {names}")
        if csv_kinds is not None and (deal_columns or len(csv_kinds) != len(columns)):
            raise ValueError("csv_kinds needs one kind per column and no deal columns")
        deal = "t" if table == "deals" else "d"
        join = "" if table == "deals" else " JOIN deals d ON d.id = t.deal_id"
        where: list[str] = []
        params: list[Any] = []
        if status is not None:
            where.append(f"{deal}.status = ?")
            params.append(status)
        if since is not None:
            where.append(f"t.{since_column} >= ?" if since_column else f"{deal}.created >= ?")
            params.append(since.isoformat())
        if due_by is not None:
            if table != "followups":
                raise ValueError("due_by filters follow-ups only")
            where.append(
                "t.status = 'planned' AND MAX(t.due, COALESCE(t.snoozed_until, t.due)) <= ?"
            )
            params.append(due_by.isoformat())
        if deal_id is not None:
            where.append(f"{deal}.id = ?")
            params.append(deal_id)
        if csv_kinds is not None:
            from dealcoach.store.csv_lines import line_sql

            selected = line_sql(columns, csv_kinds)
        else:
            selected = ", ".join(
                [*(f"t.{c}" for c in columns), *(f"{deal}.{c}" for c in deal_columns)]
            )
        sql = f"SELECT {selected} FROM {table} t{join}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        cursor = self._conn.cursor()
        cursor.row_factory = None  # plain tuples: the fastest rows sqlite3 gives
        cursor.execute(sql + " ORDER BY t.id", params)
        if csv_kinds is not None:
            return self._csv_lines(cursor, table, columns)
        return iter(cursor)

    def _csv_lines(
        self, cursor: sqlite3.Cursor, table: str, columns: Sequence[str]
    ) -> Iterator[bytes | tuple[Any, ...]]:
        """The lines of `csv_lines.line_sql`; a row it left to Python (its id came instead) as values,
        read on the same connection, so from the same snapshot as the rest."""
        again = f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?"
        for (line,) in cursor:
            if line.__class__ is bytes:
                yield line
            else:
                other = self._conn.cursor()
                other.row_factory = None
                yield other.execute(again, (line,)).fetchone()

    def table_columns(self, table: str) -> list[str]:
        """The table's columns as the schema has them (tests compare them with the export)."""
        if table not in self._EXPORTABLE:
            raise ValueError(f"not an exportable table: {table}")
        return [row["name"] for row in self._rows(f"PRAGMA table_info({table})")]

    def table_ids(self, table: str) -> set[int]:
        """The ids a table holds already: an import keeps ids, so these would conflict."""
        if table not in self._EXPORTABLE:
            raise ValueError(f"not an exportable table: {table}")
        cursor = self._conn.cursor()
        cursor.row_factory = None
        return {row[0] for row in cursor.execute(f"SELECT id FROM {table}")}

    def import_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """Insert validated rows with their ids as given; call inside `write()`."""
        self._medians.clear()  # deal values or statuses may change
        if table not in self._EXPORTABLE or not all(self._NAME.fullmatch(name) for name in columns):
            raise ValueError(f"not an importable table or column: {table} {columns}")
        marks = ", ".join("?" for _ in columns)
        with self.write():
            try:
                self._conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                )
            except sqlite3.IntegrityError as exc:
                raise BadInput(
                    f"{table}: {exc} (a row clashes with the database); nothing was imported"
                ) from exc
        return len(rows)

    def crm_deals(self, source: str) -> dict[str, Row]:
        """The deals imported from one CRM, by their external id (a re-import updates them)."""
        rows = self._rows(
            "SELECT id, external_id, account, title, value, currency, stage, status,"
            " decision_date, qualified, crm_owner, crm_next_step FROM deals"
            " WHERE external_source = ?"
            " AND external_id IS NOT NULL",
            (source,),
        )
        return {row["external_id"]: row for row in rows}

    def add_crm_deal(self, values: Row) -> int:
        """A deal from a CRM export: no interview, so no plan until `qualify` fills it in."""
        self._medians.clear()  # deal values or statuses may change
        allowed = set(self._CRM_INSERT)
        if not set(values) <= allowed:
            raise ValueError(f"not CRM deal columns: {sorted(set(values) - allowed)}")
        with self.write():
            return self._insert("deals", values)

    def update_crm_deal(self, deal_id: int, values: Row) -> None:
        """Only the CRM's own columns change on a re-import; never the rep's interview."""
        self._medians.clear()  # deal values or statuses may change
        allowed = {*self._CRM_UPDATE, "updated"}
        if not set(values) <= allowed:
            raise ValueError(f"not CRM deal columns: {sorted(set(values) - allowed)}")
        if values:
            with self.write():
                self._require_deal(deal_id)
                self._update("deals", deal_id, values)

    def record_decision_date(self, deal_id: int, decision_date: date, *, today: date) -> bool:
        """A CRM moved a qualified deal's decision date: make it visible to `date_pushed`.

        The verdict reads one decision date per interview, so the change is stored as an
        interview of kind `import`: the newest answers, unchanged but for `when.decision_date`,
        recorded today against the last meeting's date. Returns False for a deal never
        qualified (it has no interview to carry the date).
        """
        with self.write():
            latest = self._row(
                "SELECT date, answers FROM interviews WHERE deal_id = ?"
                " ORDER BY taken_on DESC, id DESC LIMIT 1",
                (deal_id,),
            )
            if latest is None:
                return False
            answers = json.loads(latest["answers"])
            answers.setdefault("when", {})["decision_date"] = decision_date.isoformat()
            self._insert(
                "interviews",
                {
                    "deal_id": deal_id,
                    "date": latest["date"],
                    "taken_on": today.isoformat(),
                    "kind": "import",
                    "answers": json.dumps(answers, ensure_ascii=False),
                    "decision_date": decision_date.isoformat(),
                },
            )
            return True


# --------------------------------------------------------------------- module helpers


def _not_ours(path: Path) -> str:
    return f"{path} is not a dealcoach database; pass --db with another file"


def _create_file(path: Path) -> None:
    """Create the folders and the file (0600) ourselves: sqlite3.connect would make it 0644."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise StoreError(
            f"cannot create {path}: a file is in the way of its folder; pass --db with another path"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"cannot create the folder {path.parent} ({exc.strerror}); pass --db with a writable path"
        ) from exc
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    except IsADirectoryError:
        raise StoreError(f"{path} is a folder; pass --db with a file") from None
    except NotADirectoryError:
        raise StoreError(
            f"cannot create {path}: a file is in the way of its folder; pass --db with another path"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"cannot write {path} ({exc.strerror}); pass --db with a writable file"
        ) from exc
    os.close(fd)


def _check_header(path: Path) -> None:
    """Refuse a non-empty file that is not SQLite without letting SQLite touch it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(
            f"cannot read {path} ({exc.strerror}); pass --db with another file"
        ) from exc
    if head and head != SQLITE_MAGIC:
        raise StoreError(_not_ours(path))


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


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if not value else date.fromisoformat(value)


def _decimal_text(value: Decimal | None) -> str | None:
    """Exact decimal text in plain notation ('48000', never '4.8E+4')."""
    return None if value is None else format(value, "f")


def _deal_row(row: Row) -> Row:
    value = row.get("value")
    return {**row, "value": Decimal(value) if value is not None else None}


def _stop_reason(value: str | None) -> Any:
    return StopReason(value) if value else None


def _touch(row: Row) -> Touch:
    return Touch(
        id=row["id"],
        date=date.fromisoformat(row["date"]),
        kind=TouchKind(row["kind"]),
        inbound=bool(row["inbound"]),
        replied=bool(row["replied"]),
        who=row["who"] or "",
        note=row["note"] or "",
        followup_key=row["followup_key"],
        followup_id=row["followup_id"],
        owe=row["owe"] or "",
        owe_closed_on=_date(row["owe_closed_on"]),
        away_until=_date(row["away_until"]),
        signal=_stop_reason(row["signal"]),
        signal_until=_date(row["signal_until"]),
    )


def _followup_values(item: PlannedFollowUp) -> Row:
    return {
        "due": item.due.isoformat(),
        "channel": item.channel,
        "who": item.who,
        "purpose": item.purpose,
        "bring": item.bring,
        "milestone": item.milestone,
        "milestone_date": _iso(item.milestone_date),
        "outline": item.outline,
        "anchor": item.anchor,
        "covers": json.dumps(list(item.covers)) if item.covers else None,
        "counts": int(item.counts),
    }


def _reasons_json(reasons: Sequence[Reason]) -> str:
    return json.dumps(
        [{"signal": reason.signal, "detail": reason.detail} for reason in reasons],
        ensure_ascii=False,
    )


def _checked_answers(row: Row, deal_id: int) -> Answers:
    """A stored interview read through the answers schema (pydantic)."""
    try:
        from dealcoach.answers.schema import Answers

        return Answers.model_validate(
            json.loads(row["answers"]),
            context={"today": date.fromisoformat(row["taken_on"])},
        )
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise StoreError(
            f"the stored interview {row['id']} of D{deal_id} cannot be read ({exc.__class__.__name__});"
            f" run dealcoach qualify D{deal_id} again"
        ) from exc
