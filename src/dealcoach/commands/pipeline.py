"""`dealcoach show`, `list` and `plan`: one deal's whole card, the pipeline, one deal's plan.

Read-only and thin: parse the options here (exit 1 with one line, never Typer's boxed exit 2),
read through `workflow/pipeline.py`, hand the result to `render/` for the screen or the JSON
document.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dealcoach.commands.options import STATUSES, JsonOpt, pick
from dealcoach.vocabulary import STAGES

if TYPE_CHECKING:
    from dealcoach.workflow.context import Context

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


def show(ctx: typer.Context, deal: DealArg, json_out: JsonOpt = False) -> None:
    """One deal's whole card: who / what / when / how with the gaps, the plan, the history, the verdict."""
    from dealcoach.render import text as render
    from dealcoach.render.card import show_screen
    from dealcoach.render.documents import show_json
    from dealcoach.workflow.pipeline import card

    context: Context = ctx.obj
    found = card(context, deal)
    if json_out:
        render.write_json(show_json(found))
        return
    show_screen(render.console(), found, today=context.today)


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
    from dealcoach.render import text as render
    from dealcoach.render.documents import list_json
    from dealcoach.render.pipeline import pipeline_screen
    from dealcoach.workflow.pipeline import SORTS, pipeline

    wanted_status = pick("--status", status, STATUSES)
    wanted_stage = pick("--stage", stage, {s: s for s in STAGES}) if stage is not None else None
    wanted_strategy = pick("--strategy", strategy, STRATEGIES) if strategy is not None else None
    sort_key = str(pick("--sort", sort, {name: name for name in SORTS}))
    context: Context = ctx.obj
    found = pipeline(
        context, status=wanted_status, stage=wanted_stage, strategy=wanted_strategy, sort=sort_key
    )
    if json_out:
        render.write_json(list_json(found.lines))
        return
    pipeline_screen(render.console(), found.lines, today=context.today, filtered=found.anything)


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
    from dealcoach.render import text as render
    from dealcoach.render.documents import plan_json
    from dealcoach.render.pipeline import plan_screen
    from dealcoach.workflow.pipeline import deal_plan

    context: Context = ctx.obj
    found = deal_plan(context, deal, ics)
    if ics is not None and str(ics) != "-":
        from dealcoach.render.exchange import say

        say(f"wrote {found.written} follow-up(s) of D{found.deal['id']} to {ics}")
    if json_out:
        render.write_json(plan_json(found.deal, found.planned))
        return
    plan_screen(render.console(), found.deal, found.planned, today=context.today)
