"""Looking after the data: `backup` and `doctor`.

Thin: the copy and the checks are `workflow/care.py`, the screens `render/care.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dealcoach.commands.options import JsonOpt

if TYPE_CHECKING:
    from dealcoach.workflow.context import Context


def backup(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(help="Where to write the copy (default: backups/ in the data folder)."),
    ] = None,
) -> None:
    """Copy the database safely, even while another dealcoach is writing (readable by you only)."""
    from dealcoach.render import text as render
    from dealcoach.render.care import backup_done
    from dealcoach.workflow import care

    context: Context = ctx.obj
    dest, size = care.backup(context, file)
    backup_done(render.console(), dest, size)


def doctor(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Check the database, the settings and the files, and say how to fix each problem found."""
    from dealcoach.render import text as render
    from dealcoach.render.documents import doctor_json
    from dealcoach.workflow import care

    context: Context = ctx.obj
    checks = care.doctor(context)
    if json_out:
        render.write_json(doctor_json(checks))
    else:
        from dealcoach.render.care import doctor_screen

        doctor_screen(render.console(), checks)
    if not all(check.ok for check in checks):
        raise typer.Exit(1)
