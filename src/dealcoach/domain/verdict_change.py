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
    if any(signal == STOP for signal, _ in (*old, *new)):
        # a stop the buyer voiced decides alone and weighs nothing else: the other signals were
        # not judged on that side, so only the stop itself can have appeared or cleared
        old = [pair for pair in old if pair[0] == STOP]
        new = [pair for pair in new if pair[0] == STOP]
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


def summary(changes: Sequence[ReasonChange], after: Sequence[Reason]) -> str:
    """One line for the screen: the strongest risk that appeared, else the strongest one cleared,
    else the strongest strength that appeared; the new verdict's lead reason when nothing differs."""
    risks = [c for c in changes if c.signal not in STRENGTHS]
    appeared = _strongest([c for c in risks if c.change == APPEARED])
    if appeared is not None:
        return appeared.detail
    cleared = _strongest([c for c in risks if c.change == CLEARED])
    if cleared is not None:
        words = CLEARED_WORDS.get(
            cleared.signal, f"{cleared.signal.replace('_', ' ')} no longer holds"
        )
        return f"{words} ({cleared.signal} cleared)"
    strength = _strongest([c for c in changes if c.change == APPEARED])
    if strength is not None:
        return strength.detail
    return after[0].detail if after else ""


def _strongest(changes: Sequence[ReasonChange]) -> ReasonChange | None:
    rank = {signal: n for n, signal in enumerate(SIGNAL_ORDER)}
    return min(changes, key=lambda c: rank.get(c.signal, len(rank)), default=None)


def _pair(item: Mapping[str, str] | Reason) -> tuple[str, str]:
    if isinstance(item, Reason):
        return item.signal, item.detail
    return str(item["signal"]), str(item.get("detail", ""))
