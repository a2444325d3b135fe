"""Pursue, nurture or let go: a pure judgement on one deal, with the signals that carry it."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from dealcoach.answers.record import AnswersRecord
from dealcoach.dates import LATEST
from dealcoach.domain import contact, strategy
from dealcoach.domain.settings import Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.records import DealFacts, Reason, StrategyChoice, Verdict
from dealcoach.vocabulary import (
    LET_GO_STOPS,
    NURTURE_STOPS,
    POWER_ROLES,
    Budget,
    DealType,
    Decision,
    Journey,
    Sector,
    Stage,
    StopReason,
    Strategy,
)

FAR_DECISION_DAYS = 180
NEAR_STEP_DAYS = 45
PASSED_AFTER = 2  # working days past the decision date before `decision_passed` speaks
SILENT_AFTER = 10  # working days without two-way contact after it: no longer pursue
STRENGTH_GRACE = 5  # working days a strength may rest on a date already past
ESCALATE = ": escalate to the champion's manager or the executive sponsor"

STOP_TEXT = {
    StopReason.new_direction: "the buyer took a new direction",
    StopReason.lost_funding: "the buyer lost funding",
    StopReason.back_burner: "the buyer put the project on the back burner",
    StopReason.need_not_served: "the buyer needs something we don't offer",
    StopReason.chose_other: "the buyer chose another option",
}

# strongest first; the order reasons are listed in
SIGNAL_ORDER = [
    "stop_reason",
    "ghosted",
    "decision_passed",
    "quiet_after_decision",
    "low_odds",
    "no_power",
    "single_threaded",
    "date_pushed",
    "milestone_missed",
    "stalled",
    "no_next_step",
    "no_dates",
    "no_criteria",
    "no_budget",
    "poor_fit",
    "low_pain",
    "early_journey",
    "far_decision",
    "not_qualified",
    "next_step_agreed",
    "steps_dated",
    "power_engaged",
    "budget_approved",
]
RISK_WEIGHT = {
    "ghosted": 0.2,
    "decision_passed": 0.1,
    "no_power": 0.1,
    "single_threaded": 0.08,
    "date_pushed": 0.08,
    "milestone_missed": 0.12,
    "stalled": 0.05,
    "low_odds": 0.1,
}
# the risks that, together with `low_odds`, tip a pursue to nurture: the learned probability
# never decides alone (the buyer's own reasons still come first)
LOW_ODDS_WITH = {
    "decision_passed",
    "no_power",
    "single_threaded",
    "date_pushed",
    "milestone_missed",
    "stalled",
}
LOW_ODDS_SHARE = 0.5  # below half the rep's base rate
LOW_ODDS_FACTORS = 2  # the factors named as its evidence
STRENGTHS = {"next_step_agreed", "steps_dated", "power_engaged", "budget_approved"}
GAPS = {"no_next_step", "no_dates", "no_criteria", "no_budget"}
NOT_NOW = {"poor_fit", "low_pain", "early_journey"}


def stop_in_force(facts: DealFacts, answers: AnswersRecord) -> tuple[StopReason, date | None]:
    """The stop signal in force: the newest logged one after the interview, else the interview's."""
    qualified_on = facts.qualified_on or facts.created
    logged = [t for t in contact.ordered(facts.touches) if t.signal is not None]
    if logged and logged[-1].date >= qualified_on:
        return logged[-1].signal or StopReason.none, logged[-1].signal_until
    return answers.signals.stop_reason, answers.signals.until


def _pushes(dates: tuple[date | None, ...]) -> int:
    known = [d for d in dates if d is not None]
    return sum(1 for before, after in itertools.pairwise(known) if after > before)


def _after(cal: WorkCalendar, day: date, count: int) -> date:
    """The first day on which `day` lies `count` working days past (`cal.between` reaches it)."""
    return cal.add(cal.on_or_before(day), count)


def _last_answer(state: contact.ContactState) -> str:
    return f"last answer {state.last_two_way.isoformat()}" if state.answered else "no answer yet"


def _unanswered(state: contact.ContactState) -> str:
    """The count since the last answer, and the pause that made it start later, if one did."""
    attempts = state.attempts
    noun = "follow-up" if len(attempts) == 1 else "follow-ups"
    text = f"{len(attempts)} {noun} unanswered since {attempts[0].date.isoformat()}"
    if state.shifted_by is not None:
        text += f", after {state.shifted_by.why}"
    return text


def _same(who: str, name: str) -> bool:
    return bool(who) and who.strip().casefold() == name.strip().casefold()


def evaluate(facts: DealFacts, today: date, settings: Settings, cal: WorkCalendar) -> Verdict:
    """The verdict for one deal on `today`, and until when it holds."""
    answers = facts.answers
    if answers is None:
        return Verdict(
            Decision.pursue,
            0.3,
            (Reason("not_qualified", "no interview yet: run dealcoach qualify on it"),),
            None,
        )
    choice = strategy.choose(answers, facts.median_value, settings)
    deal_cal = cal.for_deal(s.date for s in answers.what)
    return _Judge(facts, answers, choice, deal_cal, today, settings).verdict()


class _Judge:
    """Collects the signals of one deal and weighs them; a class only to share the inputs."""

    def __init__(
        self,
        facts: DealFacts,
        answers: AnswersRecord,
        choice: StrategyChoice,
        cal: WorkCalendar,
        today: date,
        settings: Settings,
    ) -> None:
        self.facts, self.answers, self.choice = facts, answers, choice
        self.cal, self.today, self.settings = cal, today, settings
        self.state = contact.contact_state(facts, cal)
        self.reasons: list[Reason] = []
        self.pushes = 0  # times the decision date moved later
        self.decided = facts.decision_date or answers.when.decision_date  # the current date
        self.qualified_on = facts.qualified_on or facts.created
        self.silent_after_decision = False  # SILENT_AFTER working days quiet past the date
        self.changes: list[date] = []  # dates on which a date-driven signal may flip

    def add(self, signal: str, detail: str) -> None:
        self.reasons.append(Reason(signal, detail))

    def has(self, signal: str) -> bool:
        return any(r.signal == signal for r in self.reasons)

    def watch(self, day: date | None) -> None:
        if day is not None and day > self.today:
            self.changes.append(min(day, LATEST))  # a date past the accepted range is never stored

    def verdict(self) -> Verdict:
        a = self.answers
        cad = strategy.cadence(self.choice.strategy, self.settings)
        stop, until = stop_in_force(self.facts, a)
        if stop in LET_GO_STOPS:
            self.add("stop_reason", STOP_TEXT[stop])
            return self.done(Decision.let_go, 0.9)
        if stop in NURTURE_STOPS:
            detail = STOP_TEXT[stop] + (f" until {until.isoformat()}" if until else "")
            self.add("stop_reason", detail)
            return self.done(Decision.nurture, 0.85, self.check_back(until, cad.check_back_days))

        self.ghosting()
        self.decision_passed()
        self.power_and_threads()
        self.dates_and_steps()
        self.gaps()
        self.not_now()
        self.low_odds()

        if self.has("ghosted") and not strategy.never_gives_up(a):
            if self.choice.strategy is Strategy.decision_support:
                # decision support keeps in touch at the buyer's pace rather than let go
                return self.done(
                    Decision.nurture,
                    0.65,
                    self.check_back(None, cad.check_back_days),
                    lead=frozenset({"ghosted"}),
                )
            return self.done(Decision.let_go, min(0.95, 0.7 + 0.05 * len(self.state.attempts)))
        if self.silent_after_decision and not strategy.never_gives_up(a):
            # let go waits for the ceiling (ghosted, above); until then keep in touch
            return self.done(
                Decision.nurture,
                0.6,
                self.check_back(None, cad.check_back_days),
                lead=frozenset({"quiet_after_decision"}),
            )
        not_now = [r for r in self.reasons if r.signal in NOT_NOW]
        far = self.has("far_decision")
        if far or len(not_now) >= 2 or (self.choice.strategy is Strategy.selectivity and not_now):
            return self.done(
                Decision.nurture,
                0.6,
                self.check_back(None, cad.check_back_days),
                lead=NOT_NOW | {"far_decision"},
            )
        other_risks = sorted({r.signal for r in self.reasons} & LOW_ODDS_WITH)
        if self.has("low_odds") and other_risks:
            return self.done(
                Decision.nurture,
                0.6,
                self.check_back(None, cad.check_back_days),
                lead=frozenset({"low_odds", *other_risks}),
            )
        self.strengths()
        return self.done(Decision.pursue, self.pursue_confidence())

    # -- signals -------------------------------------------------------------------------

    def ghosting(self) -> None:
        """The let-go rule (contact.py) decides; this only words its reason."""
        a = self.answers
        limit = contact.deal_ceiling(strategy.cadence(self.choice.strategy, self.settings), a)
        silence = contact.silence(self.state, limit, self.today, self.cal)
        self.watch(silence.answer_by)
        if not silence.ghosted:
            return
        detail = f"{_last_answer(self.state)}; {_unanswered(self.state)}"
        if strategy.never_gives_up(a):
            detail += ESCALATE
        self.add("ghosted", detail)

    def decision_passed(self) -> None:
        """The buyer's date passed with no later one given: a risk, and after SILENT_AFTER
        working days without two-way contact, a reason to stop pursuing. Only a new date
        clears it; a reply only ends the silence."""
        decided, cal, today = self.decided, self.cal, self.today
        if decided is None or not self.facts.is_open:
            return
        quiet_from = max(decided, self.state.last_two_way)
        self.watch(_after(cal, decided, PASSED_AFTER + 1))
        self.watch(_after(cal, quiet_from, SILENT_AFTER))
        if cal.between(decided, today) <= PASSED_AFTER:
            return
        self.add("decision_passed", f"decision date {decided.isoformat()} passed; no new date")
        if cal.between(quiet_from, today) >= SILENT_AFTER:
            # its own signal, so that the answer that ends it is named when the verdict turns
            self.silent_after_decision = True
            state = self.state
            detail = (
                f"no answer since {state.last_two_way.isoformat()}"
                if state.answered
                else "no answer yet"
            ) + f", {SILENT_AFTER}+ working days after the decision date"
            if strategy.never_gives_up(self.answers):
                detail += ESCALATE
            self.add("quiet_after_decision", detail)

    def low_odds(self) -> None:
        """The learned probability is under half the rep's base rate: a risk, with the factors
        that pull it down as the evidence."""
        p, base = self.facts.win_probability, self.facts.base_rate
        if p is None or base is None or not self.facts.is_open or p >= base * LOW_ODDS_SHARE:
            return
        against = [(f, e) for f, e in self.facts.win_factors if e < 0][:LOW_ODDS_FACTORS]
        detail = f"learned win probability {p:.0%} against your {base:.0%} win rate"
        if against:
            detail += ": " + ", ".join(f"{f} {e:+.0f} pts" for f, e in against)
        self.add("low_odds", detail)

    def power_and_threads(self) -> None:
        a = self.answers
        late = a.deal.stage in (Stage.opportunity, Stage.closing)
        gap = contact.power_gap((p.role, p.met) for p in a.who)
        if gap == "no_signer":
            self.add(
                "no_power",
                "no decision maker identified"
                + (": get introduced to the signer" if late else ": find out who signs"),
            )
        elif gap == "signer_not_met":
            names = ", ".join(p.name for p in a.who if p.role in POWER_ROLES)
            self.add("no_power", f"decision maker {names} not met yet")
        committee = self.choice.strategy is Strategy.decision_support or a.deal.stage in (
            Stage.opportunity,
            Stage.closing,
        )
        if len(a.who) <= 1 and committee:
            only = a.who[0].name if a.who else "nobody named"
            self.add("single_threaded", f"one contact only ({only}) on a deal a committee decides")

    def dates_and_steps(self) -> None:
        a, today = self.answers, self.today
        self.pushes = pushes = _pushes(self.facts.decision_dates)
        if pushes:
            public = a.deal.sector is Sector.public
            strength = "twice or more" if pushes >= 2 else "once"
            note = " (routine in the public sector)" if public else ""
            self.add("date_pushed", f"decision date moved later {strength}{note}")
        for name, day in contact.buyer_steps(a):
            self.watch(day)  # on the step's day, the touch ahead of it gives way to the one after
            self.watch(day + timedelta(days=1))  # no longer ahead: `steps_dated` drops it
            self.watch(self.cal.add(day, contact.STEP_GRACE))
            if day >= today:
                continue
            after = [
                t
                for t in self.facts.touches
                if t.outbound_attempt and t.date > day and not t.two_way
            ]
            answered = any(t.two_way and t.date > day for t in self.facts.touches)
            if after and not answered:
                self.add(
                    "milestone_missed",
                    f"their {name} ({day.isoformat()}) passed and the follow-up went unanswered",
                )
        if a.deal.type is DealType.renewal and a.deal.renewal_notice is not None:
            # a missed renewal touch gives way to the next one on that one's day
            for _, _, due in strategy.renewal_days(a.deal.renewal_notice, self.cal):
                self.watch(due)
            self.watch(a.deal.renewal_notice)
        if a.when.decision_date is not None:
            self.watch(a.when.decision_date - timedelta(days=FAR_DECISION_DAYS))
            # once it has passed, a planned touch may no longer cite it as a reason to answer
            self.watch(a.when.decision_date + timedelta(days=1))
        stale = self.settings.stale_days.get(a.deal.stage.value, 30)
        qualified_on = self.qualified_on
        last_two_way = self.state.last_two_way
        if (today - qualified_on).days > stale and last_two_way > qualified_on:
            still = f"the deal has not moved since {qualified_on.isoformat()}"
            if (today - last_two_way).days <= stale:
                detail = f"the buyer answers ({_last_answer(self.state)}), but {still}"
            else:  # no answer within the stage's window: say so, never "the buyer answers"
                parts = [_last_answer(self.state)]
                if self.state.attempts:
                    parts.append(_unanswered(self.state))
                detail = "; ".join([*parts, still])
            self.add("stalled", detail)
        self.watch(qualified_on + timedelta(days=stale + 1))
        self.watch(last_two_way + timedelta(days=stale + 1))

    def gaps(self) -> None:
        a = self.answers
        agreed_on = a.next_step.date
        if not a.next_step.agreed:
            self.add("no_next_step", "no next step agreed with the buyer")
        elif agreed_on is not None and not self.fresh(agreed_on):
            what = a.next_step.what or "the agreed next step"
            self.add(
                "no_next_step", f"{what} ({agreed_on.isoformat()}) has passed: agree the next one"
            )
        if not contact.buyer_steps(a) and a.when.decision_date is None:
            self.add("no_dates", "no dated buyer step and no decision date")
        if not a.how.criteria:
            self.add("no_criteria", "evaluation criteria unknown")
        if a.how.budget in (Budget.unknown, Budget.none):
            text = "no budget" if a.how.budget is Budget.none else "budget status unknown"
            self.add("no_budget", text)

    def not_now(self) -> None:
        a, today = self.answers, self.today
        if a.readiness.fit is False:
            self.add("poor_fit", "does not meet your ideal-customer criteria")
        if a.readiness.pain is not None and a.readiness.pain <= 2:
            self.add("low_pain", f"pain {a.readiness.pain}/5")
        if a.readiness.journey is Journey.recognizing:
            self.add("early_journey", "the buyer is only recognising the problem")
        decision = a.when.decision_date
        if decision is not None and (decision - today).days > FAR_DECISION_DAYS:
            horizon = today + timedelta(days=NEAR_STEP_DAYS)
            near = [d for _, d in contact.buyer_steps(a) if today <= d <= horizon]
            if not near:
                self.add("far_decision", f"decision expected {decision.isoformat()}")

    def fresh(self, day: date) -> bool:
        """A strength may rest on `day`: ahead, or at most STRENGTH_GRACE working days past.
        Watches the day it stops, so the verdict is judged again then."""
        self.watch(_after(self.cal, day, STRENGTH_GRACE + 1))
        return self.cal.between(day, self.today) <= STRENGTH_GRACE

    def strengths(self) -> None:
        """Each strength names its date and lasts while that date is fresh: a step agreed
        months ago, or a meeting long past, is no reason to pursue today."""
        a, today, qualified_on = self.answers, self.today, self.qualified_on
        if a.next_step.agreed:
            what = a.next_step.what or "a next step"
            agreed_on = a.next_step.date
            if agreed_on is not None and self.fresh(agreed_on):
                self.add("next_step_agreed", f"{what} on {agreed_on.isoformat()} agreed")
            elif agreed_on is None and self.fresh(qualified_on):
                self.add("next_step_agreed", f"{what} agreed ({qualified_on.isoformat()})")
        ahead = sorted((day, name) for name, day in contact.buyer_steps(a) if day >= today)
        if ahead:
            day, name = ahead[0]
            self.add(
                "steps_dated",
                f"{len(ahead)} dated buyer step(s) ahead, the next: {name} on {day.isoformat()}",
            )
        met = []
        for p in a.who:
            if p.met and p.role is not None and p.role.value in POWER_ROLES:
                heard = [t.date for t in self.facts.touches if t.two_way and _same(t.who, p.name)]
                last = max([qualified_on, *heard])
                if self.fresh(last):
                    met.append(f"{p.name} ({last.isoformat()})")
        if met:
            self.add("power_engaged", f"decision maker met: {', '.join(met)}")
        if a.how.budget is Budget.approved and self.fresh(qualified_on):
            self.add("budget_approved", f"budget approved ({qualified_on.isoformat()})")

    # -- weighing ------------------------------------------------------------------------

    def check_back(self, buyer_date: date | None, days: int) -> date:
        if buyer_date is not None:
            return buyer_date
        if self.facts.stored_check_back is not None:
            return self.facts.stored_check_back
        return min(self.today + timedelta(days=days), LATEST)

    def pursue_confidence(self) -> float:
        selective = self.choice.strategy is Strategy.selectivity
        score = 0.85
        public = self.answers.deal.sector is Sector.public
        for reason in self.reasons:
            weight = RISK_WEIGHT.get(reason.signal, 0.0)
            if reason.signal == "date_pushed" and public:
                weight /= 2  # public budgets move on fiscal cycles: a push is routine there
            score -= weight
            if reason.signal in GAPS:
                score -= 0.08 if selective else 0.04
        if self.pushes >= 2:
            score -= 0.07
        return round(max(0.2, min(0.95, score)), 2)

    def done(
        self,
        decision: Decision,
        confidence: float,
        check_back: date | None = None,
        *,
        lead: set[str] | frozenset[str] = frozenset(),
    ) -> Verdict:
        """The verdict, its reasons strongest first, and the ones that decided it before them."""
        self.watch(check_back)
        ranked = sorted(
            self.reasons, key=lambda r: (r.signal not in lead, SIGNAL_ORDER.index(r.signal))
        )
        valid_until = min(self.changes) if self.changes else None
        return Verdict(decision, round(confidence, 2), tuple(ranked), valid_until, check_back)
