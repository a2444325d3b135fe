"""The data the renderer is handed: one deal's card, a pipeline line, a doctor's check.

The workflow reads the store into these shapes; the screens and JSON documents only format them.
A re-judged deal is `records.Outcome`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from dealcoach.records import Touch, Verdict

if TYPE_CHECKING:
    from dealcoach.answers.record import AnswersRecord

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Card:
    """Everything `show` prints about one deal, read from the store in one go."""

    deal: Row
    answers: AnswersRecord | None
    stakeholders: Sequence[Row]
    steps: Sequence[Row]
    plan: Sequence[Row]
    touches: Sequence[Touch]
    verdict: Verdict | None
    interviews: Sequence[Row]

    @property
    def qualified(self) -> bool:
        """An imported deal has no interview: it gets one line that says "run qualify"."""
        return bool(self.deal.get("qualified")) and self.answers is not None


@dataclass(frozen=True)
class PipelineLine:
    """One deal of `list`: the deal row and its next planned follow-up (if any)."""

    deal: Row
    next: Row | None
    open_followups: int

    @property
    def next_due(self) -> str | None:
        return effective_due(self.next) if self.next is not None else None


def effective_due(row: Row) -> str:
    """A snoozed follow-up is due when its snooze ends, not before."""
    due = str(row["due"])
    snoozed = row.get("snoozed_until")
    return str(snoozed) if snoozed and str(snoozed) > due else due


def next_followup(planned: Sequence[Row]) -> Row | None:
    """The planned follow-up that comes first (snoozes honoured; ties by id)."""
    if not planned:
        return None
    return min(planned, key=lambda row: (effective_due(row), row["id"]))


@dataclass
class Check:
    """One finding of `doctor`: what was looked at, whether it is fine, and how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class DraftView:
    """What `dealcoach draft` writes a message from: one follow-up, and its one question."""

    followup_id: int
    account: str
    who: str
    channel: str
    bring: str
    milestone: str | None
    milestone_date: date | None
    question: str
