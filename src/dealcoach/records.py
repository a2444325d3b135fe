"""The domain's plain records: what the store returns and the pure modules read and produce."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dealcoach.vocabulary import Decision, StopReason, Strategy, TouchKind

if TYPE_CHECKING:  # annotations only: records stay cheap to import on `next`'s path
    from dealcoach.answers.record import AnswersRecord


@dataclass(frozen=True)
class Touch:
    """Something that happened with the buyer (or a note about it)."""

    date: date
    kind: TouchKind
    inbound: bool = False
    replied: bool = False
    who: str = ""
    note: str = ""
    followup_key: str | None = None
    owe: str = ""
    away_until: date | None = None
    signal: StopReason | None = None
    signal_until: date | None = None
    owe_closed_on: date | None = None
    followup_id: int | None = None
    id: int | None = None

    @property
    def two_way(self) -> bool:
        """The buyer answered or met us. An away notice (an auto-reply) is a pause, never that."""
        if self.away_until is not None:
            return False
        return self.inbound or self.replied or self.kind is TouchKind.meeting

    @property
    def outbound_attempt(self) -> bool:
        """An outbound email or call: the touches that can go unanswered."""
        return not (self.inbound or self.replied) and self.kind in (TouchKind.email, TouchKind.call)


_SLOT_TEXT = re.compile(r"\b[A-Z][a-z]{2} (\d{4}-\d{2}-\d{2}) ([01]\d|2[0-3]):([0-5]\d)\b")


@dataclass(frozen=True, order=True)
class Slot:
    """A meeting slot a recap proposes: a day and a start time (minutes after midnight).

    Its text (`Wed 2026-11-25 10:00`) is what the recap's `bring` says and what `found_in` reads
    back, so the slots proposed to other deals can be avoided without a column of their own.
    """

    day: date
    minute: int

    def __str__(self) -> str:
        hours, minutes = divmod(self.minute, 60)
        return f"{self.day:%a %Y-%m-%d} {hours:02d}:{minutes:02d}"

    @staticmethod
    def found_in(text: str) -> tuple[Slot, ...]:
        """The slots written in a recap's text, in order; an unreadable one is left out."""
        found = []
        for match in _SLOT_TEXT.finditer(text):
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                continue
            found.append(Slot(day, int(match.group(2)) * 60 + int(match.group(3))))
        return tuple(found)


@dataclass(frozen=True)
class DealFacts:
    """Everything the planner and the verdict read about one deal, and nothing they write."""

    created: date
    answers: AnswersRecord | None
    touches: tuple[Touch, ...] = ()
    decision_dates: tuple[date | None, ...] = ()  # one per interview, oldest first
    sent_keys: frozenset[str] = frozenset()  # follow-up keys already done
    planned_keys: frozenset[str] = frozenset()  # follow-up keys planned and not yet sent
    snoozed_until: date | None = None
    median_value: Decimal | None = None
    home_currency: str = "USD"
    qualified_on: date | None = None  # the newest interview's date
    stored_check_back: date | None = None  # fixed when the verdict turned nurture
    decision_date: date | None = None  # the current one (interview, CRM or log); else the answers'
    is_open: bool = True  # closed deals are judged, never stored: no time signal on them
    deal_id: int | None = None  # varies the recap's proposed slots from deal to deal
    taken_slots: tuple[tuple[Slot, ...], ...] = ()  # proposed to other open deals, one per deal
    win_probability: float | None = None  # learned from the rep's closed deals (a current model)
    base_rate: float | None = None  # the rep's win rate the model learned from
    win_factors: tuple[tuple[str, float], ...] = ()  # (factor, effect in points), strongest first


@dataclass(frozen=True)
class PlannedFollowUp:
    """One follow-up of the plan; `key` says which rule made it and for what anchor."""

    key: str
    due: date
    channel: str
    who: str
    purpose: str
    bring: str
    milestone: str | None
    outline: str
    counts: bool = True  # False while a pause runs, and for the rep's own tasks
    anchor: str = ""  # what the due date was worked out from; unchanged anchor, unchanged date
    milestone_date: date | None = None
    covers: tuple[str, ...] = ()  # keys of follow-ups merged into this one: sent with it


@dataclass(frozen=True)
class Reason:
    signal: str
    detail: str


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    confidence: float
    reasons: tuple[Reason, ...]
    valid_until: date | None
    check_back: date | None = None

    @property
    def confidence_label(self) -> str:
        if self.confidence >= 0.7:
            return "high"
        if self.confidence >= 0.4:
            return "medium"
        return "low"


@dataclass(frozen=True)
class StrategyChoice:
    strategy: Strategy
    why: str


@dataclass(frozen=True)
class Plan:
    strategy: StrategyChoice
    followups: tuple[PlannedFollowUp, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ReasonChange:
    """A signal that one verdict has and the one before had not ("appeared"), or the reverse."""

    signal: str
    detail: str
    change: str  # "appeared" | "cleared"


@dataclass(frozen=True)
class Outcome:
    """A deal judged and planned again: its verdict, strategy, stored plan and the decision before."""

    deal_id: int
    verdict: Verdict
    strategy: StrategyChoice
    plan: list[dict[str, Any]]
    previous: dict[str, Any] | None  # the verdict before, when the decision changed
    changes: tuple[ReasonChange, ...] = ()  # with `previous`: the signals that differ
