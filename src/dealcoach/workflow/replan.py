"""Recompute one deal's verdict and plan from what is stored, and store them: used after every write."""

from __future__ import annotations

from datetime import date

from dealcoach.domain import planner, verdict
from dealcoach.domain.settings import Settings
from dealcoach.domain.verdict_change import reason_changes
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.records import Outcome
from dealcoach.store.store import Store
from dealcoach.workflow.learning import rescore


def replan(
    store: Store,
    deal_id: int,
    today: date,
    settings: Settings,
    cal: WorkCalendar,
    *,
    reschedule: bool = False,
) -> Outcome:
    """Call inside `store.db.write()`: the plan and the verdict change together or not at all.

    The deal's win probability is scored again first: what was just written may change it."""
    rescore(store, (deal_id,), home_currency=settings.home_currency)
    facts = store.plans.facts(deal_id, home_currency=settings.home_currency)
    judged = verdict.evaluate(facts, today, settings, cal)
    made = planner.plan(facts, judged, today, settings, cal, reschedule=reschedule)
    if store.deals.get(deal_id)["status"] != "open":
        # closed by the rep: what happens now is history, never a plan (nor a revived one)
        return Outcome(deal_id, judged, made.strategy, store.plans.planned(deal_id), None)
    rows = store.plans.save(deal_id, made.followups, today=today, reschedule=reschedule)
    previous = store.plans.save_verdict(deal_id, judged, made.strategy, today=today)
    if previous is None:
        return Outcome(deal_id, judged, made.strategy, rows, None)
    changes = reason_changes(previous["reasons"], judged.reasons)
    return Outcome(deal_id, judged, made.strategy, rows, previous, changes)
