"""A follow-up's identity: which rule made it, and for what.

The text form (`recap:2026-11-20`, `before:pilot`, `owe:17`, `escalate`) is stored with every
planned follow-up and every touch that answers one, exported, and imported back. A key that
survives a re-plan keeps its follow-up's id, snooze and calendar entry, so the text must never
change: it is formatted and parsed here, and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    """The rule that made a follow-up; the key's text starts with it."""

    recap = "recap"  # recap:<meeting date>, the day after a meeting
    before = "before"  # before:<step key>, ahead of a dated buyer step
    after = "after"  # after:<step key>, after it
    task = "task"  # task:<step key>, a step we own: the rep's own task
    renewal = "renewal"  # renewal:<days before the notice date>
    owe = "owe"  # owe:<touch id>, what the buyer asked us for on that touch
    discovery = "discovery"  # discovery:<gap>, a gap in what we know
    cadence = "cadence"  # cadence:<n>, or cadence:close-loop, while the buyer is silent
    escalate = "escalate"  # the last touch of a deal that never gives up
    check_back = "check_back"  # a nurtured deal's check-back


DISCOVERY_GAPS = ("close_plan", "no_power", "no_dates", "no_criteria", "decision_passed")
CLOSE_LOOP = "close-loop"  # the cadence's last touch: now, later or no

_NO_ANCHOR = frozenset({Kind.escalate, Kind.check_back})
_STEP_KINDS = frozenset({Kind.before, Kind.after, Kind.task})
_STEP_KEY = re.compile(r"[0-9a-z]+(?:-[0-9a-z]+)*")  # what answers.record.step_keys makes
_NUMBER = re.compile(r"[1-9][0-9]*")


@dataclass(frozen=True)
class FollowUpKey:
    """A rule and its anchor (a date, a step, a count, a touch); `str()` gives the stored text."""

    kind: Kind
    anchor: str = ""

    def __post_init__(self) -> None:
        if not _valid_anchor(self.kind, self.anchor):
            raise ValueError(f"not a follow-up key: {self.kind.value}:{self.anchor!r}")

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.anchor}" if self.anchor else self.kind.value

    @classmethod
    def parse(cls, text: str) -> FollowUpKey:
        """The key a stored text stands for; a ValueError when no rule makes such a key."""
        name, colon, anchor = text.partition(":")
        try:
            kind = Kind(name)
        except ValueError:
            raise ValueError(f"not a follow-up key: {text!r}") from None
        if colon and not anchor:
            raise ValueError(f"not a follow-up key: {text!r}")
        return cls(kind, anchor)

    # -- one constructor per rule ----------------------------------------------------------

    @classmethod
    def recap(cls, meeting: date) -> FollowUpKey:
        return cls(Kind.recap, meeting.isoformat())

    @classmethod
    def before(cls, step_key: str) -> FollowUpKey:
        return cls(Kind.before, step_key)

    @classmethod
    def after(cls, step_key: str) -> FollowUpKey:
        return cls(Kind.after, step_key)

    @classmethod
    def task(cls, step_key: str) -> FollowUpKey:
        return cls(Kind.task, step_key)

    @classmethod
    def renewal(cls, days_before_notice: int) -> FollowUpKey:
        return cls(Kind.renewal, str(days_before_notice))

    @classmethod
    def owe(cls, touch_id: int) -> FollowUpKey:
        return cls(Kind.owe, str(touch_id))

    @classmethod
    def discovery(cls, gap: str) -> FollowUpKey:
        return cls(Kind.discovery, gap)

    @classmethod
    def cadence(cls, number: int) -> FollowUpKey:
        """The n-th touch (from 1) of the unanswered cadence."""
        return cls(Kind.cadence, str(number))

    @classmethod
    def close_loop(cls) -> FollowUpKey:
        return cls(Kind.cadence, CLOSE_LOOP)

    @classmethod
    def escalate(cls) -> FollowUpKey:
        return cls(Kind.escalate)

    @classmethod
    def check_back(cls) -> FollowUpKey:
        return cls(Kind.check_back)

    # -- the anchor, typed -------------------------------------------------------------------

    @property
    def step_key(self) -> str | None:
        """The buyer step a before/after/task key hangs on."""
        return self.anchor if self.kind in _STEP_KINDS else None

    @property
    def meeting(self) -> date | None:
        return date.fromisoformat(self.anchor) if self.kind is Kind.recap else None

    @property
    def touch_id(self) -> int | None:
        """The touch on which the buyer asked for what an `owe` key delivers."""
        return int(self.anchor) if self.kind is Kind.owe else None

    @property
    def days_before_notice(self) -> int | None:
        return int(self.anchor) if self.kind is Kind.renewal else None


def _valid_anchor(kind: Kind, anchor: str) -> bool:
    if kind in _NO_ANCHOR:
        return anchor == ""
    if kind in _STEP_KINDS:
        return _STEP_KEY.fullmatch(anchor) is not None
    if kind is Kind.recap:
        return _is_iso_date(anchor)
    if kind in (Kind.renewal, Kind.owe):
        return _NUMBER.fullmatch(anchor) is not None
    if kind is Kind.discovery:
        return anchor in DISCOVERY_GAPS
    return anchor == CLOSE_LOOP or _NUMBER.fullmatch(anchor) is not None  # cadence


def _is_iso_date(text: str) -> bool:
    """Only the exact form isoformat() writes, so that parse and str() round-trip."""
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False
