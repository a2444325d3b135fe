"""Looking after the data: `backup`, `restore` and `doctor`.

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


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup to put back (a dealcoach backup file).")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask (needed without a terminal).")
    ] = False,
) -> None:
    """Put a backup back in place of the database, after keeping a safety copy in backups/."""
    from dealcoach.errors import DealcoachError
    from dealcoach.render import text as render
    from dealcoach.render.care import restore_done, restore_question
    from dealcoach.workflow import care

    context: Context = ctx.obj
    chosen = care.check_restore(file)
    deals = (chosen.open_deals, chosen.deals)
    if not yes:
        if not _on_a_terminal():
            raise DealcoachError(
                f"restore replaces {context.db_path}; rerun with --yes to confirm", exit_code=2
            )
        if not typer.confirm(
            restore_question(context.db_path, file, deals), default=False, err=True
        ):
            raise DealcoachError("nothing restored")
    safety, size = care.restore(context, chosen)
    restore_done(render.console(), context.db_path, file, deals, safety, size)


def _on_a_terminal() -> bool:
    """Someone can answer the question: stdin is a terminal."""
    import sys

    return sys.stdin.isatty()


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
