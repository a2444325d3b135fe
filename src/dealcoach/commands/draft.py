"""`dealcoach draft`: a ready-to-edit message for one follow-up, to paste into a mail client.

Thin: the follow-up is read by `workflow/draft.py`, the message written by `render/draft.py`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer


def draft(
    ctx: typer.Context,
    followup: Annotated[
        str,
        typer.Argument(
            metavar="FOLLOWUP", help="The follow-up to write, e.g. F37 (from dealcoach next)."
        ),
    ],
) -> None:
    """Print a plain-text message for a follow-up: greeting, what it brings, the buyer step, the question."""
    from dealcoach.render.draft import draft_text
    from dealcoach.workflow.draft import draft as read

    sys.stdout.write(draft_text(read(ctx.obj, followup), ctx.obj.today))
    sys.stdout.flush()
