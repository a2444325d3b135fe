"""The data a command hands to the renderer: one deal's card, a pipeline line, a re-judged deal.

The command reads the store into these shapes; the screens and JSON documents only format them.
`Replanned` names what the renderer reads of a re-plan's outcome, so the renderer does not import
the workflow (and, through it, the store).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from dealcoach.records import Touch, Verdict

if TYPE_CHECKING:
    from dealcoach.answers.record import AnswersRecord
    from dealcoach.records import StrategyChoice

Row = Mapping[str, Any]


class Replanned(Protocol):
    """A deal judged and planned again: its verdict, strategy, plan and the decision before."""

    @property
    def verdict(self) -> Verdict: ...

    @property
    def strategy(self) -> StrategyChoice: ...

    @property
    def plan(self) -> list[dict[str, Any]]: ...

    @property
    def previous(self) -> dict[str, Any] | None: ...


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
