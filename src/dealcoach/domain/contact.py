"""The let-go rule, whole: who answered, what counts as an unanswered attempt, which silences
do not count (pauses), how many attempts a deal allows (the ceiling) and when the buyer has had
time enough to answer the last one (the answer window).

The verdict asks `silence()` whether a deal is ghosted; the planner asks `ceiling()` how many
counting touches it may plan. The ceiling's values per strategy are settings (`Cadence`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from dealcoach.answers.record import AnswersRecord, StakeholderRecord
from dealcoach.dates import LATEST
from dealcoach.domain.settings import Cadence
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.records import DealFacts, Touch
from dealcoach.vocabulary import POWER_ROLES, Owner, Source

STEP_GRACE = 3  # business days after a buyer step during which their silence is expected
ANSWER_WINDOW = 2  # business days the buyer gets to answer the last touch before it counts


@dataclass(frozen=True)
class Pause:
    start: date
    end: date
    why: str  # reads after "after": "their Security review on 2027-01-14"

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class ContactState:
    last_two_way: date  # the deal's creation when the buyer never answered
    attempts: tuple[Touch, ...]  # unanswered outbound touches since then, outside pauses
    pauses: tuple[Pause, ...]
    answered: bool = False  # a two-way touch exists: `last_two_way` is a real answer
    shifted_by: Pause | None = None  # the pause that held back the latest uncounted touch

    def paused_on(self, day: date) -> Pause | None:
        return next((p for p in self.pauses if p.covers(day)), None)

    def attempts_to(self, who: str) -> int:
        return sum(1 for t in self.attempts if t.who == who)


def buyer_steps(answers: AnswersRecord) -> list[tuple[str, date]]:
    return [
        (s.step, s.date)
        for s in answers.what
        if s.date is not None and s.owner in (Owner.buyer, Owner.both)
    ]


def pauses(facts: DealFacts, cal: WorkCalendar) -> tuple[Pause, ...]:
    found: list[Pause] = []
    if facts.answers is not None:
        for name, day in buyer_steps(facts.answers):
            end = cal.add(day, STEP_GRACE)
            found.append(Pause(facts.created, end, f"their {name} on {day.isoformat()}"))
    for touch in facts.touches:
        if touch.away_until is not None and touch.away_until >= touch.date:
            who = touch.who or "the contact"
            found.append(
                Pause(touch.date, touch.away_until, f"{who} was away until {touch.away_until}")
            )
        if touch.owe:
            end = touch.owe_closed_on or LATEST
            found.append(Pause(touch.date, end, f"they waited on us for {touch.owe}"))
    if facts.snoozed_until is not None:
        found.append(
            Pause(facts.created, facts.snoozed_until, f"the snooze until {facts.snoozed_until}")
        )
    return tuple(found)


def ordered(touches: Sequence[Touch]) -> list[Touch]:
    """Oldest first; within a day, in the order they were recorded."""
    indexed = list(enumerate(touches))
    indexed.sort(key=lambda pair: (pair[1].date, pair[1].id or 0, pair[0]))
    return [touch for _, touch in indexed]


def counts_as_attempt(touch: Touch, found: Sequence[Pause]) -> bool:
    """An outbound email or call, unanswered, sent while no pause ran (a step, an absence...)."""
    return touch.outbound_attempt and not any(p.covers(touch.date) for p in found)


def contact_state(facts: DealFacts, cal: WorkCalendar) -> ContactState:
    """Since the last two-way contact: the attempts that count, and the pause (if any) that
    kept an earlier one from counting, so a reason can say why the count starts later."""
    found = pauses(facts, cal)
    history = ordered(facts.touches)
    last_index = max((i for i, t in enumerate(history) if t.two_way), default=-1)
    last_two_way = history[last_index].date if last_index >= 0 else facts.created
    since = history[last_index + 1 :]
    counted = [counts_as_attempt(t, found) for t in since]
    attempts = tuple(t for t, counts in zip(since, counted, strict=True) if counts)
    start = counted.index(True) if attempts else len(since)
    held = [t for t in since[:start] if t.outbound_attempt]  # sent while a pause ran
    shifted_by = None
    if held:
        shifted_by = max((p for p in found if p.covers(held[-1].date)), key=lambda p: p.end)
    return ContactState(last_two_way, attempts, found, last_index >= 0, shifted_by)


def ceiling(cad: Cadence, answers: AnswersRecord, *, other_known: bool) -> int:
    """Unanswered touches allowed since the last two-way contact: the strategy's ceiling, one
    more for a lead who came to us, and the strategy's extra when a second person is known."""
    extra = 1 if Source.of(answers.deal.source) is Source.inbound else 0
    return cad.ceiling + extra + (cad.other_stakeholder if other_known else 0)


def deal_ceiling(cad: Cadence, answers: AnswersRecord) -> int:
    """The ceiling of one deal, knowing whom the plan writes to."""
    other = other_contact(answers, main_contact(answers))
    return ceiling(cad, answers, other_known=bool(other))


@dataclass(frozen=True)
class Silence:
    """The ghosting test's answer: ghosted or not, and when it may change."""

    ghosted: bool
    answer_by: date | None = None  # the last touch's answer window closes then (still ahead)


def silence(state: ContactState, limit: int, today: date, cal: WorkCalendar) -> Silence:
    """Ghosted: the ceiling of unanswered attempts is reached, no pause runs today, and the
    buyer has had the answer window to reply to the last attempt."""
    attempts = state.attempts
    if len(attempts) < limit:
        return Silence(ghosted=False)
    pause = state.paused_on(today)
    if pause is not None:  # judged again the day after it ends
        return Silence(ghosted=False, answer_by=cal.add(pause.end, 1))
    answer_by = cal.add(attempts[-1].date, ANSWER_WINDOW)
    if answer_by > today:
        return Silence(ghosted=False, answer_by=answer_by)
    return Silence(ghosted=True)


MAIN_ORDER = ("champion", "decision_maker", "economic_buyer", "influencer", "user", "procurement")


def power_gap(people: Iterable[tuple[str | None, bool]]) -> str | None:
    """Who signs, from (role, met) pairs: "no_signer" when nobody with the power to sign is named,
    "signer_not_met" when none of them was met, else None. The verdict's `no_power` and the card's
    who section both read it, so they can never disagree."""
    signers_met = [met for role, met in people if role in POWER_ROLES]
    if not signers_met:
        return "no_signer"
    return None if any(signers_met) else "signer_not_met"


def main_contact(answers: AnswersRecord) -> str:
    """The person the plan writes to first: the champion, else the most senior known."""
    for role in MAIN_ORDER:
        for person in answers.who:
            if person.role is not None and person.role.value == role:
                return person.name
    non_blockers = [p for p in answers.who if p.role is None or p.role.value != "blocker"]
    return non_blockers[0].name if non_blockers else ""


def other_contact(answers: AnswersRecord, main: str) -> str:
    """A second person to write to when the first has gone quiet (multi-threading)."""
    others = [
        p for p in answers.who if p.name != main and (p.role is None or p.role.value != "blocker")
    ]

    def reach(person: StakeholderRecord) -> tuple[bool, bool]:
        """Someone met before someone never met (a cold signer gets an introduction instead),
        then whoever can sign."""
        return (not person.met, person.role is None or person.role.value not in POWER_ROLES)

    return min(others, key=reach).name if others else ""
