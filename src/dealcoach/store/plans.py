"""What the planner and the verdict read and write for one deal: its facts, its plan of
follow-ups, its verdict, and the day's events (touches, owes, snoozes, keeps).

A follow-up's identity is its key: re-planning upserts by key, so an id the rep copied from
`next` keeps pointing at the same follow-up while its date or wording changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from dealcoach.errors import BadInput, NotFound
from dealcoach.records import (
    DealFacts,
    PlannedFollowUp,
    Reason,
    Slot,
    StrategyChoice,
    Touch,
    Verdict,
)
from dealcoach.store.connection import Connection, Row, iso, to_date
from dealcoach.store.deals import Deals
from dealcoach.store.interviews import Interviews
from dealcoach.store.learning import Learning
from dealcoach.vocabulary import Decision, StopReason, TouchKind

_FOLLOWUP_ID = re.compile(r"[fF]?(\d{1,18})")


class Plans:
    """Facts, plans, verdicts and touches, on the connection the deals share."""

    def __init__(
        self, db: Connection, deals: Deals, interviews: Interviews, learning: Learning
    ) -> None:
        self._db = db
        self._deals = deals
        self._interviews = interviews
        self._learning = learning
        self._recap_slots: dict[int, tuple[Slot, ...]] | None = None  # see taken_slots

    # ----------------------------------------------------------------- what the domain reads

    def touches(self, deal_id: int) -> list[Touch]:
        """The deal's touches, oldest first (same day: insertion order)."""
        rows = self._db.rows(
            "SELECT * FROM touches WHERE deal_id = ? ORDER BY date, id", (deal_id,)
        )
        return [_touch(row) for row in rows]

    def facts(self, deal_id: int, *, home_currency: str) -> DealFacts:
        """Everything the planner and the verdict read about one deal, from one snapshot."""
        db = self._db
        with db.snapshot():
            deal = self._deals.require(deal_id)
            interviews = db.rows(
                "SELECT decision_date, taken_on, kind FROM interviews WHERE deal_id = ?"
                " ORDER BY taken_on, id",
                (deal_id,),
            )
            sent = db.rows(
                "SELECT key, covers FROM followups WHERE deal_id = ? AND status = 'done'",
                (deal_id,),
            )
            planned = db.rows(
                "SELECT key FROM followups WHERE deal_id = ? AND status = 'planned'", (deal_id,)
            )
            currency = home_currency.strip().upper()
            return DealFacts(
                created=date.fromisoformat(deal["created"]),
                answers=self._interviews.latest_record(deal_id),
                touches=tuple(self.touches(deal_id)),
                decision_dates=tuple(to_date(row["decision_date"]) for row in interviews),
                sent_keys=frozenset(
                    key for row in sent for key in (row["key"], *json.loads(row["covers"] or "[]"))
                ),
                planned_keys=frozenset(row["key"] for row in planned),
                snoozed_until=to_date(deal["snoozed_until"]),
                median_value=self._deals.median_value(currency),
                home_currency=currency,
                qualified_on=next(
                    (
                        to_date(row["taken_on"])
                        for row in reversed(interviews)
                        if row["kind"] != "import"
                    ),
                    None,
                ),
                stored_check_back=(
                    to_date(deal["check_back"]) if deal["decision"] == Decision.nurture else None
                ),
                decision_date=to_date(deal["decision_date"]),
                is_open=deal["status"] == "open",
                deal_id=deal_id,
                taken_slots=self.taken_slots(deal_id),
                **self._odds(deal),
            )

    def _odds(self, deal: Row) -> dict[str, Any]:
        """The deal's stored win probability, while the model knows every closed deal."""
        base_rate = self._learning.current_base_rate()
        probability = deal.get("win_probability")
        if base_rate is None or probability is None or deal["status"] != "open":
            return {}
        factors = json.loads(deal.get("win_factors") or "[]")
        return {
            "win_probability": float(probability),
            "base_rate": base_rate,
            "win_factors": tuple((str(f["factor"]), float(f["effect"])) for f in factors),
        }

    def taken_slots(self, deal_id: int) -> tuple[tuple[Slot, ...], ...]:
        """The meeting slots the planned recaps of the other open deals propose, one entry a deal.

        Read once per open store and kept current by `save`: `next` re-plans every expired deal
        in one process, and one query for all of them beats one per deal.
        """
        if self._recap_slots is None:
            rows = self._db.rows(
                "SELECT f.deal_id, f.bring FROM followups f JOIN deals d ON d.id = f.deal_id"
                " WHERE f.status = 'planned' AND f.purpose = 'recap' AND d.status = 'open'"
                " ORDER BY f.deal_id, f.id"
            )
            self._recap_slots = {}
            for row in rows:
                self._remember_slots(row["deal_id"], [row["bring"] or ""])
        return tuple(
            found for other, found in sorted(self._recap_slots.items()) if other != deal_id
        )

    def _remember_slots(self, deal_id: int, recaps: Sequence[str]) -> None:
        if self._recap_slots is None:
            return  # not read yet: the first read sees the saved rows
        found = [slots for text in recaps if (slots := Slot.found_in(text))]
        if found:
            self._recap_slots[deal_id] = found[-1]
        else:
            self._recap_slots.pop(deal_id, None)

    # ----------------------------------------------------------------- the plan

    def save(
        self,
        deal_id: int,
        planned: Sequence[PlannedFollowUp],
        *,
        today: date,
        reschedule: bool = False,
    ) -> list[Row]:
        """Upsert the plan by key and return the planned rows.

        A surviving key keeps its id and snooze; `sequence` and `changed` move only when
        something changed, so calendars see real changes only. Vanished keys are dropped,
        never deleted; done rows are frozen. A key that comes back revives its latest
        dropped row, so an id the rep copied keeps working.
        """
        keys = [item.key for item in planned]
        if len(set(keys)) != len(keys):
            raise ValueError(f"the plan of D{deal_id} repeats a follow-up key")
        stamp = today.isoformat()
        db = self._db
        with db.write():
            self._deals.require(deal_id)
            current = {
                row["key"]: row
                for row in db.rows(
                    "SELECT * FROM followups WHERE deal_id = ? AND status = 'planned'", (deal_id,)
                )
            }
            for key, row in current.items():
                if key not in keys:
                    db.execute(
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
                    row = db.row(
                        "SELECT * FROM followups WHERE deal_id = ? AND key = ? AND status = 'dropped'"
                        " ORDER BY id DESC LIMIT 1",
                        (deal_id, item.key),
                    )
                    if row is not None:
                        values["status"] = "planned"
                if row is None:
                    db.insert(
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
                    db.update(
                        "followups",
                        row["id"],
                        {**values, "changed": stamp, "sequence": row["sequence"] + 1},
                    )
            self._remember_slots(deal_id, [i.bring for i in planned if i.purpose == "recap"])
            return self.planned(deal_id)

    def planned(self, deal_id: int) -> list[Row]:
        """The deal's unsent follow-ups, by due date then id."""
        return self._db.rows(
            "SELECT * FROM followups WHERE deal_id = ? AND status = 'planned' ORDER BY due, id",
            (deal_id,),
        )

    def followup(self, fid: int) -> Row:
        row = self._db.row("SELECT * FROM followups WHERE id = ?", (fid,))
        if row is None:
            raise NotFound(f"no follow-up F{fid}; see dealcoach next or dealcoach plan DEAL")
        return row

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

    # ----------------------------------------------------------------- the verdict

    def save_verdict(
        self, deal_id: int, verdict: Verdict, strategy: StrategyChoice, *, today: date
    ) -> Row | None:
        """Store the verdict on the deal; returns the previous {decision, reasons} when the
        decision changed (so the change is announced once), else None (also for a first verdict).
        """
        with self._db.write():
            row = self._deals.require(deal_id)
            previous = row["decision"]
            changed = previous != verdict.decision.value
            kept = row["verdict_since"] if not changed else None
            since = kept or today.isoformat()
            self._db.update(
                "deals",
                deal_id,
                {
                    "decision": verdict.decision.value,
                    "confidence": verdict.confidence,
                    "reasons": _reasons_json(verdict.reasons),
                    "valid_until": iso(verdict.valid_until),
                    "check_back": iso(verdict.check_back),
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
        row = self._deals.require(deal_id)
        if row["decision"] is None:
            return None
        return Verdict(
            decision=Decision(row["decision"]),
            confidence=float(row["confidence"] or 0.0),
            reasons=tuple(Reason(**item) for item in json.loads(row["reasons"] or "[]")),
            valid_until=to_date(row["valid_until"]),
            check_back=to_date(row["check_back"]),
        )

    # ----------------------------------------------------------------- the day's events

    def add_touch(self, deal_id: int, touch: Touch, *, followup_id: int | None = None) -> int:
        """Record what happened; the caller re-plans in the same transaction."""
        with self._db.write():
            self._deals.require(deal_id)
            return self._db.insert(
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
                    "away_until": iso(touch.away_until),
                    "signal": touch.signal.value if touch.signal else None,
                    "signal_until": iso(touch.signal_until),
                },
            )

    def touch(self, touch_id: int) -> Touch:
        row = self._db.row("SELECT * FROM touches WHERE id = ?", (touch_id,))
        if row is None:
            raise NotFound(f"no touch {touch_id}")
        return _touch(row)

    def close_owes(self, deal_id: int, *, on: date, touch_id: int | None = None) -> int:
        """What we owed the buyer has been delivered: one touch, or all open ones of the deal."""
        with self._db.write():
            if touch_id is not None:
                cursor = self._db.execute(
                    "UPDATE touches SET owe_closed_on = ? WHERE id = ? AND owe IS NOT NULL"
                    " AND owe_closed_on IS NULL",
                    (on.isoformat(), touch_id),
                )
            else:
                cursor = self._db.execute(
                    "UPDATE touches SET owe_closed_on = ? WHERE deal_id = ? AND owe IS NOT NULL"
                    " AND owe_closed_on IS NULL",
                    (on.isoformat(), deal_id),
                )
            return cursor.rowcount

    def mark_done(self, fid: int, *, on: date, today: date | None = None) -> Row:
        """A planned follow-up was sent: it is frozen from now on."""
        with self._db.write():
            row = self.followup(fid)
            if row["status"] != "planned":
                raise BadInput(
                    f"F{fid} is already {row['status']}"
                    + (f" (sent {row['sent_on']})" if row["sent_on"] else "")
                    + "; log anything new with dealcoach log"
                )
            self._db.execute(
                "UPDATE followups SET status = 'done', sent_on = ?, changed = ?,"
                " sequence = sequence + 1 WHERE id = ?",
                (on.isoformat(), (today or on).isoformat(), fid),
            )
            return self.followup(fid)

    def snooze_deal(self, deal_id: int, until: date) -> None:
        with self._db.write():
            self._deals.require(deal_id)
            self._db.update("deals", deal_id, {"snoozed_until": until.isoformat()})

    def snooze_followup(self, fid: int, until: date, *, today: date) -> None:
        with self._db.write():
            row = self.followup(fid)
            if row["status"] != "planned":
                raise BadInput(f"F{fid} is {row['status']}; only planned follow-ups can be snoozed")
            self._db.execute(
                "UPDATE followups SET snoozed_until = ?, changed = ?, sequence = sequence + 1"
                " WHERE id = ?",
                (until.isoformat(), today.isoformat(), fid),
            )

    def keep_deal(self, deal_id: int, until: date) -> None:
        with self._db.write():
            self._deals.require(deal_id)
            self._db.update("deals", deal_id, {"kept_until": until.isoformat()})


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
        owe_closed_on=to_date(row["owe_closed_on"]),
        away_until=to_date(row["away_until"]),
        signal=StopReason(row["signal"]) if row["signal"] else None,
        signal_until=to_date(row["signal_until"]),
    )


def _followup_values(item: PlannedFollowUp) -> Row:
    return {
        "due": item.due.isoformat(),
        "channel": item.channel,
        "who": item.who,
        "purpose": item.purpose,
        "bring": item.bring,
        "milestone": item.milestone,
        "milestone_date": iso(item.milestone_date),
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
