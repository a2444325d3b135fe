"""`review`: the open and closed deals read for the pipeline review, in one snapshot."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dealcoach.learn.review import ClosedDeal, OpenDeal, review

if TYPE_CHECKING:
    from dealcoach.store.store import Store
    from dealcoach.workflow.context import Context


def pipeline_review(ctx: Context) -> dict[str, Any]:
    """The review document (`review --json`), as of the context's today."""
    from dealcoach.workflow.learning import odds

    settings = ctx.settings
    with ctx.open_store() as store, store.db.snapshot():
        found = odds(store)
        stored = store.learning.model()
        model = json.loads(stored.model) if stored is not None and found.usable else None
        deals = [_open(row, settings.in_home, found.usable) for row in store.learning.review_open()]
        closed = [_closed(store, ctx, row) for row in store.learning.review_closed()]
    return review(ctx.today, deals, closed, model, found.reason)


def _open(row: Mapping[str, Any], in_home: Any, learned: bool) -> OpenDeal:
    amount = Decimal(row["value"]) if row["value"] is not None else None
    value = in_home(amount, row["currency"])
    reasons = json.loads(row["reasons"]) if row["reasons"] else []
    return OpenDeal(
        deal_id=int(row["id"]),
        account=str(row["account"]),
        value=float(value) if value is not None else None,
        stage=row["stage"],
        decision_date=_day(row["decision_date"]),
        probability=row["win_probability"] if learned else None,
        decision=row["decision"],
        reasons=tuple((str(r["signal"]), str(r["detail"])) for r in reasons),
        strategy=row["resolved_strategy"],
    )


def _closed(store: Store, ctx: Context, row: Mapping[str, Any]) -> ClosedDeal:
    return ClosedDeal(
        deal_id=int(row["id"]),
        account=str(row["account"]),
        status=str(row["status"]),
        stage=row["stage"],
        strategy=row["resolved_strategy"],
        ceiling=_ceiling(store, ctx, row) if row["status"] == "let_go" else None,
        closed_on=_day(row["closed_on"]),
        came_back=_day(row["came_back"]) if row["status"] == "let_go" else None,
    )


def _ceiling(store: Store, ctx: Context, row: Mapping[str, Any]) -> int | None:
    """The unanswered follow-ups the let-go rule allowed this deal (its strategy, its people)."""
    from dealcoach.domain import contact, strategy
    from dealcoach.vocabulary import Strategy

    answers = store.interviews.latest_record(int(row["id"]))
    used = row["resolved_strategy"]
    if answers is None or used not in Strategy.__members__:
        return None
    return contact.deal_ceiling(strategy.cadence(Strategy(used), ctx.settings), answers)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None
