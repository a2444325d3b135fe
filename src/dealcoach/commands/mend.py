"""Mending the deal list: `merge` a duplicate, `delete` a deal entered by mistake, `reopen` one.

Thin: the writes are `workflow/mend.py`, the lines `render/mend.py`. `delete` asks on a terminal
with a plain y/N read from stdin, so the interview's prompt library never loads here.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

DealArg = Annotated[str, typer.Argument(metavar="DEAL", help="The deal: D12 or its account name.")]


def on_terminal() -> bool:
    """Whether a person can answer the question (stdin and stderr are a terminal)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def merge(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(metavar="DUPLICATE", help="The deal to merge and remove, e.g. D7.")
    ],
    target: Annotated[str, typer.Argument(metavar="DEAL", help="The deal to keep, e.g. D3.")],
) -> None:
    """Merge a duplicate deal into the one to keep: its interviews, people, steps, touches and
    follow-up history move over, the newer answers win, and the duplicate is removed."""
    from dealcoach.render.mend import merged_line
    from dealcoach.workflow import mend

    done = mend.merge(ctx.obj, source, target)
    _say(merged_line(done.source, done.target, done.account, done.moved))


def delete(
    ctx: typer.Context,
    deal: DealArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
) -> None:
    """Delete a deal entered by mistake, with all its history; asks first on a terminal."""
    from dealcoach.errors import DealcoachError
    from dealcoach.render.mend import delete_question, deleted_line
    from dealcoach.workflow import mend

    found = mend.find(ctx.obj, deal)
    if not yes:
        if not on_terminal():
            raise DealcoachError(
                f"deleting D{found.deal_id} cannot be undone; add --yes to confirm", exit_code=2
            )
        sys.stderr.write(delete_question(found.deal_id, found.label))
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            raise DealcoachError(f"nothing deleted; D{found.deal_id} is kept")
    done = mend.delete(ctx.obj, found.deal_id)
    _say(deleted_line(done.deal_id, done.label, done.rows))


def reopen(ctx: typer.Context, deal: DealArg) -> None:
    """Reopen a deal closed by mistake: it is judged and planned again."""
    from dealcoach.render.mend import reopened_line
    from dealcoach.workflow import mend

    done = mend.reopen(ctx.obj, deal)
    _say(reopened_line(done.deal_id, done.account, done.planned))
