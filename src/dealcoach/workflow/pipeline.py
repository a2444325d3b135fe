"""What `show`, `list` and `plan` read: one deal's card, the pipeline's lines, one deal's plan.

Read-only: each opens the store, reads the rows into the shapes the screens and JSON documents
take (`render/views.py`), and closes it. Each judges as of its today (`workflow/judging.py`). `plan --ics` also writes the deal's calendar file
(`workflow/exchange.py`). Nothing heavy at import time: `show` and `list` start fast.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealcoach.vocabulary import STAGES
from dealcoach.workflow.judging import as_of_today, verdict_today
from dealcoach.workflow.learning import odds, with_odds

if TYPE_CHECKING:
    from dealcoach.render.views import Card, PipelineLine, Row
    from dealcoach.workflow.context import Context


def card(context: Context, deal: str) -> Card:
    """Everything `show` needs about one deal, read in one go."""
    from dealcoach.render.views import Card

    with context.open_store() as store:
        deal_id = store.deals.resolve(deal)
        row = store.deals.get(deal_id)
        judged = verdict_today(store, row, context)
        return Card(
            deal=with_odds(as_of_today(row, judged, context.today), odds(store)),
            answers=store.interviews.latest_record(deal_id),
            stakeholders=store.interviews.stakeholders(deal_id),
            steps=store.interviews.steps(deal_id),
            plan=store.plans.planned(deal_id),
            touches=store.plans.touches(deal_id),
            verdict=judged,
            interviews=store.interviews.all(deal_id),
        )


@dataclass(frozen=True)
class Pipeline:
    """The lines of `list`, sorted, and whether there are deals at all (for the empty screen)."""

    lines: list[PipelineLine]
    anything: bool  # some deal exists, so an empty list means "nothing matches these filters"


def pipeline(
    context: Context,
    *,
    status: str | None,
    stage: str | None = None,
    strategy: str | None = None,
    sort: str = "due",
) -> Pipeline:
    """The deals of one status (None: all), filtered by stage and strategy, sorted by `sort`."""
    from dealcoach.render import views

    with context.open_store() as store:
        rows = store.deals.all(status)
        anything = bool(rows) or bool(store.deals.all())
        rows = [
            row
            for row in rows
            if (stage is None or row.get("stage") == stage)
            and (strategy is None or _uses(row, strategy))
        ]
        lines = []
        found = odds(store)
        for row in rows:
            row = as_of_today(row, verdict_today(store, row, context), context.today)
            row = with_odds(row, found)
            planned = store.plans.planned(row["id"])
            lines.append(views.PipelineLine(row, views.next_followup(planned), len(planned)))
    lines.sort(key=SORT_KEYS[sort])
    return Pipeline(lines, anything)


@dataclass(frozen=True)
class DealPlan:
    """`plan`: the deal, its planned follow-ups and, with --ics, how many went to the calendar."""

    deal: Row
    planned: Sequence[Row]
    written: int | None = None  # follow-ups written to the .ics file (None: no --ics)


def deal_plan(context: Context, deal: str, ics: Path | None = None) -> DealPlan:
    """One deal's plan; with `ics`, every follow-up of the deal as a calendar file too."""
    with context.open_store() as store:
        deal_id = store.deals.resolve(deal)
        stored = store.deals.get(deal_id)
        row = as_of_today(stored, verdict_today(store, stored, context), context.today)
        row = with_odds(row, odds(store))
        planned = store.plans.planned(deal_id)
        written = None
        if ics is not None:
            from dealcoach.workflow.exchange import deal_calendar

            written = deal_calendar(store, deal_id, ics)
    return DealPlan(row, planned, written)


# -- filters and orders -------------------------------------------------------------------------------


def _uses(row: Mapping[str, Any], strategy: str) -> bool:
    """`hybrid` matches the deals left to dealcoach's choice; the others, the strategy used."""
    if strategy == "hybrid":
        return row.get("strategy") == "hybrid"
    return row.get("resolved_strategy") == strategy


def _stage_key(line: PipelineLine) -> tuple[int, int]:
    """Closest to closing first; a stage we do not know last."""
    stage = line.deal.get("stage")
    rank = -STAGES.index(stage) if stage in STAGES else 1
    return (rank, line.deal["id"])


def _value_key(line: PipelineLine) -> tuple[bool, Decimal, int]:
    """Largest first; unknown values last. Currencies are not converted (no rates here)."""
    value = line.deal.get("value")
    return (value is None, -Decimal(value or 0), line.deal["id"])


def _created_key(line: PipelineLine) -> tuple[bool, int, int]:
    """Newest first; within a day, the later deal (higher id) first."""
    created = line.deal.get("created")
    ordinal = date.fromisoformat(str(created)).toordinal() if created else 0
    return (not created, -ordinal, -line.deal["id"])


def _due_key(line: PipelineLine) -> tuple[bool, str, int]:
    """The next follow-up first; deals with nothing planned last."""
    return (line.next_due is None, line.next_due or "", line.deal["id"])


def _decision_key(line: PipelineLine) -> tuple[bool, str, int]:
    """The buyer's decision date, soonest first; deals without one last."""
    decided = line.deal.get("decision_date")
    return (not decided, str(decided or ""), line.deal["id"])


SORT_KEYS: dict[str, Callable[[PipelineLine], Any]] = {
    "due": _due_key,
    "value": _value_key,
    "account": lambda line: (str(line.deal["account"]).casefold(), line.deal["id"]),
    "stage": _stage_key,
    "created": _created_key,
    "decision": _decision_key,
}
SORTS = tuple(SORT_KEYS)  # the names `list --sort` takes, in the order its help lists them
