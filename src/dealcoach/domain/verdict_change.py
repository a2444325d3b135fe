"""What changed between two verdicts of one deal, said once when the decision changes.

A change names the signals that differ, never the whole new list: on a reply after silence the rep
reads "nurture → pursue: the buyer answered (ghosted cleared)", not the first risk that happens to
remain. Signals whose evidence only changed wording do not differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from dealcoach.domain.verdict import SIGNAL_ORDER, STRENGTHS
from dealcoach.records import Reason, ReasonChange

APPEARED, CLEARED = "appeared", "cleared"
STOP = "stop_reason"
# what a stop verdict leaves unjudged: the deal's other risks and gaps (not the contact signals,
# which a stop lifted can reveal)
_SHORT_CIRCUITED = frozenset(SIGNAL_ORDER) - {"ghosted", "quiet_after_decision", "decision_passed"}
CLEARED_WORDS = {
    "stop_reason": "the buyer's stop no longer holds",
    "ghosted": "the buyer answered",
    "quiet_after_decision": "the buyer answered",
    "decision_passed": "a new decision date",
    "no_power": "the decision maker is known and met",
    "single_threaded": "a second contact in the deal",
    "date_pushed": "the decision date held",
    "milestone_missed": "the buyer answered after their step",
    "stalled": "the deal moved",
    "no_next_step": "a next step is agreed",
    "no_dates": "the buyer's dates are known",
    "no_criteria": "their criteria are known",
    "no_budget": "the budget is known",
    "poor_fit": "the deal fits",
    "low_pain": "the pain is real",
    "early_journey": "the buyer is further along",
    "far_decision": "the decision is near",
}


def reason_changes(
    before: Iterable[Mapping[str, str] | Reason], after: Sequence[Reason]
) -> tuple[ReasonChange, ...]:
    """The signals only the new verdict has (as they read now), then those it lost (as they read)."""
    old = [_pair(item) for item in before]
    new = [(reason.signal, reason.detail) for reason in after]
    # a stop the buyer voiced decides alone and weighs nothing else: the other signals were not
    # judged on that side, so they cannot have cleared (or appeared) because of it
    if any(signal == STOP for signal, _ in new):
        old = [pair for pair in old if pair[0] == STOP]
    if any(signal == STOP for signal, _ in old):
        new = [pair for pair in new if pair[0] == STOP or pair[0] not in _SHORT_CIRCUITED]
    old_signals = {signal for signal, _ in old}
    new_signals = {signal for signal, _ in new}
    appeared = [
        ReasonChange(signal, detail, APPEARED)
        for signal, detail in new
        if signal not in old_signals
    ]
    cleared = [
        ReasonChange(signal, detail, CLEARED) for signal, detail in old if signal not in new_signals
    ]
    return (*appeared, *cleared)


def summary(
    changes: Sequence[ReasonChange], after: Sequence[Reason], *, better: bool = False
) -> str:
    """One line for the screen. A verdict that got better says what cleared ("the buyer answered
    (ghosted cleared)"); one that got worse says what decided it, when that is new, else the
    strongest risk that appeared. The new verdict's lead reason when nothing differs."""
    risks = [c for c in changes if c.signal not in STRENGTHS]
    appeared = [c for c in risks if c.change == APPEARED]
    cleared = _strongest([c for c in risks if c.change == CLEARED])
    if better and cleared is not None:
        return _cleared_words(cleared)
    lead = after[0].signal if after else None
    deciding = next((c for c in appeared if c.signal == lead), None) or _strongest(appeared)
    if deciding is not None:
        return deciding.detail
    if cleared is not None:
        return _cleared_words(cleared)
    strength = _strongest([c for c in changes if c.change == APPEARED])
    if strength is not None:
        return strength.detail
    return after[0].detail if after else ""


RANK = {"let_go": 0, "nurture": 1, "pursue": 2}


def improved(before: str, after: str) -> bool:
    """From let go towards pursue."""
    return RANK.get(after, 0) > RANK.get(before, 0)


def _cleared_words(change: ReasonChange) -> str:
    words = CLEARED_WORDS.get(change.signal, f"{change.signal.replace('_', ' ')} no longer holds")
    return f"{words} ({change.signal} cleared)"


def _strongest(changes: Sequence[ReasonChange]) -> ReasonChange | None:
    rank = {signal: n for n, signal in enumerate(SIGNAL_ORDER)}
    return min(changes, key=lambda c: rank.get(c.signal, len(rank)), default=None)


def _pair(item: Mapping[str, str] | Reason) -> tuple[str, str]:
    if isinstance(item, Reason):
        return item.signal, item.detail
    return str(item["signal"]), str(item.get("detail", ""))
