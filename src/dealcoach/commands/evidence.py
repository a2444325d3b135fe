"""What the rep's own history says: `learn` (the win probability) and `review` (the pipeline).

Thin: training is `workflow/relearn.py`, the screens `render/learn.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from dealcoach.commands.options import JsonOpt

if TYPE_CHECKING:
    from dealcoach.workflow.context import Context


def learn(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Learn the win probability from your closed deals now, and say how well it predicts."""
    from dealcoach.render import text as render
    from dealcoach.render.learn import learn_json
    from dealcoach.workflow.relearn import learn as learn_now

    context: Context = ctx.obj
    learned = learn_now(context)
    if json_out:
        render.write_json(learn_json(learned.report or {}, learned.reason, learned.scored))
        return
    from dealcoach.render.learn import learn_screen

    learn_screen(render.console(), learned.report or {}, learned.reason, learned.scored)


def review(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """The pipeline review: forecast, how far to trust it, what predicts a win, who went quiet."""
    from dealcoach.render import text as render
    from dealcoach.workflow.review import pipeline_review

    context: Context = ctx.obj
    document = pipeline_review(context)
    if json_out:
        render.write_json(document)
        return
    from dealcoach.render.review import review_screen

    review_screen(render.console(), document, currency=context.settings.home_currency)
