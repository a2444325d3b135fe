"""The dealcoach command line: global options, command registration and the one error boundary."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from dealcoach import __version__
from dealcoach.errors import DealcoachError

GLOBAL_FLAGS = {"--debug"}
GLOBAL_OPTIONS = {"--db", "--today"}


@dataclass
class Globals:
    """What every command gets from the global options."""

    db: Path | None
    today_text: str | None
    debug: bool

    @property
    def today(self) -> date:
        from dealcoach.dates import parse_iso

        if self.today_text:
            return parse_iso(self.today_text)
        return date.today()


class _Boundary(TyperGroup):
    """Prints a DealcoachError as one line on stderr and exits with its code; never a traceback."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_globals(args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DealcoachError as exc:
            _report(ctx, exc.message)
            ctx.exit(exc.exit_code)
        except (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError):
            raise  # Typer's own exits, usage errors (exit 2) and a closed pipe keep their handling
        except Exception as exc:
            name = type(exc).__name__
            if _debug(ctx):
                raise
            _report(ctx, f"internal error ({name}: {exc}); rerun with --debug and report it")
            ctx.exit(70)


def _debug(ctx: Any) -> bool:
    obj = ctx.obj if isinstance(ctx.obj, Globals) else None
    return bool(obj and obj.debug)


def _report(ctx: Any, message: str) -> None:
    if _debug(ctx):
        import traceback

        traceback.print_exc(file=sys.stderr)
    for line in message.splitlines() or [message]:
        sys.stderr.write(f"dealcoach: {line}\n")
    sys.stderr.flush()


app = typer.Typer(
    name="dealcoach",
    cls=_Boundary,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="A coach between a B2B meeting and a signature: qualify a deal, plan informed "
    "follow-ups, and know when to let go.",
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"dealcoach {__version__}\n")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="DEALCOACH_DB",
            help="Database file (default: in DEALCOACH_HOME).",
            show_envvar=False,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            envvar="DEALCOACH_TODAY",
            help="Pretend today is YYYY-MM-DD.",
            show_envvar=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    ctx.obj = Globals(db=db, today_text=today, debug=debug)


def _register() -> None:
    from dealcoach.commands import care, daily, pipeline, qualify

    app.command(name="qualify")(qualify.qualify)
    app.command(name="next")(daily.next_)
    app.command(name="done")(daily.done)
    app.command(name="log")(daily.log)
    app.command(name="snooze")(daily.snooze)
    app.command(name="keep")(daily.keep)
    app.command(name="close")(daily.close)
    app.command(name="show")(pipeline.show)
    app.command(name="list")(pipeline.list_deals)
    app.command(name="plan")(pipeline.plan)
    app.command(name="backup")(care.backup)
    app.command(name="doctor")(care.doctor)
    from dealcoach.commands import data

    app.command(name="export")(data.export)
    app.command(name="import")(data.import_)


_register()


def hoist_globals(argv: list[str]) -> list[str]:
    """Global options are accepted after the command too: move them in front of it."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0]
        if arg in GLOBAL_FLAGS or (name in GLOBAL_OPTIONS and "=" in arg):
            front.append(arg)
        elif arg in GLOBAL_OPTIONS and i + 1 < len(argv):
            front.extend(argv[i : i + 2])
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main() -> None:
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app(prog_name="dealcoach")
