"""The dealcoach command line: global options, command registration and the one error boundary."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from dealcoach import __version__
from dealcoach.cli_params import prime
from dealcoach.errors import DealcoachError, escaped
from dealcoach.workflow.context import Context

GLOBAL_FLAGS = {"--debug"}
GLOBAL_OPTIONS = {"--db", "--today"}


class _Boundary(TyperGroup):
    """Prints a DealcoachError as one line on stderr and exits with its code; never a traceback."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        prime(self, ctx)
        return super().parse_args(ctx, hoist_globals(args))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            prime(command, ctx)
        return name, command, rest

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
            damaged = _damaged(ctx, exc)
            if damaged is not None:
                _report(ctx, damaged.message)
                ctx.exit(damaged.exit_code)
            _report(ctx, f"internal error ({name}: {exc}); rerun with --debug and report it")
            ctx.exit(70)


def _damaged(ctx: Any, exc: Exception) -> DealcoachError | None:
    """A crash that a damaged database explains (a lost table or column) is the file's fault:
    one line pointing to doctor, not exit 70. Looked at only after a failure."""
    if not isinstance(ctx.obj, Context):
        return None
    from dealcoach.workflow.care import explain_failure

    return explain_failure(ctx.obj, exc)


def _debug(ctx: Any) -> bool:
    obj = ctx.obj if isinstance(ctx.obj, Context) else None
    return bool(obj and obj.debug)


def _report(ctx: Any, message: str) -> None:
    if _debug(ctx):
        import traceback

        traceback.print_exc(file=sys.stderr)
    for line in message.split("\n"):  # each line escaped: messages quote files and user text
        sys.stderr.write(f"dealcoach: {escaped(line)}\n")
    sys.stderr.flush()


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"dealcoach {__version__}\n")
        raise typer.Exit()


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
    ctx.obj = Context(db=db, today_text=today, debug=debug)


# name -> (module under dealcoach.commands, function); in the order `--help` lists them
COMMANDS: dict[str, tuple[str, str]] = {
    "qualify": ("qualify", "qualify"),
    "next": ("daily", "next_"),
    "done": ("daily", "done"),
    "log": ("daily", "log"),
    "snooze": ("daily", "snooze"),
    "keep": ("daily", "keep"),
    "close": ("daily", "close"),
    "reopen": ("mend", "reopen"),
    "merge": ("mend", "merge"),
    "delete": ("mend", "delete"),
    "show": ("pipeline", "show"),
    "list": ("pipeline", "list_deals"),
    "plan": ("pipeline", "plan"),
    "draft": ("draft", "draft"),
    "backup": ("care", "backup"),
    "restore": ("care", "restore"),
    "doctor": ("care", "doctor"),
    "export": ("data", "export"),
    "import": ("data", "import_"),
    "learn": ("evidence", "learn"),
    "review": ("evidence", "review"),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The Typer app with every command, or with `only` that one.

    Typer builds each registered command's parameters on every run (about 1 ms a command), so
    `main` registers just the command it runs; help and unknown names get them all.
    """
    from importlib import import_module

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
    app.callback()(_global_options)
    for name, (module, function) in COMMANDS.items():
        if only is None or name == only:
            command = getattr(import_module(f"dealcoach.commands.{module}"), function)
            app.command(name=name)(command)
    return app


def __getattr__(name: str) -> Any:
    """`dealcoach.cli.app`: the whole app, built on first use (tests, docs, profiling)."""
    if name == "app":
        built = build_app()
        globals()["app"] = built
        return built
    raise AttributeError(name)


def hoist_globals(argv: list[str]) -> list[str]:
    """Global options are accepted after the command too: move them in front of it."""
    front, rest = _split_globals(argv)
    return front + rest


def command_name(argv: list[str]) -> str | None:
    """The command `argv` runs, when it names one; None for help, a typo or nothing."""
    rest = _split_globals(argv)[1]
    return rest[0] if rest and rest[0] in COMMANDS else None


def _split_globals(argv: list[str]) -> tuple[list[str], list[str]]:
    """The global options (with their values) and everything else, each in order."""
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
    return front, rest


def main() -> None:
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    build_app(command_name(sys.argv[1:]))(prog_name="dealcoach")
