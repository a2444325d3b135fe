"""Today's judgement for the commands that only read (`show`, `list`, `plan`).

A stored verdict holds until its `valid_until`; after that the deal is judged again. `next` and the
commands that write do it and store the result (announcing a change once). A read must not wait
for them, nor write: it judges again in memory, exactly as `next` would that day, and stores
nothing, so it still works on a read-only database or a full disk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dealcoach.records import Verdict
    from dealcoach.store.store import Store
    from dealcoach.workflow.context import Context

Row = Mapping[str, Any]


def expired(deal: Row, today: date) -> bool:
    """The stored verdict no longer holds today: the rule `next` applies through its indexed query
    (`store.morning.deals_to_rejudge`)."""
    if deal.get("status") != "open" or not deal.get("qualified"):
        return False
    if deal.get("decision") is None:
        return True
    valid_until = deal.get("valid_until")
    return valid_until is not None and str(valid_until) <= today.isoformat()


def verdict_today(store: Store, deal: Row, context: Context) -> Verdict | None:
    """The deal's verdict as of the context's today: the stored one while it holds."""
    if not expired(deal, context.today):
        return store.plans.stored_verdict(deal["id"])
    from dealcoach.domain import verdict

    settings = context.settings
    facts = store.plans.facts(deal["id"], home_currency=settings.home_currency)
    return verdict.evaluate(facts, context.today, settings, context.calendar)


def as_of_today(deal: Row, judged: Verdict | None, today: date) -> dict[str, Any]:
    """The deal's row with today's verdict in it, as `next` would store it today."""
    row = dict(deal)
    if judged is None or not expired(deal, today):
        return row
    if row.get("decision") != judged.decision.value:
        row["verdict_since"] = today.isoformat()
    row.update(
        decision=judged.decision.value,
        confidence=judged.confidence,
        reasons=json.dumps([{"signal": r.signal, "detail": r.detail} for r in judged.reasons]),
        valid_until=judged.valid_until.isoformat() if judged.valid_until else None,
        check_back=judged.check_back.isoformat() if judged.check_back else None,
    )
    return row
