"""The export contract: each table's columns (stable names, in order, parents first) and its cells.

Pure: no SQL and no I/O. The store streams the rows of these tables, `writing` writes them, and
`loading` with `dealcoach_rows` reads them back with the same definitions, so export -> import ->
export is exact. For speed, SQLite builds most CSV lines itself (`store/csv_lines.py`); the csv
module through `writing.csv_rows` stays the reference it must match byte for byte.

A CSV cell holds text exactly as stored, with one exception: a text cell that a spreadsheet would run
as a formula (it starts with `=`, `+`, `-`, `@`, tab or carriage return) gets one leading `'`; so does
one that already starts with `'`, so that import can strip exactly one and the round trip is exact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula
GUARD = "'"
TRIGGERS = frozenset((*DANGEROUS, GUARD))

FORMATS = ("csv", "json", "jsonl", "ics")


class Kind(StrEnum):
    """How a column is typed in CSV and JSON, and how import checks it."""

    int = "int"
    real = "real"
    text = "text"
    decimal = "decimal"  # exact decimal text (deal values), never a float
    date = "date"  # ISO YYYY-MM-DD
    json = "json"  # a list or object; JSON text in CSV, a nested value in JSON


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.text
    required: bool = False  # NOT NULL in the schema: an empty cell is an error
    empty: str | None = None  # what an empty CSV cell stands for ("" where dealcoach stores text)
    choices: tuple[str, ...] = ()
    ascii_json: bool = False  # JSON cells dealcoach writes with json.dumps' ASCII default
    optional: bool = False  # added after the first release: an older export lacks it (NULL)

    @property
    def is_text(self) -> bool:
        """Cells that go through the formula guard."""
        return self.kind not in (Kind.int, Kind.real)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    since: str | None  # the column --since compares; None: the deal's `created`
    parent: tuple[tuple[str, str], ...] = ()  # (column, table) it refers to

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def _c(name: str, kind: Kind = Kind.text, **extra: Any) -> Column:
    return Column(name, kind, **extra)


_ID = _c("id", Kind.int, required=True)
_DEAL = _c("deal_id", Kind.int, required=True)
_BOOL = {"choices": ("0", "1"), "required": True}

# The exported tables, in the order an import must write them (parents first).
TABLES: dict[str, Table] = {
    "deals": Table(
        "deals",
        (
            _ID,
            _c("account", required=True),
            _c("title"),
            _c("value", Kind.decimal),
            _c("currency"),
            _c("stage"),
            _c("source"),
            _c("type"),
            _c("sector"),
            _c("strategy"),
            _c("status", required=True, choices=("open", "won", "lost", "let_go")),
            _c("close_reason"),
            _c("closed_on", Kind.date),
            _c("created", Kind.date, required=True),
            _c("updated", Kind.date),
            _c("qualified", Kind.int, **_BOOL),
            _c("decision_date", Kind.date),
            _c("snoozed_until", Kind.date),
            _c("kept_until", Kind.date),
            _c("external_source"),
            _c("external_id"),
            _c("crm_owner"),
            _c("crm_next_step"),
            _c("decision", choices=("pursue", "nurture", "let_go")),
            _c("confidence", Kind.real),
            _c("reasons", Kind.json),
            _c("valid_until", Kind.date),
            _c("check_back", Kind.date),
            _c("verdict_since", Kind.date),
            _c("resolved_strategy"),
            _c("strategy_why"),
            _c("fields", Kind.json, optional=True),  # custom fields from a CRM: an object
        ),
        since="created",
    ),
    "interviews": Table(
        "interviews",
        (
            _ID,
            _DEAL,
            _c("date", Kind.date, required=True),
            _c("taken_on", Kind.date, required=True),
            _c("kind", required=True),
            _c("answers", Kind.json, required=True),
            _c("decision_date", Kind.date),
        ),
        since="taken_on",
        parent=(("deal_id", "deals"),),
    ),
    "stakeholders": Table(
        "stakeholders",
        (
            _ID,
            _DEAL,
            _c("position", Kind.int, required=True),
            _c("name", required=True),
            _c("title"),
            _c("role"),
            _c("met", Kind.int, **_BOOL),
            _c("stance"),
        ),
        since=None,
        parent=(("deal_id", "deals"),),
    ),
    "steps": Table(
        "steps",
        (
            _ID,
            _DEAL,
            _c("position", Kind.int, required=True),
            _c("key", required=True),
            _c("step", required=True),
            _c("owner"),
            _c("bring"),
            _c("date", Kind.date),
        ),
        since="date",
        parent=(("deal_id", "deals"),),
    ),
    "followups": Table(
        "followups",
        (
            _ID,
            _DEAL,
            _c("key", required=True),
            _c("due", Kind.date, required=True),
            _c("channel", empty=""),
            _c("who", empty=""),
            _c("purpose", empty=""),
            _c("bring", empty=""),
            _c("milestone"),
            _c("milestone_date", Kind.date),
            _c("outline", empty=""),
            _c("anchor", empty=""),
            _c("covers", Kind.json, ascii_json=True),
            _c("counts", Kind.int, **_BOOL),
            _c("status", required=True, choices=("planned", "done", "dropped")),
            _c("snoozed_until", Kind.date),
            _c("sent_on", Kind.date),
            _c("created", Kind.date, required=True),
            _c("changed", Kind.date, required=True),
            _c("sequence", Kind.int, required=True),
        ),
        since="due",
        parent=(("deal_id", "deals"),),
    ),
    "touches": Table(
        "touches",
        (
            _ID,
            _DEAL,
            _c("date", Kind.date, required=True),
            _c("kind", required=True, choices=("email", "call", "meeting", "note")),
            _c("inbound", Kind.int, **_BOOL),
            _c("replied", Kind.int, **_BOOL),
            _c("who"),
            _c("note"),
            _c("followup_id", Kind.int),
            _c("followup_key"),
            _c("owe"),
            _c("owe_closed_on", Kind.date),
            _c("away_until", Kind.date),
            _c(
                "signal",
                choices=(
                    "none",
                    "new_direction",
                    "lost_funding",
                    "back_burner",
                    "need_not_served",
                    "chose_other",
                ),
            ),
            _c("signal_until", Kind.date),
        ),
        since="date",
        parent=(("deal_id", "deals"), ("followup_id", "followups")),
    ),
}


def table_for_header(header: Sequence[str]) -> tuple[Table | None, int]:
    """The table whose columns best match a header, and how many of them the header has."""
    names = {name.strip().lower() for name in header}
    best: tuple[Table | None, int] = (None, 0)
    for table in TABLES.values():
        overlap = len(names & set(table.names))
        exact = names == set(table.names)
        if exact:
            return table, overlap
        if overlap > best[1]:
            best = (table, overlap)
    return best


# -- cells ----------------------------------------------------------------------------------------


def encode_cell(text: str) -> str:
    """The formula guard: one leading `'` on a cell a spreadsheet could run (or that starts with `'`)."""
    if text and text[0] in TRIGGERS:
        return GUARD + text
    return text


def decode_cell(text: str) -> str:
    """Undo `encode_cell`: strip exactly one leading `'`."""
    return text[1:] if text.startswith(GUARD) else text


def json_cell(column: Column, value: Any) -> str:
    """A nested JSON value back to the text dealcoach stores (so JSON round trips are exact too)."""
    return json.dumps(value, ensure_ascii=column.ascii_json)
