"""The interviews of each deal, kept whole, and what the newest one says: people and steps.

An interview is stored as its answers document (JSON) and applied to the deal's row, its
stakeholders and its buyer steps. The pydantic schema loads only where a stored document must be
validated, so the daily commands start without it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from dealcoach.errors import BadInput, StoreError
from dealcoach.store.connection import Connection, Row, iso
from dealcoach.store.deals import Deals
from dealcoach.vocabulary import TouchKind

if TYPE_CHECKING:  # the pydantic models load only on the paths that need them (start-up)
    from dealcoach.answers.record import AnswersRecord
    from dealcoach.answers.schema import Answers, BuyerStep, Stakeholder

INTERVIEW_KINDS = ("full", "quick", "answers")


class Interviews:
    """Interviews, stakeholders and buyer steps, on the connection the deals share."""

    def __init__(self, db: Connection, deals: Deals) -> None:
        self._db = db
        self._deals = deals

    def save(self, answers: Answers, *, today: date, kind: str, deal_id: int | None = None) -> int:
        """Store one interview whole and apply it to the deal (a new one when deal_id is None).

        Also records the meeting as a two-way touch, since the interview follows a meeting.
        """
        self._deals.values_changed()
        if kind not in INTERVIEW_KINDS:
            raise BadInput(
                f"unknown interview kind {kind!r}; use one of {', '.join(INTERVIEW_KINDS)}"
            )
        deal = answers.deal
        meeting = deal.meeting_date or today
        decision_date = iso(answers.when.decision_date)
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
        db = self._db
        with db.write():
            if deal_id is None:
                deal_id = db.insert(
                    "deals", {**columns, "status": "open", "created": today.isoformat()}
                )
            else:
                self._deals.require(deal_id)
                db.update("deals", deal_id, columns)
            self._replace_stakeholders(deal_id, answers.who)
            self._replace_steps(deal_id, answers.what)
            db.insert(
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
            already = db.row(
                "SELECT id FROM touches WHERE deal_id = ? AND kind = 'meeting' AND date = ?",
                (deal_id, meeting.isoformat()),
            )
            note = answers.deal.meeting_note or "qualify"
            if already is not None and answers.deal.meeting_note:
                db.update("touches", already["id"], {"note": note})
            elif already is None:
                db.insert(
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
        self._db.execute("DELETE FROM stakeholders WHERE deal_id = ?", (deal_id,))
        for position, person in enumerate(people, start=1):
            self._db.insert(
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
            for row in self._db.rows("SELECT id, key FROM steps WHERE deal_id = ?", (deal_id,))
        }
        for key, step_id in existing.items():
            if key not in keys:
                self._db.execute("DELETE FROM steps WHERE id = ?", (step_id,))
        for position, (key, step) in enumerate(zip(keys, steps, strict=True), start=1):
            values: Row = {
                "position": position,
                "step": step.step,
                "owner": step.owner.value,
                "bring": step.bring or None,
                "date": iso(step.date),
            }
            if key in existing:
                self._db.update("steps", existing[key], values)
            else:
                self._db.insert("steps", {"deal_id": deal_id, "key": key, **values})

    def latest_answers(self, deal_id: int) -> Answers | None:
        """The answers of the deal's newest interview, or None for a deal never qualified."""
        row = self._latest(deal_id)
        return None if row is None else _checked_answers(row, deal_id)

    def latest_record(self, deal_id: int) -> AnswersRecord | None:
        """The same answers as plain records, for the planner and the verdict: no pydantic
        unless the stored document is not in the form dealcoach writes (an import may store
        answers as their file gave them)."""
        row = self._latest(deal_id)
        if row is None:
            return None
        from dealcoach.answers.record import NotARecord, from_document

        try:
            return from_document(json.loads(row["answers"]))
        except (NotARecord, ValueError, TypeError):
            from dealcoach.answers.schema import record_of  # pydantic: only for a raw document

            return record_of(_checked_answers(row, deal_id))

    def _latest(self, deal_id: int) -> Row | None:
        return self._db.row(
            "SELECT id, answers, taken_on FROM interviews WHERE deal_id = ?"
            " ORDER BY taken_on DESC, id DESC LIMIT 1",
            (deal_id,),
        )

    def all(self, deal_id: int) -> list[Row]:
        """The deal's interviews, oldest first; `answers` is the stored JSON text."""
        return self._db.rows(
            "SELECT * FROM interviews WHERE deal_id = ? ORDER BY taken_on, id", (deal_id,)
        )

    def stakeholders(self, deal_id: int) -> list[Row]:
        return self._db.rows(
            "SELECT * FROM stakeholders WHERE deal_id = ? ORDER BY position, id", (deal_id,)
        )

    def steps(self, deal_id: int) -> list[Row]:
        return self._db.rows(
            "SELECT * FROM steps WHERE deal_id = ? ORDER BY position, id", (deal_id,)
        )

    def record_decision_date(self, deal_id: int, decision_date: date, *, today: date) -> bool:
        """A CRM or the rep (`log --decision-date`) moved a qualified deal's decision date: make
        it the deal's date, visible to `date_pushed` and to the planner.

        The verdict reads one decision date per interview, so the change is stored as an
        interview of kind `import`: the newest answers, unchanged but for `when.decision_date`,
        recorded today against the last meeting's date. Returns False for a deal never
        qualified (it has no interview to carry the date).
        """
        with self._db.write():
            latest = self._db.row(
                "SELECT date, answers FROM interviews WHERE deal_id = ?"
                " ORDER BY taken_on DESC, id DESC LIMIT 1",
                (deal_id,),
            )
            if latest is None:
                return False
            answers = json.loads(latest["answers"])
            answers.setdefault("when", {})["decision_date"] = decision_date.isoformat()
            self._db.insert(
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
            self._db.update("deals", deal_id, {"decision_date": decision_date.isoformat()})
            return True


def _decimal_text(value: Decimal | None) -> str | None:
    """Exact decimal text in plain notation ('48000', never '4.8E+4')."""
    return None if value is None else format(value, "f")


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
