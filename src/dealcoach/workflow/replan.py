"""Recompute one deal's verdict and plan from what is stored, and store them: used after every write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dealcoach.domain import planner, verdict
from dealcoach.domain.settings import Settings
from dealcoach.records import StrategyChoice, Verdict
from dealcoach.store.store import Store


@dataclass(frozen=True)
class Outcome:
    deal_id: int
    verdict: Verdict
    strategy: StrategyChoice
    plan: list[dict[str, Any]]
    previous: dict[str, Any] | None  # the verdict before, when the decision changed


def replan(
    store: Store, deal_id: int, today: date, settings: Settings, *, reschedule: bool = False
) -> Outcome:
    """Call inside `store.db.write()`: the plan and the verdict change together or not at all."""
    facts = store.plans.facts(deal_id, home_currency=settings.home_currency)
    judged = verdict.evaluate(facts, today, settings)
    made = planner.plan(facts, judged, today, settings, reschedule=reschedule)
    if store.deals.get(deal_id)["status"] != "open":
        # closed by the rep: what happens now is history, never a plan (nor a revived one)
        return Outcome(deal_id, judged, made.strategy, store.plans.planned(deal_id), None)
    rows = store.plans.save(deal_id, made.followups, today=today, reschedule=reschedule)
    previous = store.plans.save_verdict(deal_id, judged, made.strategy, today=today)
    return Outcome(deal_id, judged, made.strategy, rows, previous)
