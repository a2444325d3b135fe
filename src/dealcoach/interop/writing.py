"""Writing a table's rows as CSV, a JSON array or JSON Lines, streamed (memory stays flat).

The columns and the formula guard are the contract in `tables`; here is only the encoding. Most CSV
lines of an export are built by SQLite (`store/csv_lines.py`): `csv_rows` through the csv module is
the reference those lines must match byte for byte, and writes the rows the SQL leaves over.
`write_table` streams a whole table to a sink (`sink.py`) in the format asked for.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, BinaryIO

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


# -- a whole table to a sink -------------------------------------------------------------------

CSV_BATCH = 256  # lines joined per write: fewer calls, and memory stays flat


def write_table(sink: BinaryIO, table: Table, fmt: str, rows: Iterator[Any]) -> int:
    """Stream the rows in one format (csv, json, jsonl, ics); returns how many were written."""
    if fmt == "csv":
        return write_csv(sink, table, rows)
    counted = _Counter(rows)
    if fmt == "ics":
        from dealcoach.interop import ics

        names = (*table.names, "account")
        sink.write(ics.calendar(dict(zip(names, row, strict=True)) for row in counted))
        return counted.count
    text = io.TextIOWrapper(sink, encoding="utf-8", newline="", write_through=False)
    try:
        if fmt == "json":
            write_json_array(text.write, json_objects(table, counted))
        else:
            write_jsonl(text.write, json_objects(table, counted))
        text.flush()
    finally:
        text.detach()  # the sink belongs to the caller (stdout must stay open)
    return counted.count


def write_csv(sink: BinaryIO, table: Table, rows: Iterator[Any]) -> int:
    """The header, then each row: a line SQLite wrote (bytes), or values for `csv_line`."""
    sink.write(csv_header(table))
    count = 0
    batch: list[bytes] = []
    for item in rows:
        batch.append(item if item.__class__ is bytes else csv_line(table, item))
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
