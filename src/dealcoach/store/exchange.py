"""Whole tables in and out, for `export` and `import`: rows streamed from a cursor, CSV lines
written by SQLite itself, and validated rows inserted with their ids.

What a file holds (columns, kinds, checks) is `interop/`'s business; only table and column names
known here ever reach the SQL.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from dealcoach.errors import BadInput
from dealcoach.store.connection import Connection
from dealcoach.store.deals import Deals

EXPORTABLE = frozenset({"deals", "stakeholders", "steps", "followups", "touches", "interviews"})
_NAME = re.compile(r"[a-z_]{1,40}")  # table and column names built into export SQL


class Exchange:
    """Export and import of the exportable tables, on the connection the deals share."""

    def __init__(self, db: Connection, deals: Deals) -> None:
        self._db = db
        self._deals = deals

    def export_rows(
        self,
        table: str,
        columns: Sequence[str],
        *,
        since_column: str | None = None,
        status: str | None = None,
        since: date | None = None,
        due_by: date | None = None,
        deal_id: int | None = None,
        deal_columns: Sequence[str] = (),
        csv_kinds: Sequence[str] | None = None,
    ) -> Iterator[Any]:
        """One table's rows as plain tuples, by id, straight from a cursor (memory stays flat).

        `status` filters by the deal's status; `since` compares `since_column` (None: the deal's
        `created`); `due_by` keeps planned follow-ups due (or snoozed until) that day or before.
        `deal_columns` appends columns of the row's deal (the calendar wants the account).

        `csv_kinds` (the `tables.Kind` of each column) asks for CSV instead: SQLite writes each
        row's line itself (`csv_lines.line_sql`), which is about twice as fast as handing 30 Python
        objects a row to the csv module. A row then comes as its line, UTF-8 `bytes` ending in
        CRLF; a row the SQL cannot write exactly (a NUL in a text cell, a value of an unexpected
        type, a float it cannot prove it prints as Python does) comes as its tuple of
        values, for the caller's csv writer.
        """
        names = [*columns, *deal_columns, *([since_column] if since_column else [])]
        if table not in EXPORTABLE or not all(_NAME.fullmatch(name) for name in names):
            raise ValueError(f"not an exportable table or column: {table} {names}")
        if csv_kinds is not None and (deal_columns or len(csv_kinds) != len(columns)):
            raise ValueError("csv_kinds needs one kind per column and no deal columns")
        deal = "t" if table == "deals" else "d"
        join = "" if table == "deals" else " JOIN deals d ON d.id = t.deal_id"
        where: list[str] = []
        params: list[Any] = []
        if status is not None:
            where.append(f"{deal}.status = ?")
            params.append(status)
        if since is not None:
            where.append(f"t.{since_column} >= ?" if since_column else f"{deal}.created >= ?")
            params.append(since.isoformat())
        if due_by is not None:
            if table != "followups":
                raise ValueError("due_by filters follow-ups only")
            where.append(
                "t.status = 'planned' AND MAX(t.due, COALESCE(t.snoozed_until, t.due)) <= ?"
            )
            params.append(due_by.isoformat())
        if deal_id is not None:
            where.append(f"{deal}.id = ?")
            params.append(deal_id)
        if csv_kinds is not None:
            from dealcoach.store.csv_lines import line_sql

            selected = line_sql(columns, csv_kinds)
        else:
            selected = ", ".join(
                [*(f"t.{c}" for c in columns), *(f"{deal}.{c}" for c in deal_columns)]
            )
        sql = f"SELECT {selected} FROM {table} t{join}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        cursor = self._db.tuples()
        cursor.execute(sql + " ORDER BY t.id", params)
        if csv_kinds is not None:
            return self._csv_lines(cursor, table, columns)
        return iter(cursor)

    def _csv_lines(
        self, cursor: sqlite3.Cursor, table: str, columns: Sequence[str]
    ) -> Iterator[bytes | tuple[Any, ...]]:
        """The lines of `csv_lines.line_sql`; a row it left to Python (its id came instead) as values,
        read on the same connection, so from the same snapshot as the rest."""
        again = f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?"
        for (line,) in cursor:
            if line.__class__ is bytes:
                yield line
            else:
                yield self._db.tuples().execute(again, (line,)).fetchone()

    def table_columns(self, table: str) -> list[str]:
        """The table's columns as the schema has them (tests compare them with the export)."""
        if table not in EXPORTABLE:
            raise ValueError(f"not an exportable table: {table}")
        return [row["name"] for row in self._db.rows(f"PRAGMA table_info({table})")]

    def table_ids(self, table: str) -> set[int]:
        """The ids a table holds already: an import keeps ids, so these would conflict."""
        if table not in EXPORTABLE:
            raise ValueError(f"not an exportable table: {table}")
        return {row[0] for row in self._db.tuples().execute(f"SELECT id FROM {table}")}

    def import_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """Insert validated rows with their ids as given; call inside `write()`."""
        self._deals.values_changed()
        if table not in EXPORTABLE or not all(_NAME.fullmatch(name) for name in columns):
            raise ValueError(f"not an importable table or column: {table} {columns}")
        marks = ", ".join("?" for _ in columns)
        with self._db.write():
            try:
                self._db.sqlite.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                )
            except sqlite3.IntegrityError as exc:
                raise BadInput(
                    f"{table}: {exc} (a row clashes with the database); nothing was imported"
                ) from exc
        return len(rows)
