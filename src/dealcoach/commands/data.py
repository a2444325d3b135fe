"""`dealcoach export` and `import`: tables out as CSV / JSON / calendar, and deals in from files.

Thin: options are parsed here (exit 1 with one line, never Typer's boxed exit 2); the work is
`workflow/exchange.py` (rows from the store to a sink, files checked and written in one
transaction) and what is said is `render/exchange.py`. Data goes to stdout (or --output); messages
and the progress bar go to stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dealcoach.commands.options import STATUSES, pick

if TYPE_CHECKING:
    from dealcoach.workflow.context import Context

TABLE_NAMES = ("deals", "stakeholders", "steps", "followups", "touches", "interviews")
FORMAT_NAMES = ("csv", "json", "jsonl", "ics")
SOURCES = ("dealcoach", "hubspot", "pipedrive", "salesforce")


def _complete(choices: Sequence[str]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [choice for choice in choices if choice.startswith(incomplete)]

    return complete


# -- export ----------------------------------------------------------------------------------------


def export(
    ctx: typer.Context,
    table: Annotated[
        str,
        typer.Argument(
            metavar="TABLE",
            help="deals, stakeholders, steps, followups, touches or interviews.",
            autocompletion=_complete(TABLE_NAMES),
            show_default=False,
        ),
    ],
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="csv|json|jsonl|ics",
            help="csv (default), json (one array), jsonl (one object a line), ics (followups).",
            autocompletion=_complete(FORMAT_NAMES),
        ),
    ] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            metavar="S",
            help="Only deals with this status (open, won, lost, let_go, all); other tables: "
            "the rows of those deals.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="D",
            help="Only rows created or dated on or after D (deals: created; steps, touches: "
            "date; followups: due; interviews: taken_on; stakeholders: their deal's created).",
        ),
    ] = None,
    due_by: Annotated[
        str | None,
        typer.Option(
            "--due-by",
            metavar="D",
            help="followups only: the planned ones due (or snoozed until) D or earlier.",
        ),
    ] = None,
) -> None:
    """Write one table as CSV, JSON, JSON Lines or a calendar: stable columns, streamed."""
    from dealcoach.dates import parse_date
    from dealcoach.errors import BadInput
    from dealcoach.interop.sink import to_stdout
    from dealcoach.render.exchange import say
    from dealcoach.workflow import exchange

    context: Context = ctx.obj
    today = context.today
    name = str(pick("table", table, {t: t for t in TABLE_NAMES}))
    fmt = str(pick("--format", format_, {f: f for f in FORMAT_NAMES}))
    wanted_status = pick("--status", status, STATUSES) if status is not None else None
    since_day = parse_date(since, today) if since is not None else None
    due_day = parse_date(due_by, today) if due_by is not None else None
    if due_day is not None and name != "followups":
        raise BadInput("--due-by filters follow-ups: dealcoach export followups --due-by D")
    if fmt == "ics" and name != "followups":
        raise BadInput("--format ics exports follow-ups: dealcoach export followups --format ics")
    count = exchange.export(
        context, name, fmt, output, status=wanted_status, since=since_day, due_by=due_day
    )
    if not to_stdout(output):
        say(f"wrote {count} row(s) of {name} to {output}")


# -- import ----------------------------------------------------------------------------------------


def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="CSV, JSON or JSON Lines files (dealcoach exports, or a CRM's deals export).",
            show_default=False,
        ),
    ],
    from_: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="dealcoach|hubspot|pipedrive|salesforce",
            help="Whose export the files are (default: dealcoach's own).",
            autocompletion=_complete(SOURCES),
        ),
    ] = "dealcoach",
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COL=FIELD",
            help="Read FIELD from column COL (fields: external_id, account, title, value, "
            "currency, stage, status, decision_date, created, owner, next_step).",
        ),
    ] = None,
    stage_maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map-stage",
            metavar="NAME=STAGE",
            help="The CRM stage NAME means STAGE (lead, qualified, prospect, opportunity, "
            "closing, won or lost).",
        ),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format",
            metavar="FMT",
            help="How the CRM writes dates that are not ISO, e.g. %m/%d/%Y (never guessed).",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print what would be created or updated; write nothing."),
    ] = False,
) -> None:
    """Import deals from a CRM export, or restore dealcoach export files; all or nothing."""
    from dealcoach.errors import BadInput
    from dealcoach.render import exchange as screens
    from dealcoach.workflow import exchange

    source = str(pick("--from", from_, {s: s for s in SOURCES}))
    if source == "dealcoach" and (maps or stage_maps or date_format):
        raise BadInput(
            "--map, --map-stage and --date-format are for CRM files: add --from hubspot, "
            "pipedrive or salesforce"
        )
    context: Context = ctx.obj
    loaded, unreadable = exchange.load_all(files, screens.progress)
    if source == "dealcoach":
        tables = exchange.restore(context, loaded, unreadable, dry_run=dry_run)
        if dry_run:
            screens.restore_dry_run(tables)
        else:
            screens.restored(tables)
        return
    done = exchange.import_crm(
        context,
        loaded,
        unreadable,
        source,
        maps=maps or [],
        stage_maps=stage_maps or [],
        date_format=date_format,
        dry_run=dry_run,
    )
    if dry_run:
        screens.crm_dry_run(done.label, done.actions)
    else:
        screens.crm_imported(done.label, done.actions)
