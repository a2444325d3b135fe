"""`dealcoach qualify`: right after a meeting, the interview, the plan and the verdict."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from dealcoach.commands.options import JsonOpt

if TYPE_CHECKING:
    from dealcoach.workflow.qualify import Interviewer, Qualified


def qualify(
    ctx: typer.Context,
    deal: Annotated[
        str | None,
        typer.Argument(
            help="Re-qualify this deal (id like D12, or account name). Omit for a new deal."
        ),
    ] = None,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="After a later meeting: ask only what happened, the next step and what changed.",
        ),
    ] = False,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the newest unfinished interview.")
    ] = False,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            metavar="FILE|-",
            help="Take the answers from a TOML or JSON file (- reads JSON from stdin); never prompts.",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Interview after a meeting: store the answers, plan informed follow-ups, give a verdict."""
    from dealcoach.render.qualify import QualifyNotes
    from dealcoach.workflow.qualify import qualify as run

    qualified = run(
        ctx.obj,
        deal,
        quick=quick,
        resume=resume,
        answers=answers,
        interviewer=_prompts,
        notes=QualifyNotes(),
    )
    _show(qualified, ctx.obj.today, json_out=json_out)


def _prompts() -> Interviewer:
    """The terminal interview, imported only when there is one to run (questionary is slow)."""
    from dealcoach import prompts

    return prompts


def _show(qualified: Qualified, today: date, *, json_out: bool) -> None:
    """With --json after an interview, the screen still goes to the rep, on stderr."""
    from dealcoach.render import text as render
    from dealcoach.render.documents import qualify_json
    from dealcoach.render.qualify import qualify_screen

    row, outcome, answers = qualified.deal, qualified.outcome, qualified.answers
    if json_out:
        if qualified.interactive:
            qualify_screen(render.console(stderr=True), row, outcome, answers, today=today)
        render.write_json(qualify_json(row, outcome))
        return
    qualify_screen(render.console(), row, outcome, answers, today=today)
