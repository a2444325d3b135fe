"""Checking the rows of dealcoach's own export files: which table, ids, parents, unique keys.

Each file's table comes from its header; each record becomes a tuple in the table's column order
(the cells are read by `dealcoach_cells`). Ids are kept, so an id already in the database is a
conflict, and a parent must exist in the database or in the files imported with it. What exists
comes in as plain arguments: no SQL here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dealcoach.interop.crm import CRMS, looks_like_crm
from dealcoach.interop.dealcoach_cells import check_answers, csv_converter, json_converter
from dealcoach.interop.loading import Loaded, Problem, no_known_columns
from dealcoach.interop.tables import TABLES, Column, Table, table_for_header


@dataclass
class TableRows:
    """The validated rows of one table, as tuples in the table's column order."""

    table: Table
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def validate_dealcoach(
    files: Sequence[Loaded], existing_ids: Mapping[str, set[int]]
) -> tuple[dict[str, TableRows], list[Problem]]:
    """Check dealcoach export files against the table definitions and against each other.

    `existing_ids` holds the ids already in the database per table: ids are kept, so one that is
    already there is a conflict, and a parent id must exist here or in the imported files.
    """
    problems: list[Problem] = []
    by_table: dict[str, list[Loaded]] = {}
    for loaded in files:
        table = _identify(loaded, problems)
        if table is not None:
            by_table.setdefault(table.name, []).append(loaded)
    result: dict[str, TableRows] = {}
    new_ids: dict[str, set[int]] = {}
    for name, table in TABLES.items():  # parents first
        target = TableRows(table)
        seen: dict[int, tuple[str, int]] = {}
        uniques: dict[tuple[Any, ...], tuple[str, int]] = {}
        for loaded in by_table.get(name, []):
            target.files.append(loaded.name)
            read = _reader(table, loaded)
            for line, record in loaded.records:
                values = read(line, record, problems)
                if values is None:
                    continue
                row_id = values[0]
                where = Problem(loaded.name, line, "")
                if row_id in seen:
                    file, first = seen[row_id]
                    at = f"line {first}" if file == loaded.name else f"{file} line {first}"
                    problems.append(_at(where, f"id {row_id} repeats {at}"))
                    continue
                seen[row_id] = (loaded.name, line)
                if row_id in existing_ids.get(name, set()):
                    problems.append(
                        _at(
                            where,
                            f"{name} id {row_id} is already in the database; import into an"
                            " empty database (--db NEW.db)",
                        )
                    )
                    continue
                if not _parents_ok(table, values, new_ids, existing_ids, where, problems):
                    continue
                if not _unique_ok(table, values, uniques, where, problems):
                    continue
                target.rows.append(values)
        new_ids[name] = set(seen)
        if target.files:
            result[name] = target
    return result, problems


def _identify(loaded: Loaded, problems: list[Problem]) -> Table | None:
    """The table a file holds, from its header (JSON: the first object's keys)."""
    if not loaded.records and loaded.format != "csv":
        return None  # an empty JSON export: nothing to import
    table, overlap = table_for_header(loaded.header)
    exact = table is not None and {n.strip().lower() for n in loaded.header} == set(table.names)
    crm = None if exact else looks_like_crm(loaded.header)
    if table is None or overlap < 2 or crm is not None:
        if crm is not None:
            problems.append(
                Problem(
                    loaded.name,
                    1,
                    f"this looks like a {CRMS[crm].label} export; add --from {crm}",
                )
            )
        else:
            problems.append(no_known_columns(loaded))
        return None
    names = {name.strip().lower() for name in loaded.header}
    missing = [
        column.name for column in table.columns if column.name not in names and not column.optional
    ]
    unknown = [name for name in loaded.header if name.strip().lower() not in table.names]
    if loaded.format == "csv" and (missing or unknown):
        if missing:
            problems.append(
                Problem(
                    loaded.name,
                    1,
                    f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
                    f" of the {table.name} table",
                )
            )
        if unknown:
            problems.append(
                Problem(
                    loaded.name,
                    1,
                    f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)};"
                    f" the {table.name} table has {', '.join(table.names)}",
                )
            )
        return None
    return table


def _at(where: Problem, message: str) -> Problem:
    """A problem at the same file and line as `where`."""
    return Problem(where.file, where.line, message)


def _reader(
    table: Table, loaded: Loaded
) -> Callable[[int, Any, list[Problem]], tuple[Any, ...] | None]:
    """Compile, once per file, what reads a record into a tuple of stored values."""
    from_csv = loaded.format == "csv"
    header = {name.strip().lower() for name in loaded.header}
    plan = [
        (
            column.name,
            _getter(column, loaded, header),
            csv_converter(column) if from_csv else json_converter(column),
        )
        for column in table.columns
    ]
    names = set(table.names)
    needed = {column.name for column in table.columns if not column.optional}
    answers = (
        (table.names.index("answers"), table.names.index("taken_on"))
        if table.name == "interviews"
        else None
    )

    def read(line: int, record: Any, problems: list[Problem]) -> tuple[Any, ...] | None:
        if not from_csv and (not needed <= set(record) or not set(record) <= names):
            problems.append(Problem(loaded.name, line, _key_problem(table, record)))
            return None
        values: list[Any] = []
        bad = False
        for name, get, convert in plan:
            try:
                values.append(convert(get(record)))
            except ValueError as exc:
                problems.append(Problem(loaded.name, line, f"{name}: {exc}"))
                bad = True
        if bad:
            return None
        if answers is not None:
            try:
                check_answers(values[answers[0]], values[answers[1]])
            except ValueError as exc:
                problems.append(Problem(loaded.name, line, f"answers: {exc}"))
                return None
        return tuple(values)

    return read


def _getter(column: Column, loaded: Loaded, header: set[str]) -> Callable[[Any], Any]:
    """Reads one column of a record; a column an older export lacks reads as empty (NULL)."""
    if loaded.format == "csv":
        return loaded.getter(column.name) if column.name in header else _absent
    if column.optional:
        return operator.methodcaller("get", column.name)
    return operator.itemgetter(column.name)


def _absent(record: Any) -> str:
    return ""


def _key_problem(table: Table, record: Mapping[str, Any]) -> str:
    missing = [c.name for c in table.columns if c.name not in record and not c.optional]
    unknown = sorted(set(record) - set(table.names))
    parts = []
    if missing:
        parts.append(f"missing key{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    return "; ".join(parts)


def _parents_ok(
    table: Table,
    values: tuple[Any, ...],
    new_ids: Mapping[str, set[int]],
    existing_ids: Mapping[str, set[int]],
    where: Problem,
    problems: list[Problem],
) -> bool:
    for column, parent in table.parent:
        ref = values[table.names.index(column)]
        if ref is None:
            continue
        if ref not in new_ids.get(parent, set()) and ref not in existing_ids.get(parent, set()):
            problems.append(
                _at(
                    where,
                    f"{column} {ref} is neither in the imported {parent} nor in the database;"
                    f" import the {parent} file with it",
                )
            )
            return False
    return True


# The schema's unique indexes: (columns, and the one that must be set / have this value).
_UNIQUE: dict[str, tuple[tuple[str, ...], str, object]] = {
    "steps": (("deal_id", "key"), "key", ...),
    "followups": (("deal_id", "key"), "status", "planned"),
    "deals": (("external_source", "external_id"), "external_id", ...),
}


def _unique_ok(
    table: Table,
    values: tuple[Any, ...],
    seen: dict[tuple[Any, ...], tuple[str, int]],
    where: Problem,
    problems: list[Problem],
) -> bool:
    """The schema's unique indexes, checked in the file so that the error has a line."""
    rule = _UNIQUE.get(table.name)
    if rule is None:
        return True
    columns, only_if, wanted = rule
    names = table.names
    flag = values[names.index(only_if)]
    if flag is None or (wanted is not ... and flag != wanted):
        return True
    key = tuple(values[names.index(column)] for column in columns)
    if key in seen:
        file, first = seen[key]
        at = f"line {first}" if file == where.file else f"{file} line {first}"
        shown = ", ".join(f"{c} {v}" for c, v in zip(columns, key, strict=True))
        problems.append(_at(where, f"{shown} repeats {at}"))
        return False
    seen[key] = (where.file, where.line or 0)
    return True
