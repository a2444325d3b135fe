"""Tables out and deals in: what `export`, `import` and `plan --ics` do between files and store.

Export picks the rows (SQLite builds most CSV lines) and streams them to a sink
(`interop/sink.py`, `interop/writing.py`). Import reads every file whole, checks all of them
(`interop/dealcoach_rows.py`, `interop/crm.py`) and reports every problem at once; then it writes
everything in one transaction or nothing. A dealcoach restore keeps ids and never re-plans; a CRM
import re-plans the qualified deals it changed, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dealcoach.interop.crm_actions import CrmAction
    from dealcoach.interop.dealcoach_rows import TableRows
    from dealcoach.interop.loading import Loaded
    from dealcoach.store.store import Store
    from dealcoach.workflow.context import Context

Tick = Callable[[int, int], None]
Progress = Callable[[Path], AbstractContextManager[Tick | None]]  # one bar per file read


# -- export ----------------------------------------------------------------------------------------


def export(
    context: Context,
    name: str,
    fmt: str,
    output: Path | None,
    *,
    status: str | None = None,
    since: date | None = None,
    due_by: date | None = None,
) -> int:
    """Stream one table to stdout or FILE; returns how many rows were written."""
    from dealcoach.interop import sink, writing
    from dealcoach.interop.tables import TABLES

    spec = TABLES[name]
    with context.open_store() as store:
        rows = store.exchange.export_rows(
            name,
            spec.names,
            since_column=spec.since,
            status=status,
            since=since,
            due_by=due_by,
            deal_columns=("account",) if fmt == "ics" else (),
            csv_kinds=[column.kind for column in spec.columns] if fmt == "csv" else None,
        )
        with sink.open_sink(output) as out:
            return writing.write_table(out, spec, fmt, rows)


def deal_calendar(store: Store, deal_id: int, path: Path) -> int:
    """`plan DEAL --ics FILE`: every follow-up of the deal, sent and dropped ones cancelled."""
    from dealcoach.interop import sink, writing
    from dealcoach.interop.tables import TABLES

    spec = TABLES["followups"]
    rows = store.exchange.export_rows(
        "followups", spec.names, deal_id=deal_id, deal_columns=("account",)
    )
    with sink.open_sink(path) as out:
        return writing.write_table(out, spec, "ics", rows)


# -- import ----------------------------------------------------------------------------------------


def load_all(files: Sequence[Path], progress: Progress) -> tuple[list[Loaded], list[str]]:
    """Read every file whole; the files that cannot be read are reported with the rest."""
    from dealcoach.errors import BadInput
    from dealcoach.interop import loading

    loaded: list[Loaded] = []
    problems: list[str] = []
    for path in files:
        try:
            with progress(path) as tick:
                loaded.append(loading.load(path, tick))
        except BadInput as exc:
            problems.append(exc.message)
    return loaded, problems


def restore(
    context: Context, loaded: Sequence[Loaded], unreadable: Sequence[str], *, dry_run: bool
) -> dict[str, TableRows]:
    """Restore export files: ids kept, parents first, one transaction, never a re-plan.

    Returns the checked rows per table (written unless `dry_run`).
    """
    from dealcoach.interop.dealcoach_rows import validate_dealcoach
    from dealcoach.interop.tables import TABLES

    with context.open_store() as store:
        existing = {name: store.exchange.table_ids(name) for name in TABLES}
        tables, problems = validate_dealcoach(loaded, existing)
        _fail(unreadable, problems)
        if not dry_run:
            from dealcoach.workflow.relearn import rescore_all

            with store.db.write():
                for name, part in tables.items():
                    store.exchange.import_rows(name, part.table.names, part.rows)
                rescore_all(context, store)
    return tables


@dataclass(frozen=True)
class CrmImport:
    """What a CRM import did (or, with --dry-run, would do): one action per row."""

    label: str  # the CRM's name as the rep knows it
    actions: list[CrmAction]


def import_crm(
    context: Context,
    loaded: Sequence[Loaded],
    unreadable: Sequence[str],
    source: str,
    *,
    maps: Sequence[str],
    stage_maps: Sequence[str],
    date_format: str | None,
    dry_run: bool,
) -> CrmImport:
    """A CRM's deals: new ones created unqualified, known ones updated by external id, a deal
    entered by hand linked by its account and title (`interop/crm_actions.py`)."""
    from dealcoach.interop import crm_actions
    from dealcoach.interop.crm import (
        CRMS,
        check_date_format,
        parse_maps,
        parse_stage_maps,
        validate_crm,
    )

    today = context.today
    crm = CRMS[source]
    columns = parse_maps(maps)
    stages = parse_stage_maps(stage_maps)
    check_date_format(date_format)
    deals, problems = validate_crm(loaded, crm, columns, stages, date_format)
    _fail(unreadable, problems)
    with context.open_store() as store:
        actions = crm_actions.crm_actions(
            deals, store.deals.crm_rows(source), source, today, store.deals.open_rows()
        )
        if not dry_run:
            from dealcoach.workflow.relearn import rescore_all

            with store.db.write():
                replan_ids = _apply(store, actions, crm.label, today)
                rescore_all(context, store)  # new and updated deals; a new model if deals closed
                if replan_ids:
                    from dealcoach.workflow.replan import replan

                    settings = context.settings
                    for deal_id in replan_ids:
                        replan(store, deal_id, today, settings, context.calendar)
    return CrmImport(crm.label, actions)


def _apply(store: Store, actions: Sequence[CrmAction], label: str, today: date) -> list[int]:
    """Write the actions (inside the caller's transaction); returns the deals to re-judge."""
    replan_ids = []
    for action in actions:
        if action.kind == "create":
            store.deals.add_crm(action.values)
            continue
        if action.kind not in ("update", "link") or action.deal_id is None:
            continue
        if action.kind == "link":
            values = dict(action.values)
            source, external_id = values.pop("external_source"), values.pop("external_id")
            store.deals.link_crm(action.deal_id, source, external_id, values)
        else:
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


def _fail(unreadable: Sequence[str], problems: Sequence[Any]) -> None:
    """Every problem of every file, one line each; exit 1 with nothing written."""
    from dealcoach.errors import BadInput

    if unreadable or problems:
        raise BadInput("\n".join([*unreadable, *(str(p) for p in problems)]))
