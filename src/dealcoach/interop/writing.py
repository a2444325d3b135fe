"""Writing a table's rows as CSV, a JSON array or JSON Lines, streamed (memory stays flat).

The columns and the formula guard are the contract in `tables`; here is only the encoding. Most CSV
lines of an export are built by SQLite (`store/csv_lines.py`): `csv_rows` through the csv module is
the reference those lines must match byte for byte, and writes the rows the SQL leaves over.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from dealcoach.interop.tables import GUARD, TRIGGERS, Kind, Table


def csv_rows(table: Table, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Rows as the csv writer takes them: text cells guarded, NULL as an empty cell."""
    guarded = [i for i, column in enumerate(table.columns) if column.is_text]
    triggers = TRIGGERS
    for row in rows:
        out = list(row)
        for i in guarded:
            value = out[i]
            if value and value[0] in triggers:
                out[i] = GUARD + value
        yield out


def csv_header(table: Table) -> bytes:
    """The header line, in UTF-8."""
    return _csv_bytes((table.names,))


def csv_line(table: Table, row: Sequence[Any]) -> bytes:
    """One row as its CSV line in UTF-8, exactly as `csv.writer` writes it after `csv_rows`."""
    return _csv_bytes(csv_rows(table, (row,)))


def _csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def json_objects(table: Table, rows: Iterable[Sequence[Any]]) -> Iterator[dict[str, Any]]:
    """Rows as JSON objects: numbers as numbers, list and object cells nested, NULL as null."""
    names = table.names
    nested = [i for i, column in enumerate(table.columns) if column.kind is Kind.json]
    for row in rows:
        values = list(row)
        for i in nested:
            if values[i] is not None:
                values[i] = json.loads(values[i])
        yield dict(zip(names, values, strict=True))


def write_json_array(out: Callable[[str], Any], objects: Iterable[dict[str, Any]]) -> int:
    """One JSON array, written an object at a time (memory stays flat); returns the row count."""
    count = 0
    for obj in objects:
        out("[\n" if count == 0 else ",\n")
        out(json.dumps(obj, ensure_ascii=False))
        count += 1
    out("\n]\n" if count else "[]\n")
    return count


def write_jsonl(out: Callable[[str], Any], objects: Iterable[dict[str, Any]]) -> int:
    count = 0
    for obj in objects:
        out(json.dumps(obj, ensure_ascii=False))
        out("\n")
        count += 1
    return count
