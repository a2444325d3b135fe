"""The informed follow-up plan: pure, from the interview, the history and today.

Every follow-up brings something the buyer needs, timed against the buyer's own steps. The
plan assumes no reply; when rules collide, working days win, then the unanswered ceiling,
then the spacing, then step coverage.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date, timedelta

from dealcoach.dates import LATEST
from dealcoach.domain import followup_words as words
from dealcoach.domain import plan_people as people
from dealcoach.domain import slots, strategy, timeline
from dealcoach.domain.followup_keys import FollowUpKey, Kind
from dealcoach.domain.plan_base import MIN_GAP, Dated, PlanBase, merge
from dealcoach.domain.settings import Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.records import DealFacts, Plan, PlannedFollowUp, Verdict
from dealcoach.vocabulary import DealType, Decision, Owner

BEFORE_IDEAL, BEFORE_EARLIEST, BEFORE_LATEST, BEFORE_LAST_RESORT = 4, 5, 3, 2
AFTER_STEP, AFTER_LATEST = 2, 5
STANDING = FollowUpKey.discovery("decision_passed")  # "where do we stand", once the date passed
CLOSE_PLAN = FollowUpKey.discovery("close_plan")
INTRODUCTION = FollowUpKey.discovery("no_power")  # to a signer never met: the champion's intro


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


class _Builder(PlanBase):
    """One deal's plan: the rules (the inputs and mechanics are PlanBase's, the words
    followup_words')."""

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
        sent_on = max(due, self.start)
        offered = None
        if not self.a.next_step.agreed:  # offer two slots for the next step, clear of other deals'
            seed = f"{self.facts.deal_id}|{self.a.deal.account}|{self.meeting.isoformat()}"
            offered = slots.propose(seed, sent_on, self.cal, self.facts.taken_slots)
        said = words.recap(self.a, offered, sent_on)
        counts = self.counts_on(sent_on)
        return self.touch(key, due, "email", self.main, "recap", said, None, counts=counts)

    def milestone_touches(self) -> list[PlannedFollowUp]:
        """One touch ahead of each dated buyer step (bringing our part) and one after it.

        Steps at most two working days apart share their touches.
        """
        clusters: list[list[Dated]] = []
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
                items.append(functools.reduce(merge, befores))
            if afters:
                items.append(functools.reduce(merge, reversed(afters)))
        return items

    def step_touches(self, dated: Dated) -> list[PlannedFollowUp]:
        items: list[PlannedFollowUp] = []
        step, day = dated.step, dated.step.date
        assert day is not None
        before_key, after_key = FollowUpKey.before(dated.key), FollowUpKey.after(dated.key)
        before_sent = str(before_key) in self.facts.sent_keys or self.sent_already(step)
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
        due = self.cal.after(day, AFTER_STEP)
        said = words.after_step(self.a, step, late)
        who = people.for_step(self.a, step) or self.main
        items.append(
            self.touch(after_key, due, "call", who, "after_step", said, step.step, counts=False)
        )
        return items

    def before(self, dated: Dated, key: FollowUpKey) -> PlannedFollowUp:
        step, day = dated.step, dated.step.date
        assert day is not None
        due = max(self.cal.subtract(day, BEFORE_IDEAL), self.start)
        said = words.before_step(step, day)
        who = people.for_step(self.a, step) or self.main  # the security answers to security
        return self.touch(key, due, "email", who, "before_step", said, step.step, counts=False)

    def place_fixed(self, touches: list[PlannedFollowUp], item: PlannedFollowUp) -> None:
        """Add an anchored touch; one too close to another joins it rather than break the gap."""
        for i, other in enumerate(touches):
            if abs(self.cal.between(self.effective(other), self.effective(item))) < MIN_GAP:
                moved = self.slide(touches, item)
                if moved is not None:
                    touches.append(moved)
                    return
                touches[i] = merge(other, item)
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
            day = self.cal.after(step_day, AFTER_STEP)
            latest = self.cal.after(step_day, AFTER_LATEST)
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
        """What the buyer is waiting for from us: due the next working day after they asked.
        Sent since with a step's follow-up, it is not sent again: the touch checks it landed."""
        items = []
        for touch in self.facts.touches:
            if not touch.owe or touch.owe_closed_on is not None or touch.id is None:
                continue
            due = self.cal.add(touch.date, 1)
            sent = timeline.already_sent(touch.owe, self.delivered)
            said = words.owe_check(touch.owe) if sent else words.Words(touch.owe, words.OWE_OUTLINE)
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
            if step.date < self.meeting or self.sent_already(step):
                continue
            due = max(self.cal.subtract(step.date, 2), self.cal.on_or_after(self.today))
            last_day = self.cal.on_or_before(step.date)  # a step on a day off: the day before
            due = min(due, last_day) if step.date >= self.today else last_day
            said = words.our_task(step, step.date)
            tasks.append(
                self.touch(key, due, "task", "", "our_step", said, step.step, counts=False)
            )
        return tasks

    # -- flexible touches: discovery, cadence, closing the loop ------------------------

    def fill(self, touches: list[PlannedFollowUp]) -> None:
        """Discovery and cadence touches in the gaps, up to the unanswered ceiling.

        The plan assumes no reply: once the buyer's decision date has passed, the queue gives way
        to one "where do we stand", then the last touch. A touch whose words cite a date already
        past on its day is left out.
        """
        counted = [t.date for t in self.state.attempts]
        counted += [
            self.effective(t) for t in touches if t.counts and self.counts_on(self.effective(t))
        ]
        counting = len(counted)
        last = max(counted + self.sent_since_contact(), default=None)
        per_person: dict[str, int] = {}
        for t in self.state.attempts:
            per_person[t.who] = per_person.get(t.who, 0) + 1
        sent = self.facts.sent_keys
        queue = [item for item in self.discovery() + self.cadence_items() if item.key not in sent]
        stood = False
        while counting < self.limit:
            final = counting == self.limit - 1 or not queue
            keep_last = stood and queue and not strategy.never_gives_up(self.a)
            item = queue[0] if queue and (not final or keep_last) else None
            free = self.next_day(touches, last, counting, item)
            if free is None:
                return
            if not stood and self.decision_passed(free):
                stood = True
                for left in queue:  # a close plan still to come joins a touch before the date
                    self.close_plan_late(left, free, touches)
                standing = self.where_we_stand()
                queue = [] if self.stood_already() else [standing]
                continue
            if item is not None:
                queue.pop(0)
                if self.stale(item, free) or self.close_plan_late(item, free, touches):
                    continue
            else:
                item = self.closing_loop(free)
            item = self.addressed(item, per_person, touches)
            item = replace(item, due=free, counts=self.counts_on(free))
            touches.append(item)
            last = free
            if item.counts:
                counting += 1
                per_person[item.who] = per_person.get(item.who, 0) + 1
            if final:
                return

    def next_day(
        self,
        touches: list[PlannedFollowUp],
        last: date | None,
        counting: int,
        item: PlannedFollowUp | None,
    ) -> date | None:
        """The day the next flexible touch can go: spaced, after pauses (discovery excepted)."""
        day = self.cal.add(last, self.spacing(counting)) if last else self.start
        pause_end = max((p.end for p in self.state.pauses if p.end < LATEST), default=None)
        if (item is None or item.purpose != "discovery") and pause_end is not None:
            day = max(day, self.cal.add(pause_end, 1))
        decision = self.a.when.decision_date
        if item is not None and item.key == str(STANDING) and decision is not None:
            day = max(day, self.cal.add(decision, 1))
        away_end = self.away_until(day)
        if away_end is not None:
            day = self.cal.add(away_end, 1)  # nobody reads mail on the beach
        return self.free_day(touches, max(day, self.start))

    def addressed(
        self, item: PlannedFollowUp, per_person: dict[str, int], touches: list[PlannedFollowUp]
    ) -> PlannedFollowUp:
        """After two unanswered to one person, the next goes to another; a signer nobody met is
        reached through the main contact's introduction instead."""
        who = item.who or self.main
        if per_person.get(who, 0) >= 2 and self.other:
            who = self.other
        cold = people.cold_signer(self.a, who) if who != self.main and self.main else None
        if cold is None:
            return replace(item, who=who)
        asked = str(INTRODUCTION) in self.facts.sent_keys or any(
            str(INTRODUCTION) in (t.key, *t.covers) for t in touches
        )
        if asked or item.purpose in ("close_loop", "escalate"):
            return replace(item, who=self.main)
        bring, outline = words.introduction(self.a, self.main, cold)
        return replace(item, who=self.main, bring=bring, outline=outline)

    def decision_passed(self, day: date) -> bool:
        decision = self.a.when.decision_date
        return decision is not None and decision < day

    def stale(self, item: PlannedFollowUp, day: date) -> bool:
        """Its words name a date already past on `day` ("a plan that lands before Feb 1")."""
        return timeline.cites_past(f"{item.bring} {item.outline}", day, self.meeting)

    def close_plan_late(
        self, item: PlannedFollowUp, day: date, touches: list[PlannedFollowUp]
    ) -> bool:
        """A close plan after the decision date is no plan: it joins the last touch before that
        date, or is left out when there is none. True when it was placed (or left out) here."""
        decision = self.a.when.decision_date
        if item.key != str(CLOSE_PLAN) or decision is None or decision <= self.today:
            return False
        if day < decision:
            return False
        earlier = [
            i for i, t in enumerate(touches) if t.channel != "task" and self.effective(t) < decision
        ]
        if earlier:
            i = max(earlier, key=lambda i: self.effective(touches[i]))
            touches[i] = merge(touches[i], item)
        return True

    def where_we_stand(self) -> PlannedFollowUp:
        """Anchored to the decision date too: a new date moves it (its due date is kept only
        while its anchor holds)."""
        said = self.flex(STANDING, "email", "discovery", words.where_we_stand(self.a))
        return replace(said, anchor=f"{said.anchor}|decision:{self.a.when.decision_date}")

    def stood_already(self) -> bool:
        """ "Where do we stand" went out for this decision date, after the buyer last answered:
        asked once per silence, so a reply or a new date opens the question again."""
        decision = self.a.when.decision_date
        since = max(self.state.last_two_way, decision) if decision else self.state.last_two_way
        return any(t.followup_key == str(STANDING) and t.date > since for t in self.facts.touches)

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
        reason = words.reason_to_answer(self.a, due, self.meeting)
        if strategy.never_gives_up(self.a):
            cold = people.cold_signer(self.a, self.other) is not None
            who = words.escalate_to(self.main, "" if cold else self.other)
            said = words.escalation(self.a, who, reason)
            return self.flex(FollowUpKey.escalate(), "email", "escalate", said, who=who)
        said = words.close_loop(self.a, reason)
        return self.flex(FollowUpKey.close_loop(), "email", "close_loop", said)

    def check_back(self) -> PlannedFollowUp:
        day = self.verdict.check_back or self.today + timedelta(days=self.cad.check_back_days)
        due = self.cal.on_or_after(max(day, self.today))
        why = next(
            (
                r.detail
                for r in self.verdict.reasons
                if not timeline.cites_past(r.detail, due, self.today)
            ),
            "the deal was put on hold",
        )
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
