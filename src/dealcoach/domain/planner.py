"""The informed follow-up plan: pure, from the interview, the history and today.

Every follow-up brings something the buyer needs, timed against the buyer's own steps. The
plan assumes no reply; when rules collide, working days win, then the unanswered ceiling,
then the spacing, then step coverage.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass, replace
from datetime import date, timedelta

from dealcoach.answers.record import AnswersRecord, StepRecord, step_keys
from dealcoach.dates import LATEST
from dealcoach.domain import contact, strategy
from dealcoach.domain import followup_words as words
from dealcoach.domain.followup_keys import FollowUpKey, Kind
from dealcoach.domain.settings import Cadence, Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.records import DealFacts, Plan, PlannedFollowUp, Verdict
from dealcoach.vocabulary import DealType, Decision, Owner

MIN_GAP = 2  # business days between two touches, whatever the rule
BEFORE_IDEAL, BEFORE_EARLIEST, BEFORE_LATEST, BEFORE_LAST_RESORT = 4, 5, 3, 2
AFTER_STEP, AFTER_LATEST = 2, 5


@dataclass(frozen=True)
class _Dated:
    key: str
    step: StepRecord


def plan(
    facts: DealFacts,
    verdict: Verdict,
    today: date,
    settings: Settings,
    cal: WorkCalendar,
    *,
    reschedule: bool = False,
) -> Plan:
    """The follow-ups to send from today on (and the overdue ones not yet sent).

    `reschedule` moves what is overdue to today (after a holiday: `next --replan`).
    """
    answers = facts.answers
    if answers is None:
        return Plan(strategy.StrategyChoice(strategy.Strategy.hybrid, "no interview yet"), ())
    choice = strategy.choose(answers, facts.median_value, settings)
    cad = strategy.cadence(choice.strategy, settings)
    builder = _Builder(facts, answers, verdict, today, cal, cad)
    made = builder.build()
    if reschedule:
        made = [replace(f, due=builder.start) if f.due < builder.start else f for f in made]
    return Plan(choice, tuple(sorted(made, key=lambda f: (f.due, f.key))))


class _Builder:
    """One deal's plan; a class only to share the inputs (the words come from followup_words)."""

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
        self.cal = cal.for_deal(s.date for s in answers.what)
        self.state = contact.contact_state(facts, self.cal)
        self.main = contact.main_contact(answers)
        self.other = contact.other_contact(answers, self.main)
        self.limit = contact.ceiling(cad, answers, other_known=bool(self.other))
        self.start = self.cal.on_or_after(max(today, facts.snoozed_until or today))
        self.meeting = answers.deal.meeting_date or facts.qualified_on or facts.created
        keys = step_keys([s.step for s in answers.what])
        self.steps = [_Dated(k, s) for k, s in zip(keys, answers.what, strict=True)]

    # -- the whole plan ------------------------------------------------------------------

    def build(self) -> list[PlannedFollowUp]:
        if self.verdict.decision is Decision.let_go:
            return []
        if self.verdict.decision is Decision.nurture:
            return [self.check_back()]
        tasks = self.our_tasks() + self.owed()
        touches: list[PlannedFollowUp] = []
        recap = self.recap()
        if recap is not None:
            touches.append(recap)
        for item in self.milestone_touches():
            self.place_fixed(touches, item)
        touches = self.within_ceiling(touches)
        touches.extend(self.renewal_touches(touches))  # around what the ceiling kept
        self.fill(touches)
        return tasks + touches

    def within_ceiling(self, touches: list[PlannedFollowUp]) -> list[PlannedFollowUp]:
        """The ceiling beats the anchored touches too: counting ones past it are not planned."""
        room = self.limit - len(self.state.attempts)
        kept = []
        for touch in sorted(touches, key=lambda t: (self.effective(t), t.key)):
            if touch.counts and self.counts_on(self.effective(touch)):
                if room <= 0:
                    continue
                room -= 1
            kept.append(touch)
        return kept

    # -- anchored touches ----------------------------------------------------------------

    def recap(self) -> PlannedFollowUp | None:
        key = FollowUpKey.recap(self.meeting)
        if str(key) in self.facts.sent_keys or self.meeting > self.today:
            return None
        due = self.cal.add(self.meeting, self.cad.first)
        if self.facts.snoozed_until and due < self.start:
            due = self.start
        slots = None
        if not self.a.next_step.agreed:  # offer two dated slots for the next step
            first = self.cal.add(due, 2)
            slots = (first, self.cal.add(first, 1))
        said = words.recap(self.a, slots)
        counts = self.counts_on(max(due, self.start))
        return self.touch(key, due, "email", self.main, "recap", said, None, counts=counts)

    def milestone_touches(self) -> list[PlannedFollowUp]:
        """One touch ahead of each dated buyer step (bringing our part) and one after it.

        Steps at most two working days apart share their touches.
        """
        clusters: list[list[_Dated]] = []
        for dated in self.buyer_dated():
            assert dated.step.date is not None
            if dated.step.date < self.meeting:
                continue
            last = clusters[-1][-1].step.date if clusters else None
            if last is not None and self.cal.between(last, dated.step.date) <= MIN_GAP:
                clusters[-1].append(dated)
            else:
                clusters.append([dated])
        items: list[PlannedFollowUp] = []
        for cluster in clusters:
            touches = [t for dated in cluster for t in self.step_touches(dated)]
            befores = [t for t in touches if t.purpose == "before_step"]
            afters = [t for t in touches if t.purpose == "after_step"]
            if befores:
                items.append(functools.reduce(_merge, befores))
            if afters:
                items.append(functools.reduce(_merge, reversed(afters)))
        return items

    def step_touches(self, dated: _Dated) -> list[PlannedFollowUp]:
        items: list[PlannedFollowUp] = []
        step, day = dated.step, dated.step.date
        assert day is not None
        before_key, after_key = FollowUpKey.before(dated.key), FollowUpKey.after(dated.key)
        before_sent = str(before_key) in self.facts.sent_keys
        ready = self.cal.add(self.start, BEFORE_LAST_RESORT) <= day or (
            str(before_key) in self.facts.planned_keys and day > self.today
        )
        late = ""
        if ready and not before_sent:
            items.append(self.before(dated, before_key))
        elif not before_sent:
            late = words.late_delivery(step)
        if str(after_key) in self.facts.sent_keys:
            return items
        due = self.cal.add(day, AFTER_STEP)
        said = words.after_step(self.a, step, late)
        items.append(
            self.touch(
                after_key, due, "call", self.main, "after_step", said, step.step, counts=False
            )
        )
        return items

    def before(self, dated: _Dated, key: FollowUpKey) -> PlannedFollowUp:
        step, day = dated.step, dated.step.date
        assert day is not None
        due = max(self.cal.subtract(day, BEFORE_IDEAL), self.start)
        said = words.before_step(step, day)
        return self.touch(
            key, due, "email", self.main, "before_step", said, step.step, counts=False
        )

    def place_fixed(self, touches: list[PlannedFollowUp], item: PlannedFollowUp) -> None:
        """Add an anchored touch; one too close to another joins it rather than break the gap."""
        for i, other in enumerate(touches):
            if abs(self.cal.between(self.effective(other), self.effective(item))) < MIN_GAP:
                moved = self.slide(touches, item)
                if moved is not None:
                    touches.append(moved)
                    return
                touches[i] = _merge(other, item)
                return
        touches.append(item)

    def slide(
        self, touches: list[PlannedFollowUp], item: PlannedFollowUp
    ) -> PlannedFollowUp | None:
        """A step's touch may move inside its window (3-5 days ahead, 2-5 after) to keep the gap."""
        key = FollowUpKey.parse(item.key)
        step_day = self.step_date(key.step_key)
        if step_day is None or key.kind not in (Kind.before, Kind.after):
            return None
        if key.kind is Kind.before:
            day = self.cal.subtract(step_day, BEFORE_EARLIEST)
            latest = self.cal.subtract(step_day, BEFORE_LAST_RESORT)
        else:
            day = self.cal.add(step_day, AFTER_STEP)
            latest = self.cal.add(step_day, AFTER_LATEST)
        while day <= latest:
            if day >= self.start and all(
                abs(self.cal.between(self.effective(t), day)) >= MIN_GAP for t in touches
            ):
                return replace(item, due=day)
            following = self.cal.add(day, 1)
            if following <= day:
                return None  # the end of the calendar
            day = following
        return None

    def renewal_touches(self, touches: list[PlannedFollowUp]) -> list[PlannedFollowUp]:
        """Touches back from the notice date. One not sent on its day waits (overdue) until the
        next one is due; one too close to another touch moves to the next free day before then;
        one due before the meeting was never planned."""
        notice = self.a.deal.renewal_notice
        if self.a.deal.type is not DealType.renewal or notice is None:
            return []
        found: list[PlannedFollowUp] = []
        marks = strategy.renewal_days(notice, self.cal)
        ends = [due for _, _, due in marks[1:]] + [notice]
        for (days, mark, due), until in zip(marks, ends, strict=True):
            key = FollowUpKey.renewal(days)
            if str(key) in self.facts.sent_keys or until <= self.start or mark < self.meeting:
                continue  # sent; superseded by the next one; or due before we met them
            due = max(due, self.cal.on_or_after(self.meeting))
            earliest = max(due, self.start)
            day = self.free_day(touches + found, earliest)
            if day is None or day >= until:
                continue
            found.append(
                self.touch(
                    key,
                    due if day == earliest else day,
                    "email",
                    self.main,
                    "renewal",
                    words.renewal(self.a, days, notice),
                    words.RENEWAL_MILESTONE,
                    counts=False,
                )
            )
        return found

    def owed(self) -> list[PlannedFollowUp]:
        """What the buyer is waiting for from us: due the next working day after they asked."""
        items = []
        for touch in self.facts.touches:
            if not touch.owe or touch.owe_closed_on is not None or touch.id is None:
                continue
            due = self.cal.add(touch.date, 1)
            said = words.Words(touch.owe, words.OWE_OUTLINE)
            key = FollowUpKey.owe(touch.id)
            items.append(
                self.touch(
                    key, due, "email", touch.who or self.main, "owe", said, None, counts=False
                )
            )
        return items

    def our_tasks(self) -> list[PlannedFollowUp]:
        """Steps we own are the rep's tasks, due two working days ahead of the date."""
        tasks = []
        for dated in self.steps:
            step = dated.step
            key = FollowUpKey.task(dated.key)
            if step.owner is not Owner.us or step.date is None or str(key) in self.facts.sent_keys:
                continue
            if step.date < self.meeting:
                continue
            due = max(self.cal.subtract(step.date, 2), self.cal.on_or_after(self.today))
            due = min(due, step.date) if step.date >= self.today else step.date
            said = words.our_task(step, step.date)
            tasks.append(
                self.touch(key, due, "task", "", "our_step", said, step.step, counts=False)
            )
        return tasks

    # -- flexible touches: discovery, cadence, closing the loop ------------------------

    def fill(self, touches: list[PlannedFollowUp]) -> None:
        """Discovery and cadence touches in the gaps, up to the unanswered ceiling."""
        counted = [t.date for t in self.state.attempts]
        counted += [
            self.effective(t) for t in touches if t.counts and self.counts_on(self.effective(t))
        ]
        counting = len(counted)
        last = max(counted + self.sent_since_contact(), default=None)
        per_person: dict[str, int] = {}
        for t in self.state.attempts:
            per_person[t.who] = per_person.get(t.who, 0) + 1
        pause_end = max((p.end for p in self.state.pauses if p.end < LATEST), default=None)
        sent = self.facts.sent_keys
        queue = [item for item in self.discovery() + self.cadence_items() if item.key not in sent]
        while counting < self.limit:
            final = counting == self.limit - 1 or not queue
            item = None if final else queue.pop(0)
            day = self.cal.add(last, self.spacing(counting)) if last else self.start
            if (item is None or item.purpose != "discovery") and pause_end is not None:
                day = max(day, self.cal.add(pause_end, 1))
            away_end = self.away_until(day)
            if away_end is not None:
                day = self.cal.add(away_end, 1)  # nobody reads mail on the beach
            free = self.free_day(touches, max(day, self.start))
            if free is None:
                return
            if item is None:
                item = self.closing_loop(free)
            who = item.who or self.main
            if per_person.get(who, 0) >= 2 and self.other:
                who = self.other
            item = replace(item, due=free, who=who, counts=self.counts_on(free))
            touches.append(item)
            last = free
            if item.counts:
                counting += 1
                per_person[who] = per_person.get(who, 0) + 1
            if final:
                return

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

    def discovery(self) -> list[PlannedFollowUp]:
        return [
            self.flex(FollowUpKey.discovery(gap), "email", "discovery", said)
            for gap, said in words.discovery(self.a, self.main)
        ]

    def cadence_items(self) -> list[PlannedFollowUp]:
        """Unanswered-cadence touches, email and call in turn."""
        return [
            self.flex(
                FollowUpKey.cadence(i + 1), "email" if i % 2 == 0 else "call", "cadence", said
            )
            for i, said in enumerate(words.cadence(self.a))
        ]

    def closing_loop(self, due: date) -> PlannedFollowUp:
        """The last touch before the deal goes quiet; its reason to answer must still hold on `due`."""
        reason = words.reason_to_answer(self.a, due)
        if strategy.never_gives_up(self.a):
            who = words.escalate_to(self.main, self.other)
            said = words.escalation(self.a, who, reason)
            return self.flex(FollowUpKey.escalate(), "email", "escalate", said, who=who)
        said = words.close_loop(self.a, reason)
        return self.flex(FollowUpKey.close_loop(), "email", "close_loop", said)

    def check_back(self) -> PlannedFollowUp:
        day = self.verdict.check_back or self.today + timedelta(days=self.cad.check_back_days)
        due = self.cal.on_or_after(max(day, self.today))
        why = next((r.detail for r in self.verdict.reasons), "the deal was put on hold")
        said = words.check_back(self.a, why)
        return self.touch(
            FollowUpKey.check_back(),
            due,
            "email",
            self.main,
            "check_back",
            said,
            None,
            counts=False,
        )

    # -- helpers -------------------------------------------------------------------------

    def buyer_dated(self) -> list[_Dated]:
        return sorted(
            (d for d in self.steps if d.step.date is not None and d.step.owner is not Owner.us),
            key=lambda d: (d.step.date, d.key),
        )

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


def _merge(first: PlannedFollowUp, second: PlannedFollowUp) -> PlannedFollowUp:
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
