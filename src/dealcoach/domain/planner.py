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
from dealcoach.domain.settings import Cadence, Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.records import DealFacts, Plan, PlannedFollowUp, Verdict
from dealcoach.vocabulary import DealType, Decision, Owner, Stage

MIN_GAP = 2  # business days between two touches, whatever the rule
BEFORE_IDEAL, BEFORE_EARLIEST, BEFORE_LATEST, BEFORE_LAST_RESORT = 4, 5, 3, 2
AFTER_STEP, AFTER_LATEST = 2, 5
CLOSE_PLAN_ITEMS = ("signer", "legal review", "security review", "vendor set-up", "purchase order")


@dataclass(frozen=True)
class _Dated:
    key: str
    step: StepRecord


def plan(
    facts: DealFacts, verdict: Verdict, today: date, settings: Settings, *, reschedule: bool = False
) -> Plan:
    """The follow-ups to send from today on (and the overdue ones not yet sent).

    `reschedule` moves what is overdue to today (after a holiday: `next --replan`).
    """
    answers = facts.answers
    if answers is None:
        return Plan(strategy.StrategyChoice(strategy.Strategy.hybrid, "no interview yet"), ())
    choice = strategy.choose(answers, facts.median_value, settings)
    builder = _Builder(
        facts, answers, verdict, today, settings, strategy.cadence(choice.strategy, settings)
    )
    made = builder.build()
    if reschedule:
        made = [replace(f, due=builder.start) if f.due < builder.start else f for f in made]
    return Plan(choice, tuple(sorted(made, key=lambda f: (f.due, f.key))))


class _Builder:
    def __init__(
        self,
        facts: DealFacts,
        answers: AnswersRecord,
        verdict: Verdict,
        today: date,
        settings: Settings,
        cad: Cadence,
    ) -> None:
        self.facts, self.a, self.verdict, self.today, self.cad = facts, answers, verdict, today, cad
        self.cal = WorkCalendar.for_deal(settings.country, [s.date for s in answers.what])
        self.state = contact.contact_state(facts, self.cal)
        self.main = contact.main_contact(answers)
        self.other = contact.other_contact(answers, self.main)
        self.limit = strategy.ceiling(cad, answers, other_known=bool(self.other))
        self.start = self.cal.on_or_after(max(today, facts.snoozed_until or today))
        self.meeting = answers.deal.meeting_date or facts.qualified_on or facts.created
        keys = step_keys([s.step for s in answers.what])
        self.steps = [_Dated(k, s) for k, s in zip(keys, answers.what, strict=True)]
        self.goal = answers.how.metrics or answers.deal.title or "what they want to change"

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
        key = f"recap:{self.meeting.isoformat()}"
        if key in self.facts.sent_keys or self.meeting > self.today:
            return None
        due = self.cal.add(self.meeting, self.cad.first)
        if self.facts.snoozed_until and due < self.start:
            due = self.start
        open_items = self.open_questions()
        bring = (
            f"Recap: their goal ({self.goal})"
            if answers_goal(self.a)
            else "Recap: their goal as you understood it, for them to correct"
        )
        bring += f"; still open: {open_items}" if open_items else ""
        bring += f"; the draft mutual plan ({self.mutual_plan()})"
        ns = self.a.next_step
        if ns.agreed:
            when = f" on {ns.date.isoformat()}" if ns.date else ""
            bring += f"; confirm the next step: {ns.what or 'as agreed'}{when}"
            outline = "Thank them, restate their goal in their words, list what is open, attach the plan, confirm the next step."
        else:
            first = self.cal.add(due, 2)
            second = self.cal.add(first, 1)
            bring += (
                f"; propose a next step with two slots: {_day(first)} 10:00 or {_day(second)} 14:00"
            )
            outline = "Thank them, restate their goal, list what is open, attach the plan, offer two dated slots for the next step."
        counts = self.counts_on(max(due, self.start))
        return self.touch(
            key, due, "email", self.main, "recap", bring, None, outline, counts=counts
        )

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
        before_key, after_key = f"before:{dated.key}", f"after:{dated.key}"
        ready = self.cal.add(self.start, BEFORE_LAST_RESORT) <= day or (
            before_key in self.facts.planned_keys and day > self.today
        )
        late_delivery = ""
        if ready and before_key not in self.facts.sent_keys:
            items.append(self.before(dated, before_key))
        elif before_key not in self.facts.sent_keys and step.bring:
            late_delivery = f"; {step.bring} (late: say sorry it did not come before)"
        if after_key in self.facts.sent_keys:
            return items
        due = self.cal.add(day, AFTER_STEP)
        objections = (
            f" (likely {', '.join(self.a.how.criteria[:2])})" if self.a.how.criteria else ""
        )
        bring = (
            f"How the {step.step} went; answers to the objections it raised{objections}; "
            f"a dated next step{late_delivery}"
        )
        items.append(
            self.touch(
                after_key,
                due,
                "call",
                self.main,
                "after_step",
                bring,
                step.step,
                "Ask for the outcome, answer what came up, propose the next dated step.",
                counts=False,
            )
        )
        return items

    def before(self, dated: _Dated, key: str) -> PlannedFollowUp:
        step, day = dated.step, dated.step.date
        assert day is not None
        due = max(self.cal.subtract(day, BEFORE_IDEAL), self.start)
        if step.bring:
            bring = f"{step.bring}, for their {step.step} on {_day(day)}"
            outline = f"Send it with a line on how it helps the {step.step}; offer to walk them through it."
        else:
            bring = f"The question: what do they need from us for the {step.step} on {_day(day)}?"
            outline = "Ask what would help them most for the step, and offer to prepare it."
        return self.touch(
            key, due, "email", self.main, "before_step", bring, step.step, outline, counts=False
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
        rule, _, step_key = item.key.partition(":")
        step_day = next((d.step.date for d in self.steps if d.key == step_key), None)
        if step_day is None or rule not in ("before", "after"):
            return None
        if rule == "before":
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
        results = self.a.how.metrics or "the outcome they bought for"
        marks = strategy.renewal_days(notice, self.cal)
        ends = [due for _, _, due in marks[1:]] + [notice]
        for (days, mark, due), until in zip(marks, ends, strict=True):
            key = f"renewal:{days}"
            if key in self.facts.sent_keys or until <= self.start or mark < self.meeting:
                continue  # sent; superseded by the next one; or due before we met them
            due = max(due, self.cal.on_or_after(self.meeting))
            earliest = max(due, self.start)
            day = self.free_day(touches + found, earliest)
            if day is None or day >= until:
                continue
            bring = f"Usage and results against {results}, {days} days before the notice date ({notice.isoformat()})"
            found.append(
                self.touch(
                    key,
                    due if day == earliest else day,
                    "email",
                    self.main,
                    "renewal",
                    bring,
                    "renewal notice",
                    "Show what they got, ask what must change, agree the renewal steps.",
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
            items.append(
                self.touch(
                    f"owe:{touch.id}",
                    due,
                    "email",
                    touch.who or self.main,
                    "owe",
                    touch.owe,
                    None,
                    "Send what they asked for; say what happens next.",
                    counts=False,
                )
            )
        return items

    def our_tasks(self) -> list[PlannedFollowUp]:
        """Steps we own are the rep's tasks, due two working days ahead of the date."""
        tasks = []
        for dated in self.steps:
            step = dated.step
            key = f"task:{dated.key}"
            if step.owner is not Owner.us or step.date is None or key in self.facts.sent_keys:
                continue
            if step.date < self.meeting:
                continue
            due = max(self.cal.subtract(step.date, 2), self.cal.on_or_after(self.today))
            due = min(due, step.date) if step.date >= self.today else step.date
            bring = step.bring or step.step
            tasks.append(
                self.touch(
                    key,
                    due,
                    "task",
                    "",
                    "our_step",
                    bring,
                    step.step,
                    f"Our part: get it done by {step.date.isoformat()}.",
                    counts=False,
                )
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
        a = self.a
        items: list[PlannedFollowUp] = []
        powers = [p for p in a.who if p.role is not None and p.role.value in contact.POWER_ROLES]
        champion = self.main or "your contact"
        closing = a.deal.stage is Stage.closing
        if closing:
            missing = self.close_plan_gaps()
            if missing:
                items.append(
                    self.flex(
                        "discovery:close_plan",
                        "email",
                        "discovery",
                        f"A close plan to fill in together: {', '.join(missing)}, each with a date",
                        "Walk back from their start date; ask them to fill in names and dates.",
                    )
                )
        if not powers and not closing:
            items.append(
                self.flex(
                    "discovery:no_power",
                    "email",
                    "discovery",
                    f"A one-page business case {champion} can forward to whoever signs, "
                    "and the question: who approved the last purchase like this?",
                    "Give them something worth forwarding; ask who signed the last similar purchase.",
                )
            )
        if not contact.buyer_steps(a) and a.when.decision_date is None:
            go_live = a.when.compelling_event or "their go-live"
            items.append(
                self.flex(
                    "discovery:no_dates",
                    "email",
                    "discovery",
                    f"A timeline worked back from {go_live}, for them to correct",
                    "Share the draft timeline; ask which dates are wrong.",
                )
            )
        if not a.how.criteria:
            compare = ", ".join(a.how.alternatives) or "the options they are weighing"
            items.append(
                self.flex(
                    "discovery:no_criteria",
                    "email",
                    "discovery",
                    f"A draft list of evaluation criteria for comparing {compare}, for them to edit",
                    "Offer the list as a starting point; ask what they would add or drop.",
                )
            )
        return items

    def close_plan_gaps(self) -> list[str]:
        known = " ".join(s.step.lower() for s in self.a.what)
        roles = {p.role.value for p in self.a.who if p.role is not None}
        missing = []
        if not roles & contact.POWER_ROLES:
            missing.append("signer")
        for item in CLOSE_PLAN_ITEMS[1:]:
            word = item.split()[0].replace("-", "")
            if word not in known.replace("-", ""):
                missing.append(item)
        if "procurement" in roles and "purchase order" in missing:
            missing.remove("purchase order")
        return missing

    def cadence_items(self) -> list[PlannedFollowUp]:
        """Unanswered-cadence touches, each bringing something from the interview."""
        a = self.a
        things: list[tuple[str, str]] = []
        if a.how.metrics:
            things.append(
                (
                    f"A worked example of how they would reach {a.how.metrics}",
                    "Show the path to their number; ask what would make it credible internally.",
                )
            )
        if a.how.criteria:
            things.append(
                (
                    f"A one-page answer on their criteria: {', '.join(a.how.criteria)}",
                    "Answer each criterion in a line; ask which one worries them most.",
                )
            )
        rivals = [x for x in a.how.alternatives if not _is_status_quo(x)]
        if rivals:
            things.append(
                (
                    f"How we compare with {', '.join(rivals)} on what they said matters",
                    "Be fair about the alternatives; ask where they lean.",
                )
            )
        if len(rivals) < len(a.how.alternatives):
            things.append(
                (
                    f"What waiting costs them: {self.goal}, delayed by a quarter",
                    "Put a number on doing nothing; ask whether it matches theirs.",
                )
            )
        if a.when.compelling_event:
            things.append(
                (
                    f"A plan that lands before {a.when.compelling_event}",
                    "Work back from their date; show what must happen when.",
                )
            )
        if a.how.budget.value in ("unknown", "needs_approval"):
            things.append(
                (
                    f"A price range with a return estimate against {self.goal}, for the budget approval",
                    "Give them numbers they can defend; ask who approves and when.",
                )
            )
        if not things:
            things.append(
                (
                    f"The one question that decides what comes next: is {self.goal} still a priority this quarter?",
                    "Ask it plainly and make it easy to answer.",
                )
            )
        return [
            self.flex(
                f"cadence:{i + 1}", "email" if i % 2 == 0 else "call", "cadence", bring, outline
            )
            for i, (bring, outline) in enumerate(things)
        ]

    def closing_loop(self, due: date) -> PlannedFollowUp:
        """The last touch before the deal goes quiet; its reason to answer must still hold on `due`."""
        a = self.a
        decision = a.when.decision_date
        reason = (
            a.when.compelling_event
            or (
                f"their decision date ({decision.isoformat()})"
                if decision and decision > due
                else ""
            )
            or (f"the next step they named: {a.next_step.what}" if a.next_step.what else "")
            or "what waiting costs them"
        )
        if strategy.never_gives_up(a):
            who = self.other or f"{self.main or 'the champion'}'s manager"
            return self.flex(
                "escalate",
                "email",
                "escalate",
                f"To {who}: their goal ({self.goal}), where things stand, and what we need to keep {reason} on track",
                "Escalate with respect: the champion's manager or the executive sponsor, never a last-chance note.",
                who=who,
            )
        return self.flex(
            "cadence:close-loop",
            "email",
            "close_loop",
            f"Their original goal ({self.goal}), one reason to answer now ({reason}), "
            "and a one-word way out: now, later or no",
            "Close the loop politely: a one-word reply is enough.",
        )

    def check_back(self) -> PlannedFollowUp:
        day = self.verdict.check_back or self.today + timedelta(days=self.cad.check_back_days)
        due = self.cal.on_or_after(max(day, self.today))
        why = next((r.detail for r in self.verdict.reasons), "the deal was put on hold")
        bring = (
            f"What is new for their goal ({self.goal}) since they paused ({why}), "
            "and the question whether the timing is right now"
        )
        return self.touch(
            "check_back",
            due,
            "email",
            self.main,
            "check_back",
            bring,
            None,
            "Check back with something new; ask whether to restart, wait or stop.",
            counts=False,
        )

    # -- helpers -------------------------------------------------------------------------

    def buyer_dated(self) -> list[_Dated]:
        return sorted(
            (d for d in self.steps if d.step.date is not None and d.step.owner is not Owner.us),
            key=lambda d: (d.step.date, d.key),
        )

    def mutual_plan(self) -> str:
        dated = [d for d in self.steps if d.step.date is not None]
        if not self.steps:
            return "who decides, their steps to a decision and the dates"
        count = len(self.steps)
        text = f"{count} step{'s' if count > 1 else ''}, {len(dated)} dated"
        if len(dated) < len(self.steps):
            text += ": ask for the missing dates"
        return text

    def open_questions(self) -> str:
        a = self.a
        gaps = []
        if not any(p.role is not None and p.role.value in contact.POWER_ROLES for p in a.who):
            gaps.append("who signs")
        if not contact.buyer_steps(a):
            gaps.append("the dates of their steps")
        if not a.how.criteria:
            gaps.append("how they will judge the offer")
        if a.how.budget.value == "unknown":
            gaps.append("the budget")
        return ", ".join(gaps)

    def touch(
        self,
        key: str,
        due: date,
        channel: str,
        who: str,
        purpose: str,
        bring: str,
        milestone: str | None,
        outline: str,
        *,
        counts: bool = True,
    ) -> PlannedFollowUp:
        anchor, milestone_date = self.anchor_for(key, due)
        return PlannedFollowUp(
            key,
            due,
            channel,
            who,
            purpose,
            bring,
            milestone,
            outline,
            counts,
            anchor,
            milestone_date,
        )

    def anchor_for(self, key: str, due: date) -> tuple[str, date | None]:
        """What the due date hangs on: a step's date, the meeting, the notice date."""
        rule, _, rest = key.partition(":")
        if rule in ("before", "after", "task"):
            day = next((d.step.date for d in self.steps if d.key == rest), None)
            return (day.isoformat() if day else ""), day
        if rule == "renewal" and self.a.deal.renewal_notice:
            # the day too: one moved clear of another touch is stored on its new day
            return f"{self.a.deal.renewal_notice.isoformat()}|{due.isoformat()}", None
        if rule == "recap" and self.facts.snoozed_until is not None:
            return f"{rest}|snoozed:{self.facts.snoozed_until.isoformat()}", None
        if rule in ("recap", "owe"):
            return rest, None
        return due.isoformat(), None

    def flex(
        self, key: str, channel: str, purpose: str, bring: str, outline: str, who: str = ""
    ) -> PlannedFollowUp:
        history = f"{self.state.last_two_way.isoformat()}+{len(self.state.attempts)}"
        if self.facts.snoozed_until is not None:
            history += f"|snoozed:{self.facts.snoozed_until.isoformat()}"
        pauses = sorted(f"{p.start}:{p.end}" for p in self.state.pauses)
        if pauses:
            history += "|" + zlib.crc32(",".join(pauses).encode()).to_bytes(4).hex()
        return PlannedFollowUp(
            key, self.today, channel, who, purpose, bring, None, outline, True, history
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


def answers_goal(answers: AnswersRecord) -> bool:
    return bool(answers.how.metrics or answers.deal.title)


def _is_status_quo(alternative: str) -> bool:
    text = alternative.casefold()
    return any(word in text for word in ("nothing", "status quo", "in-house", "wait"))


def _day(day: date | None) -> str:
    return day.strftime("%a %Y-%m-%d") if day else "no date"
