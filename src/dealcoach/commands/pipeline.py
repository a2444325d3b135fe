"""`dealcoach show`, `list` and `plan`: one deal's whole card, the pipeline, one deal's plan.

Read-only and thin: parse the options here (exit 1 with one line, never Typer's boxed exit 2),
read the store, hand the rows to `render/` for the screen or the JSON document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dealcoach.commands.options import STATUSES, JsonOpt, pick
from dealcoach.vocabulary import STAGES

if TYPE_CHECKING:
    from dealcoach.render.views import Card, PipelineLine
    from dealcoach.store.store import Store

DealArg = Annotated[
    str,
    typer.Argument(
        help="The deal: an id like D12 (or 12), an account name or a unique prefix of one.",
        show_default=False,
    ),
]

STRATEGIES: dict[str, str | None] = {
    "hybrid": "hybrid",
    "acceleration": "acceleration",
    "decision_support": "decision_support",
    "decision-support": "decision_support",
    "selectivity": "selectivity",
}
SORTS = ("due", "value", "account", "stage", "created", "decision")


def show(ctx: typer.Context, deal: DealArg, json_out: JsonOpt = False) -> None:
    """One deal's whole card: who / what / when / how with the gaps, the plan, the history, the verdict."""
    from dealcoach.home import paths
    from dealcoach.render import text as render
    from dealcoach.render.card import show_screen
    from dealcoach.render.documents import show_json
    from dealcoach.store.store import Store

    g = ctx.obj
    with Store.open(paths.db_path(g.db)) as store:
        card = _card(store, store.deals.resolve(deal))
    if json_out:
        render.write_json(show_json(card))
        return
    show_screen(render.console(), card, today=g.today)


def list_deals(
    ctx: typer.Context,
    status: Annotated[
        str,
        typer.Option("--status", metavar="S", help="open, won, lost, let_go (or let-go), or all."),
    ] = "open",
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage", metavar="S", help="lead, qualified, prospect, opportunity or closing."
        ),
    ] = None,
    strategy: Annotated[
        str | None,
        typer.Option(
            "--strategy",
            metavar="S",
            help="The strategy used: acceleration, decision_support or selectivity "
            "(hybrid: the deals where you let dealcoach pick).",
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            metavar="K",
            help="due (next follow-up first, nothing planned last), value (largest first), "
            "account, stage (closest to closing first), created (newest first) or decision "
            "(buyer's decision date, soonest first).",
        ),
    ] = "due",
    json_out: JsonOpt = False,
) -> None:
    """The pipeline, one line per deal: verdict, next follow-up and what to bring to it."""
    from dealcoach.home import paths
    from dealcoach.render import pipeline as screens
    from dealcoach.render import text as render
    from dealcoach.render import views
    from dealcoach.render.documents import list_json
    from dealcoach.store.store import Store

    wanted_status = pick("--status", status, STATUSES)
    wanted_stage = pick("--stage", stage, {s: s for s in STAGES}) if stage is not None else None
    wanted_strategy = pick("--strategy", strategy, STRATEGIES) if strategy is not None else None
    sort_key = str(pick("--sort", sort, {name: name for name in SORTS}))
    g = ctx.obj
    with Store.open(paths.db_path(g.db)) as store:
        rows = store.deals.all(wanted_status)
        anything = bool(rows) or bool(store.deals.all())
        rows = [
            row
            for row in rows
            if (wanted_stage is None or row.get("stage") == wanted_stage)
            and (wanted_strategy is None or _uses(row, wanted_strategy))
        ]
        lines = []
        for row in rows:
            planned = store.plans.planned(row["id"])
            lines.append(views.PipelineLine(row, views.next_followup(planned), len(planned)))
    lines.sort(key=SORT_KEYS[sort_key])
    if json_out:
        render.write_json(list_json(lines))
        return
    con = render.console()
    if not lines:
        screens.empty_pipeline(con, filtered=anything)
        return
    show_status = any(line.deal.get("status") != "open" for line in lines)
    screens.list_screen(con, lines, today=g.today, show_status=show_status)


def plan(
    ctx: typer.Context,
    deal: DealArg,
    ics: Annotated[
        Path | None,
        typer.Option(
            "--ics",
            metavar="FILE",
            help="Also write the deal's follow-ups as a calendar file (.ics) to subscribe to.",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Just one deal's plan: each follow-up's date and what to bring, and the strategy behind it."""
    from dealcoach.home import paths
    from dealcoach.render import text as render
    from dealcoach.render.documents import plan_json
    from dealcoach.render.pipeline import plan_screen
    from dealcoach.store.store import Store

    g = ctx.obj
    with Store.open(paths.db_path(g.db)) as store:
        deal_id = store.deals.resolve(deal)
        row = store.deals.get(deal_id)
        planned = store.plans.planned(deal_id)
        if ics is not None:
            from dealcoach.commands.data import write_deal_calendar

            write_deal_calendar(store, deal_id, ics)
    if json_out:
        render.write_json(plan_json(row, planned))
        return
    plan_screen(render.console(), row, planned, today=g.today)


# -- helpers -----------------------------------------------------------------------------------------


def _card(store: Store, deal_id: int) -> Card:
    """Everything `show` needs about one deal."""
    from dealcoach.render.views import Card

    return Card(
        deal=store.deals.get(deal_id),
        answers=store.interviews.latest_record(deal_id),
        stakeholders=store.interviews.stakeholders(deal_id),
        steps=store.interviews.steps(deal_id),
        plan=store.plans.planned(deal_id),
        touches=store.plans.touches(deal_id),
        verdict=store.plans.stored_verdict(deal_id),
        interviews=store.interviews.all(deal_id),
    )


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
