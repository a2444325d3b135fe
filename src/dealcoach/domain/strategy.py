"""Which follow-up strategy a deal gets, and the cadence that goes with it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from dealcoach.answers.record import AnswersRecord
from dealcoach.domain.settings import Cadence, Settings
from dealcoach.records import StrategyChoice
from dealcoach.vocabulary import DealType, Sector, Source, Stage, Strategy

if TYPE_CHECKING:
    from dealcoach.domain.workdays import WorkCalendar

RENEWAL_TOUCHES = (120, 90, 60, 30)  # days before a renewal's notice date

EARLY_STAGES = {Stage.lead, Stage.qualified, Stage.prospect}


def _money(value: Decimal) -> str:
    return f"{value:,.0f}"


def choose(answers: AnswersRecord, median: Decimal | None, settings: Settings) -> StrategyChoice:
    """The strategy for this deal; hybrid picks one of the three and says why."""
    requested = answers.deal.strategy
    if requested is not Strategy.hybrid:
        return StrategyChoice(requested, "chosen in the interview")
    value = settings.in_home(answers.deal.value, answers.deal.currency)
    people = len(answers.who)
    pain = answers.readiness.pain
    if value is not None and median and value >= 2 * median:
        return StrategyChoice(
            Strategy.decision_support,
            f"value {_money(value)} is at least twice your median deal ({_money(median)})",
        )
    if people >= 3:
        return StrategyChoice(
            Strategy.decision_support, f"{people} stakeholders: a committee decides"
        )
    if answers.deal.sector is Sector.public:
        return StrategyChoice(Strategy.decision_support, "public sector: it moves on its own cycle")
    if answers.deal.type is DealType.renewal:
        return StrategyChoice(
            Strategy.decision_support, "renewal: planned back from the notice date"
        )
    if value is not None and median and value * 2 <= median and people <= 2:
        return StrategyChoice(
            Strategy.acceleration,
            f"small deal ({_money(value)}, at most half your median) with few people",
        )
    if Source.of(answers.deal.source) is Source.outbound and (
        answers.readiness.fit is False or (pain is not None and pain <= 2)
    ):
        return StrategyChoice(Strategy.selectivity, "outbound, with poor fit or low pain")
    if answers.deal.stage in EARLY_STAGES:
        return StrategyChoice(Strategy.acceleration, "before the opportunity stage: keep the pace")
    return StrategyChoice(
        Strategy.decision_support, "opportunity stage or later: follow the buyer's milestones"
    )


def cadence(strategy: Strategy, settings: Settings) -> Cadence:
    return settings.cadence[strategy.value]


def paying_customer(answers: AnswersRecord) -> bool:
    return answers.deal.type in (DealType.expansion, DealType.renewal)


def never_gives_up(answers: AnswersRecord) -> bool:
    """Silence here escalates instead of closing the loop: closing, renewals, customers."""
    return answers.deal.stage is Stage.closing or paying_customer(answers)


def renewal_days(notice: date, cal: WorkCalendar) -> list[tuple[int, date, date]]:
    """Each renewal touch: its days before the notice, that date, and the working day it is due
    (the same or the one before). The planner plans them; the verdict re-judges on each."""
    marks = [(days, notice - timedelta(days=days)) for days in RENEWAL_TOUCHES]
    return [(days, mark, cal.on_or_before(mark)) for days, mark in marks]
