"""The morning of `next`: re-judge what came due, gather what to send and what to decide, rank it.

Everything the screen and the JSON document show comes back as one `Morning`; the store is closed
before the ranking, as the agenda is pure (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dealcoach.domain import agenda

if TYPE_CHECKING:
    from dealcoach.domain.settings import Settings
    from dealcoach.records import Outcome
    from dealcoach.store.connection import Row
    from dealcoach.store.store import Store
    from dealcoach.workflow.context import Context


@dataclass(frozen=True)
class Morning:
    """What the morning shows: ranked follow-ups, deals to decide on, and what was re-judged."""

    today: date
    shown: list[agenda.AgendaItem]  # the first `limit` ranked follow-ups due
    more: int  # how many more are due beyond `shown`
    decided: list[Row]  # open deals the verdict lets go or (recently) nurtures
    stale: list[dict[str, Any]]  # quiet too long with nothing ahead, not already in `decided`
    unqualified: list[Row]
    next_due: str | None  # when nothing is due today: the first day something is
    changes: list[tuple[Row, Outcome]]  # deals whose verdict changed in this morning's re-judging
    has_deals: bool  # False on an empty pipeline: the screen says how to start


def morning(ctx: Context, *, limit: int | None, replan: bool) -> Morning:
    """Re-judge the deals whose verdict expired (and, with `replan`, move overdue follow-ups to
    today) in one write, then read the morning's lists and rank what is due."""
    today = ctx.today
    settings = ctx.settings
    with ctx.open_store() as store:
        changes = _rejudge(ctx, store, replan=replan)
        rows = store.morning.due_followups(today)
        decided = store.morning.decided_deals(today, announce_days=agenda.ANNOUNCE_DAYS)
        decided_ids = {row["id"] for row in decided}
        stale = [
            row
            for row in agenda.stale(
                store.morning.stale_candidates(today), today, settings.stale_days
            )
            if row["id"] not in decided_ids
        ]
        unqualified = store.morning.unqualified_deals(today)
        next_due = None if rows else store.morning.next_due_date(today)
        has_deals = bool(rows or decided or stale or unqualified) or bool(store.deals.all("open"))
        learned = bool(rows) and _odds_usable(store)
    items = [due_item(row, settings, learned=learned) for row in rows]
    ranked = agenda.rank(items, today, ctx.calendar)
    shown, more = agenda.split(ranked, limit)
    return Morning(today, shown, more, decided, stale, unqualified, next_due, changes, has_deals)


def _rejudge(ctx: Context, store: Store, *, replan: bool) -> list[tuple[Row, Outcome]]:
    """Stale verdicts (and overdue plans, with `replan`) judged again inside one write; the deals
    whose decision changed, for the screen's `verdict` lines."""
    today = ctx.today
    stale_ids = store.morning.deals_to_rejudge(today)
    overdue_ids = store.morning.deals_with_overdue(today) if replan else []
    changes: list[tuple[Row, Outcome]] = []
    if not (stale_ids or overdue_ids):
        return changes
    from dealcoach.workflow.replan import replan as replan_deal  # the domain, only when needed

    with store.db.write():
        for deal_id in sorted(set(stale_ids) | set(overdue_ids)):
            outcome = replan_deal(
                store,
                deal_id,
                today,
                ctx.settings,
                ctx.calendar,
                reschedule=deal_id in overdue_ids,
            )
            if outcome.previous is not None:
                changes.append((store.deals.get(deal_id), outcome))
    return changes


def _odds_usable(store: Store) -> bool:
    from dealcoach.workflow.learning import odds

    return odds(store).usable


def due_item(
    row: Mapping[str, Any], settings: Settings, *, learned: bool = False
) -> agenda.DueItem:
    """A stored due follow-up and its deal as the agenda reads them (value in the home currency);
    with `learned`, the deal's stored win probability (a model that knows every closed deal)."""
    amount = Decimal(row["value"]) if row["value"] is not None else None
    probability = row.get("win_probability") if learned else None
    return agenda.DueItem.with_defaults(
        followup_id=row["id"],
        deal_id=row["deal_id"],
        account=row["account"],
        due=date.fromisoformat(row["due"]),
        purpose=row["purpose"],
        bring=row["bring"],
        milestone=row["milestone"],
        milestone_date=_day(row["milestone_date"]),
        channel=row["channel"],
        who=row["who"],
        value=settings.in_home(amount, row["currency"]),
        stage=row["stage"],
        decision=row["decision"],
        confidence=row["confidence"],
        strategy=row["resolved_strategy"],
        decision_date=_day(row["decision_date"]),
        win_probability=probability,
        win_factors=_factors(row.get("win_factors")) if probability is not None else (),
    )


def _factors(text: str | None) -> tuple[tuple[str, float], ...]:
    if not text:
        return ()
    return tuple((str(f["factor"]), float(f["effect"])) for f in json.loads(text))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
