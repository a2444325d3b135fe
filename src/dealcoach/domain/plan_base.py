"""What every rule of the plan shares: one deal's inputs, the working-day mechanics (spacing,
free days, what an overdue touch means) and how a follow-up record is made and anchored.

The rules themselves (what to plan, when and why) are in `planner.py`; this is the workshop.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from datetime import date

from dealcoach.answers.record import AnswersRecord, StepRecord, step_keys
from dealcoach.dates import LATEST
from dealcoach.domain import contact, timeline
from dealcoach.domain import followup_words as words
from dealcoach.domain.followup_keys import FollowUpKey, Kind
from dealcoach.domain.settings import Cadence
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.records import DealFacts, PlannedFollowUp, Verdict
from dealcoach.vocabulary import Owner

MIN_GAP = 2  # business days between two touches, whatever the rule


@dataclass(frozen=True)
class Dated:
    """A buyer step with its key within the deal."""

    key: str
    step: StepRecord


class PlanBase:
    """One deal's plan inputs and the mechanics every rule uses; a class only to share them."""

    def __init__(
        self,
        facts: DealFacts,
        answers: AnswersRecord,
        verdict: Verdict,
        today: date,
        cal: WorkCalendar,
        cad: Cadence,
    ) -> None:
        self.facts, self.a, self.verdict, self.today, self.cad = facts, answers, verdict, today, cad
        self.cal = cal  # a step on a day off draws its touches on the nearest working days
        self.state = contact.contact_state(facts, self.cal)
        self.main = contact.main_contact(answers)
        self.other = contact.other_contact(answers, self.main)
        self.limit = contact.ceiling(cad, answers, other_known=bool(self.other))
        self.start = self.cal.on_or_after(max(today, facts.snoozed_until or today))
        self.meeting = answers.deal.meeting_date or facts.qualified_on or facts.created
        keys = step_keys([s.step for s in answers.what])
        self.steps = [Dated(k, s) for k, s in zip(keys, answers.what, strict=True)]
        self.delivered = timeline.delivered(facts, self.sent_brings())

    def away_until(self, day: date) -> date | None:
        """The end of an out-of-office that covers `day`, if any."""
        ends = [
            t.away_until
            for t in self.facts.touches
            if t.away_until is not None and t.date <= day <= t.away_until
        ]
        return max(ends) if ends else None

    def effective(self, touch: PlannedFollowUp) -> date:
        """An overdue touch not yet sent will go out today at the earliest."""
        return max(touch.due, self.start)

    def counts_on(self, day: date) -> bool:
        return self.state.paused_on(day) is None

    def spacing(self, counting: int) -> int:
        steps = self.cad.spacing
        return steps[min(counting - 1, len(steps) - 1)] if counting > 0 else steps[0]

    def sent_since_contact(self) -> list[date]:
        """Days we wrote or called since the last two-way contact, counted or not (paused)."""
        return [
            t.date
            for t in self.facts.touches
            if t.outbound_attempt and t.date >= self.state.last_two_way
        ]

    def free_day(self, touches: list[PlannedFollowUp], day: date) -> date | None:
        sent = self.sent_since_contact()
        while day < LATEST:
            if all(abs(self.cal.between(d, day)) >= MIN_GAP for d in sent) and all(
                abs(self.cal.between(self.effective(t), day)) >= MIN_GAP
                for t in touches
                if t.channel != "task"
            ):
                return day
            day = self.cal.add(day, 1)
        return None

    def buyer_dated(self) -> list[Dated]:
        return sorted(
            (d for d in self.steps if d.step.date is not None and d.step.owner is not Owner.us),
            key=lambda d: (d.step.date, d.key),
        )

    def sent_brings(self) -> list[str]:
        """The deliverables of steps whose follow-up or task was marked done."""
        sent = self.facts.sent_keys
        return [
            d.step.bring
            for d in self.steps
            if d.step.bring
            and {str(FollowUpKey.before(d.key)), str(FollowUpKey.task(d.key))} & sent
        ]

    def sent_already(self, step: StepRecord) -> bool:
        return bool(step.bring) and timeline.already_sent(step.bring, self.delivered)

    def step_date(self, step_key: str | None) -> date | None:
        return next((d.step.date for d in self.steps if d.key == step_key), None)

    def touch(
        self,
        key: FollowUpKey,
        due: date,
        channel: str,
        who: str,
        purpose: str,
        said: words.Words,
        milestone: str | None,
        *,
        counts: bool = True,
    ) -> PlannedFollowUp:
        anchor, milestone_date = self.anchor_for(key, due)
        return PlannedFollowUp(
            str(key),
            due,
            channel,
            who,
            purpose,
            said.bring,
            milestone,
            said.outline,
            counts,
            anchor,
            milestone_date,
        )

    def anchor_for(self, key: FollowUpKey, due: date) -> tuple[str, date | None]:
        """What the due date hangs on: a step's date, the meeting, the notice date."""
        if key.step_key is not None:
            day = self.step_date(key.step_key)
            return (day.isoformat() if day else ""), day
        if key.kind is Kind.renewal and self.a.deal.renewal_notice:
            # the day too: one moved clear of another touch is stored on its new day
            return f"{self.a.deal.renewal_notice.isoformat()}|{due.isoformat()}", None
        if key.kind is Kind.recap and self.facts.snoozed_until is not None:
            return f"{key.anchor}|snoozed:{self.facts.snoozed_until.isoformat()}", None
        if key.kind in (Kind.recap, Kind.owe):
            return key.anchor, None
        return due.isoformat(), None

    def flex(
        self, key: FollowUpKey, channel: str, purpose: str, said: words.Words, who: str = ""
    ) -> PlannedFollowUp:
        history = f"{self.state.last_two_way.isoformat()}+{len(self.state.attempts)}"
        if self.facts.snoozed_until is not None:
            history += f"|snoozed:{self.facts.snoozed_until.isoformat()}"
        pauses = sorted(f"{p.start}:{p.end}" for p in self.state.pauses)
        if pauses:
            history += "|" + zlib.crc32(",".join(pauses).encode()).to_bytes(4).hex()
        bring, outline = said
        return PlannedFollowUp(
            str(key), self.today, channel, who, purpose, bring, None, outline, anchor=history
        )


def merge(first: PlannedFollowUp, second: PlannedFollowUp) -> PlannedFollowUp:
    """Two steps close together share one touch."""
    milestones = [m for m in (first.milestone, second.milestone) if m]
    return replace(
        first,
        covers=(*first.covers, second.key, *second.covers),
        milestone_date=first.milestone_date or second.milestone_date,
        bring=f"{first.bring}; {second.bring}",
        milestone=" + ".join(dict.fromkeys(milestones)) or None,
        counts=first.counts and second.counts,
    )
