"""`dealcoach export` and `import`: tables out as CSV / JSON / calendar, and deals in from files.

Thin: options are parsed here (exit 1 with one line, never Typer's boxed exit 2), rows stream from
the store through `interop/writing.py` (the columns are `interop/tables.py`), files are read by
`interop/loading.py` and checked by `interop/dealcoach_rows.py` or `interop/crm.py`, and the
calendar is built by `interop/ics.py`. Data goes to stdout (or --output); messages and the progress
bar go to stderr.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer

from dealcoach.commands.options import STATUSES, pick

if TYPE_CHECKING:
    from dealcoach.interop.crm_actions import CrmAction
    from dealcoach.interop.loading import Loaded
    from dealcoach.store.store import Store

TABLE_NAMES = ("deals", "stakeholders", "steps", "followups", "touches", "interviews")
FORMAT_NAMES = ("csv", "json", "jsonl", "ics")
SOURCES = ("dealcoach", "hubspot", "pipedrive", "salesforce")
PROGRESS_LINES = 20_000  # files longer than this get a progress bar (on a terminal)


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
    from dealcoach.home import paths
    from dealcoach.interop.tables import TABLES
    from dealcoach.store.store import Store

    g = ctx.obj
    today: date = g.today
    name = pick("table", table, {t: t for t in TABLE_NAMES})
    fmt = pick("--format", format_, {f: f for f in FORMAT_NAMES})
    wanted_status = pick("--status", status, STATUSES) if status is not None else None
    since_day = parse_date(since, today) if since is not None else None
    due_day = parse_date(due_by, today) if due_by is not None else None
    if due_day is not None and name != "followups":
        raise BadInput("--due-by filters follow-ups: dealcoach export followups --due-by D")
    if fmt == "ics" and name != "followups":
        raise BadInput("--format ics exports follow-ups: dealcoach export followups --format ics")
    spec = TABLES[name]
    with Store.open(paths.db_path(g.db)) as store:
        rows = store.exchange.export_rows(
            name,
            spec.names,
            since_column=spec.since,
            status=wanted_status,
            since=since_day,
            due_by=due_day,
            deal_columns=("account",) if fmt == "ics" else (),
            csv_kinds=[column.kind for column in spec.columns] if fmt == "csv" else None,
        )
        with _sink(output) as sink:
            count = _write(sink, spec, fmt, rows)
    if output is not None and str(output) != "-":
        _say(f"wrote {count} row(s) of {name} to {output}")


def _write(sink: BinaryIO, spec: Any, fmt: str, rows: Iterator[Any]) -> int:
    """Stream the rows in one format; returns how many were written."""
    if fmt == "csv":
        return _write_csv(sink, spec, rows)
    from dealcoach.interop import writing

    counted = _Counter(rows)
    if fmt == "ics":
        from dealcoach.interop import ics

        names = (*spec.names, "account")
        sink.write(ics.calendar(dict(zip(names, row, strict=True)) for row in counted))
        return counted.count
    text = io.TextIOWrapper(sink, encoding="utf-8", newline="", write_through=False)
    try:
        if fmt == "json":
            writing.write_json_array(text.write, writing.json_objects(spec, counted))
        else:
            writing.write_jsonl(text.write, writing.json_objects(spec, counted))
        text.flush()
    finally:
        text.detach()  # the sink belongs to the caller (stdout must stay open)
    return counted.count


CSV_BATCH = 256  # lines joined per write: fewer calls, and memory stays flat


def _write_csv(sink: BinaryIO, spec: Any, rows: Iterator[Any]) -> int:
    """The header, then each row: a line SQLite wrote (bytes), or values for `csv_line`."""
    from dealcoach.interop import writing

    sink.write(writing.csv_header(spec))
    count = 0
    batch: list[bytes] = []
    for item in rows:
        batch.append(item if item.__class__ is bytes else writing.csv_line(spec, item))
        if len(batch) == CSV_BATCH:
            sink.write(b"".join(batch))
            count += CSV_BATCH
            batch.clear()
    sink.write(b"".join(batch))
    return count + len(batch)


class _Counter:
    """Counts rows as they stream past (for the message after writing a file)."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        for row in self._rows:
            self.count += 1
            yield row


@contextmanager
def _sink(output: Path | None) -> Iterator[BinaryIO]:
    """stdout, or FILE written through a temporary file and renamed: never half a file.

    A failed write (a full disk) is a one-line error; a closed pipe keeps its own handling.
    """
    from dealcoach.errors import BadInput

    where = "stdout" if output is None or str(output) == "-" else str(output)
    try:
        with _open_sink(output) as sink:
            yield sink
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise BadInput(
            f"cannot write {where} ({exc.strerror or exc}); nothing more was written"
        ) from None


@contextmanager
def _open_sink(output: Path | None) -> Iterator[BinaryIO]:
    from dealcoach.errors import BadInput

    if output is None or str(output) == "-":
        sys.stdout.flush()
        buffer = sys.stdout.buffer
        yield buffer
        buffer.flush()
        return
    target = output.expanduser()
    if target.is_dir():
        raise BadInput(f"{output} is a folder; give a file name")
    if target.exists() and not target.is_file():
        # a device or a pipe (/dev/null, a FIFO): write into it; renaming would replace it
        try:
            special = target.open("wb")
        except OSError as exc:
            raise BadInput(
                f"cannot write {output} ({exc.strerror}); choose another place"
            ) from None
        with special:
            yield special
        return
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        handle = temporary.open("wb")
    except OSError as exc:
        raise BadInput(f"cannot write {output} ({exc.strerror}); choose another place") from None
    try:
        with handle:
            yield handle
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_deal_calendar(store: Store, deal_id: int, path: Path) -> int:
    """`plan DEAL --ics FILE`: every follow-up of the deal, sent and dropped ones cancelled."""
    from dealcoach.interop.tables import TABLES

    spec = TABLES["followups"]
    rows = store.exchange.export_rows(
        "followups", spec.names, deal_id=deal_id, deal_columns=("account",)
    )
    with _sink(path) as sink:
        count = _write(sink, spec, "ics", rows)
    if str(path) != "-":
        _say(f"wrote {count} follow-up(s) of D{deal_id} to {path}")
    return count


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

    source = pick("--from", from_, {s: s for s in SOURCES})
    assert source is not None
    if source == "dealcoach" and (maps or stage_maps or date_format):
        raise BadInput(
            "--map, --map-stage and --date-format are for CRM files: add --from hubspot, "
            "pipedrive or salesforce"
        )
    loaded, unreadable = _load_all(files)
    if source == "dealcoach":
        _import_dealcoach(ctx, loaded, unreadable, dry_run=dry_run)
    else:
        _import_crm(
            ctx,
            loaded,
            unreadable,
            source,
            maps=maps or [],
            stage_maps=stage_maps or [],
            date_format=date_format,
            dry_run=dry_run,
        )


def _load_all(files: Sequence[Path]) -> tuple[list[Loaded], list[str]]:
    """Read every file whole; the files that cannot be read are reported with the rest."""
    from dealcoach.errors import BadInput
    from dealcoach.interop import loading

    loaded: list[Loaded] = []
    problems: list[str] = []
    for path in files:
        try:
            with _progress(path) as tick:
                loaded.append(loading.load(path, tick))
        except BadInput as exc:
            problems.append(exc.message)
    return loaded, problems


def _fail(unreadable: Sequence[str], problems: Sequence[Any]) -> None:
    """Every problem of every file, one line each; exit 1 with nothing written."""
    from dealcoach.errors import BadInput

    if unreadable or problems:
        raise BadInput("\n".join([*unreadable, *(str(p) for p in problems)]))


@contextmanager
def _progress(path: Path) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long files, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    bar: Any = None
    task: Any = None

    def tick(line: int, total: int) -> None:
        nonlocal bar, task
        if total < PROGRESS_LINES:
            return
        if bar is None:
            from rich.progress import Progress

            from dealcoach.render.text import clean, console

            bar = Progress(console=console(stderr=True), transient=True)
            bar.start()
            task = bar.add_task(f"reading {clean(path.name)}", total=total)
        bar.update(task, completed=line)

    try:
        yield tick
    finally:
        if bar is not None:
            bar.stop()


def _import_dealcoach(
    ctx: typer.Context, loaded: Sequence[Loaded], unreadable: Sequence[str], *, dry_run: bool
) -> None:
    """Restore export files: ids kept, parents first, one transaction, never a re-plan."""
    from dealcoach.home import paths
    from dealcoach.interop.dealcoach_rows import validate_dealcoach
    from dealcoach.interop.tables import TABLES
    from dealcoach.store.store import Store

    g = ctx.obj
    with Store.open(paths.db_path(g.db)) as store:
        existing = {name: store.exchange.table_ids(name) for name in TABLES}
        tables, problems = validate_dealcoach(loaded, existing)
        _fail(unreadable, problems)
        if dry_run:
            for name, part in tables.items():
                sys.stdout.write(
                    f"would import {len(part.rows)} {name} row(s) from {', '.join(part.files)}\n"
                )
            _say("nothing written (--dry-run)")
            return
        with store.db.write():
            for name, part in tables.items():
                store.exchange.import_rows(name, part.table.names, part.rows)
    done = ", ".join(f"{len(part.rows)} {name}" for name, part in tables.items()) or "nothing"
    _say(f"imported {done} (ids kept)")


def _import_crm(
    ctx: typer.Context,
    loaded: Sequence[Loaded],
    unreadable: Sequence[str],
    source: str,
    *,
    maps: Sequence[str],
    stage_maps: Sequence[str],
    date_format: str | None,
    dry_run: bool,
) -> None:
    """A CRM's deals: new ones created unqualified, known ones updated by external id."""
    from dealcoach.home import paths
    from dealcoach.interop import crm_actions
    from dealcoach.interop.crm import (
        CRMS,
        check_date_format,
        parse_maps,
        parse_stage_maps,
        validate_crm,
    )
    from dealcoach.store.store import Store

    g = ctx.obj
    today: date = g.today
    crm = CRMS[source]
    columns = parse_maps(maps)
    stages = parse_stage_maps(stage_maps)
    check_date_format(date_format)
    deals, problems = validate_crm(loaded, crm, columns, stages, date_format)
    _fail(unreadable, problems)
    with Store.open(paths.db_path(g.db)) as store:
        actions = crm_actions.crm_actions(deals, store.deals.crm_rows(source), source, today)
        counts = {kind: sum(a.kind == kind for a in actions) for kind in ("create", "update")}
        counts["unchanged"] = len(actions) - counts["create"] - counts["update"]
        summary = (
            f"{counts['create']} new, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged from {crm.label}"
        )
        if dry_run:
            from dealcoach.render.text import clean

            for action in actions:
                if action.kind != "unchanged":
                    sys.stdout.write(clean(crm_actions.describe(action)) + "\n")
            _say(f"would import {summary}; nothing written (--dry-run)")
            return
        with store.db.write():
            replan_ids = _apply(store, actions, crm.label, today)
            if replan_ids:
                from dealcoach.workflow.replan import replan

                settings = g.settings
                for deal_id in replan_ids:
                    replan(store, deal_id, today, settings, g.calendar)
    _say(f"imported {summary}")


def _apply(store: Store, actions: Sequence[CrmAction], label: str, today: date) -> list[int]:
    """Write the actions (inside the caller's transaction); returns the deals to re-judge."""
    replan_ids = []
    for action in actions:
        if action.kind == "create":
            store.deals.add_crm(action.values)
            continue
        if action.kind != "update" or action.deal_id is None:
            continue
        store.deals.update_crm(action.deal_id, action.values)
        if action.decision_moved is not None:
            store.interviews.record_decision_date(
                action.deal_id, action.decision_moved, today=today
            )
        if action.close is not None:
            store.deals.close(
                action.deal_id, action.close, reason=f"closed {action.close} in {label}", on=today
            )
        elif action.qualified:
            replan_ids.append(action.deal_id)
    return replan_ids


# -- helpers ---------------------------------------------------------------------------------------


def _say(text: str) -> None:
    """A message: stderr, so that stdout carries only data."""
    from dealcoach.render.text import clean

    sys.stderr.write(f"dealcoach: {clean(text)}\n")
    sys.stderr.flush()
