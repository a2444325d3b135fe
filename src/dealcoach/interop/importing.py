"""Reading import files: dealcoach's own exports and the CRMs' deal exports. No SQL here.

Validation reads the whole file first and collects every problem, each with its file and line, so
that the rep fixes them all in one go; the command writes nothing unless the list is empty. What
exists in the database comes in as plain arguments (ids, rows), so everything here is pure apart
from `load`, which reads the file's bytes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from dealcoach.dates import EARLIEST, LATEST
from dealcoach.errors import BadInput
from dealcoach.interop.exporting import GUARD, TABLES, Column, Kind, Table, json_cell
from dealcoach.vocabulary import STAGES

Progress = Callable[[int, int], None]  # (line reached, lines in the file), now and then
_Tick = Callable[[int], None]
PROGRESS_EVERY = 2000
SHOWN_LINES = 8  # line numbers listed in one grouped problem before "+N more"

csv.field_size_limit(1 << 30)  # an interview's answers, or a 1 MB hostile note, is one cell


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file; printed as one line on stderr."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


class Problems(BadInput):
    """Every problem found, one per line; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass
class Loaded:
    """One file, read whole: its header and its records with their line numbers.

    A CSV record is its list of cells (in header order: lists cost far less memory than dicts
    at 100k rows); a JSON record is the object itself.
    """

    name: str
    format: str  # csv | json | jsonl
    header: list[str]
    records: list[tuple[int, Any]]
    lines: int

    def getter(self, column: str) -> Callable[[Any], Any]:
        """Reads one column of a record; header names match case-insensitively."""
        folded = [name.strip().lower() for name in self.header]
        if self.format == "csv":
            return operator.itemgetter(folded.index(column.lower()))
        key = next((name for name in self.header if name.strip().lower() == column.lower()), column)
        return lambda record: record.get(key)


# -- reading files ----------------------------------------------------------------------------------


def load(path: Path, progress: Progress | None = None) -> Loaded:
    """Read a CSV, JSON array or JSON Lines file; refuse empty, binary and non-UTF-8 files.

    CSV is read straight from the file, so only the cells stay in memory (100k deals).
    """
    name = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
            whole = len(head) < HEAD_BYTES
        fmt = _sniff(head, name, whole=whole)
        if fmt != "csv":
            return parse(path.read_bytes(), name, progress)
        tick = _ticker(progress, _count_lines(path)) if progress is not None else None
        with path.open(encoding="utf-8-sig", newline="") as text:
            try:
                return _csv(text, name, tick)
            except UnicodeDecodeError:
                decode(path.read_bytes(), name)  # finds the line of the bad byte, and says so
                raise
    except FileNotFoundError:
        raise BadInput(f"{name}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{name} is a folder; give a CSV or JSON file") from None
    except OSError as exc:
        raise BadInput(f"{name}: cannot read it ({exc.strerror})") from None


HEAD_BYTES = 1 << 16


def parse(data: bytes, name: str, progress: Progress | None = None) -> Loaded:
    """The same, from bytes already read."""
    fmt = _sniff(data[:HEAD_BYTES], name, whole=len(data) < HEAD_BYTES)
    text = decode(data, name)
    tick = _ticker(progress, data.count(b"\n") + 1) if progress is not None else None
    if fmt == "jsonl":
        return _jsonl(text, name, tick)
    if fmt == "json":
        return _json_array(text, name, tick)
    return _csv(io.StringIO(text, newline=""), name, tick)


def _sniff(head: bytes, name: str, *, whole: bool) -> str:
    """csv, json or jsonl, from the name and the first bytes; refuses empty and binary files."""
    if whole and not head.strip():
        raise BadInput(f"{name} is empty; export the table again, or check the file name")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput(f"{name} is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)")
    if b"\x00" in head[:8192]:
        raise BadInput(f"{name} is a binary file, not CSV or JSON")
    lower = name.lower()
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if lower.endswith(".jsonl") or (start == b"{" and not lower.endswith(".csv")):
        return "jsonl"
    if start == b"[" and not lower.endswith(".csv"):
        return "json"
    return "csv"


def _ticker(progress: Progress, total: int) -> _Tick:
    def tick(line: int) -> None:
        progress(line, total)

    return tick


def _count_lines(path: Path) -> int:
    count = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM, as Excel writes it, is accepted); anything else is refused by name."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BadInput(
            f"{name} line {line}: not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
            " (in Excel: CSV UTF-8)"
        ) from None


def _csv(lines: Iterable[str], name: str, progress: _Tick | None) -> Loaded:
    reader = csv.reader(lines)
    records: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except StopIteration:
        raise BadInput(f"{name} is empty; export the table again, or check the file name") from None
    except csv.Error as exc:
        raise BadInput(f"{name} line {reader.line_num}: {exc}") from None
    header = [cell.strip() for cell in header]
    seen: dict[str, int] = {}
    for cell in header:
        key = cell.lower()
        if key in seen:
            problems.append(Problem(name, reader.line_num, f"column {cell!r} appears twice"))
        seen[key] = 1
    width = len(header)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, start, f"{exc}; check the quotes"))
            break
        if not cells or (len(cells) == 1 and not cells[0].strip() and width > 1):
            continue  # a blank line
        if len(cells) != width:
            problems.append(
                Problem(name, start, f"{len(cells)} cells, but the header has {width} columns")
            )
            continue
        records.append((start, cells))
        if progress is not None and len(records) % PROGRESS_EVERY == 0:
            progress(reader.line_num)
    if problems:
        raise Problems(problems)
    return Loaded(name, "csv", header, records, reader.line_num)


def _json_array(text: str, name: str, progress: _Tick | None) -> Loaded:
    """A JSON array read item by item, so each item keeps its line number."""
    decoder = json.JSONDecoder()
    records: list[tuple[int, Any]] = []
    pos = text.index("[") + 1
    line, counted = 1, 0
    end = len(text)

    def line_at(index: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, index)
        counted = index
        return line

    def skip(index: int) -> int:
        while index < end and text[index] in " \t\r\n":
            index += 1
        return index

    pos = skip(pos)
    if pos < end and text[pos] == "]":
        pos += 1
    else:
        while True:
            at = line_at(pos)
            try:
                item, pos = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise BadInput(f"{name} line {exc.lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(item, dict):
                raise BadInput(f"{name} line {at}: expected an object, one per row")
            records.append((at, item))
            if progress is not None and len(records) % PROGRESS_EVERY == 0:
                progress(at)
            pos = skip(pos)
            if pos < end and text[pos] == ",":
                pos = skip(pos + 1)
                continue
            if pos < end and text[pos] == "]":
                pos += 1
                break
            raise BadInput(f"{name} line {line_at(min(pos, end))}: expected , or ] in the array")
    if skip(pos) != end:
        raise BadInput(f"{name} line {line_at(skip(pos))}: text after the JSON array")
    header = list(records[0][1]) if records else []
    return Loaded(name, "json", header, records, line_at(end))


def _jsonl(text: str, name: str, progress: _Tick | None) -> Loaded:
    records: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, number, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(item, dict):
            problems.append(Problem(name, number, "expected an object, one per line"))
            continue
        records.append((number, item))
        if progress is not None and len(records) % PROGRESS_EVERY == 0:
            progress(number)
    if problems:
        raise Problems(problems)
    header = list(records[0][1]) if records else []
    return Loaded(name, "jsonl", header, records, len(lines))


def no_known_columns(loaded: Loaded) -> Problem:
    """A header dealcoach cannot read at all: most often another delimiter."""
    first = ",".join(loaded.header)
    hint = "is it comma-separated?"
    if ";" in first:
        hint = "is it comma-separated? (the header has semicolons)"
    elif "\t" in first:
        hint = "is it comma-separated? (the header has tabs)"
    return Problem(loaded.name, 1, f"no known columns; {hint}")


# -- dealcoach's own exports ------------------------------------------------------------------------


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
    from dealcoach.interop.exporting import table_for_header

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
    missing = [column for column in table.names if column not in names]
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
    return Problem(where.file, where.line, message)


_Convert = Callable[[Any], Any]


def _reader(
    table: Table, loaded: Loaded
) -> Callable[[int, Any, list[Problem]], tuple[Any, ...] | None]:
    """Compile, once per file, what reads a record into a tuple of stored values."""
    from_csv = loaded.format == "csv"
    plan = [
        (
            column.name,
            loaded.getter(column.name) if from_csv else operator.itemgetter(column.name),
            _csv_converter(column) if from_csv else _json_converter(column),
        )
        for column in table.columns
    ]
    names = set(table.names)
    answers = (
        (table.names.index("answers"), table.names.index("taken_on"))
        if table.name == "interviews"
        else None
    )

    def read(line: int, record: Any, problems: list[Problem]) -> tuple[Any, ...] | None:
        if not from_csv and set(record) != names:
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
                _answers(values[answers[0]], values[answers[1]])
            except ValueError as exc:
                problems.append(Problem(loaded.name, line, f"answers: {exc}"))
                return None
        return tuple(values)

    return read


def _key_problem(table: Table, record: Mapping[str, Any]) -> str:
    missing = [name for name in table.names if name not in record]
    unknown = sorted(set(record) - set(table.names))
    parts = []
    if missing:
        parts.append(f"missing key{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    return "; ".join(parts)


def _csv_converter(column: Column) -> _Convert:
    """A CSV cell to its stored value: guard stripped, empty cell to NULL (or ''), checked."""
    required = column.required and column.empty is None
    empty = column.empty
    check = _checker(column)
    if column.is_text:

        def text(raw: str) -> Any:
            if raw[:1] == GUARD:
                raw = raw[1:]
            if raw == "":
                if required:
                    raise ValueError("is empty; it is required")
                return empty
            return raw if check is None else check(raw)

        return text
    parse = _int if column.kind is Kind.int else _real

    def number(raw: str) -> Any:
        raw = raw.strip()
        if raw == "":
            if required:
                raise ValueError("is empty; it is required")
            return None
        value = parse(raw)
        return value if check is None else check(value)

    return number


def _json_converter(column: Column) -> _Convert:
    """A JSON value to its stored value: nested lists and objects back to their stored text."""
    check = _checker(column)
    kind = column.kind

    def convert(raw: Any) -> Any:
        if raw is None:
            if column.required:
                raise ValueError("is null; it is required")
            return None
        if kind is Kind.int:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError(f"{_short(raw)} is not a whole number")
        elif kind is Kind.real:
            if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
                raise ValueError(f"{_short(raw)} is not a number")
            raw = float(raw)
        elif kind is Kind.json:
            _json_shape(column, raw)
            return json_cell(column, raw)
        else:
            if kind is Kind.decimal and isinstance(raw, int | float) and not isinstance(raw, bool):
                raw = str(raw)
            if not isinstance(raw, str):
                raise ValueError(f"{_short(raw)} is not text")
            if raw == "":
                if column.required and column.empty is None:
                    raise ValueError("is empty; it is required")
                return raw
        return raw if check is None else check(raw)

    return convert


def _checker(column: Column) -> _Convert | None:
    """The checks beyond the type: choices, dates, decimals, ids, stored documents."""
    kind = column.kind
    if column.choices:
        choices = frozenset(column.choices)
        listed = ", ".join(column.choices)

        def choice(value: Any) -> Any:
            if str(value) not in choices:
                raise ValueError(f"{_short(str(value))} is not one of {listed}")
            return value

        return choice
    if kind is Kind.date:

        def day(value: str) -> str:
            _iso_date(value)
            return value

        return day
    if kind is Kind.decimal:
        return _decimal
    if kind is Kind.json:

        def document(value: str) -> str:
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                raise ValueError(f"{_short(value)} is not JSON") from None
            _json_shape(column, parsed)
            return value  # kept verbatim: the round trip stays byte-exact

        return document
    if column.name == "id":

        def positive(value: int) -> int:
            if value <= 0:
                raise ValueError(f"{value} is not a positive id")
            return value

        return positive
    return None


def _decimal(value: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{_short(value)} is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{_short(value)} is not an amount of 0 or more")
    return value


def _int(text: str) -> int:
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"{_short(text)} is not a whole number")
    return int(text)


def _real(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{_short(text)} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{_short(text)} is not a finite number")
    return number


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE = re.compile(r"-?\d{1,18}")


def _iso_date(text: str) -> date:
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{_short(text)} is not a date in YYYY-MM-DD form")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{_short(text)} is not a real date (check the month and day)") from None
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{text} is outside {EARLIEST} .. {LATEST}")
    return day


def _json_shape(column: Column, value: Any) -> None:
    """Stored documents that the rest of dealcoach reads back: check them on the way in."""
    name = column.name
    if name == "reasons":
        ok = isinstance(value, list) and all(
            isinstance(item, dict)
            and set(item) == {"signal", "detail"}
            and all(isinstance(v, str) for v in item.values())
            for item in value
        )
        if not ok:
            raise ValueError('expected a list of {"signal": ..., "detail": ...}')
    elif name == "covers":
        if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            raise ValueError("expected a list of follow-up keys")
    elif name == "answers" and not isinstance(value, dict):
        raise ValueError("expected the answers document (a JSON object)")


def _answers(text: str, taken_on: Any) -> None:
    """An interview's answers must load as the answers schema, or `show` would fail on it."""
    from pydantic import ValidationError

    from dealcoach.answers.schema import Answers

    today = date.fromisoformat(taken_on) if isinstance(taken_on, str) else date.today()
    try:
        Answers.model_validate(json.loads(text), context={"today": today})
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{path}: {first['msg']}") from None


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


def _short(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)


# -- CRM exports ---------------------------------------------------------------------------------------

FIELDS: dict[str, str] = {
    "external_id": "the CRM's deal id (a re-import updates by it)",
    "account": "the buyer's company",
    "title": "what they would buy",
    "value": "the amount",
    "currency": "a three-letter code",
    "stage": "the pipeline stage",
    "status": "open, won or lost",
    "decision_date": "the expected close date",
    "created": "when the deal was created",
    "owner": "the deal's owner in the CRM",
    "next_step": "the CRM's next step",
}
STAGE_TARGETS = (*STAGES, "won", "lost")
STATUS_WORDS = {"open": "open", "won": "won", "lost": "lost"}


@dataclass(frozen=True)
class Crm:
    name: str
    label: str
    columns: dict[str, tuple[str, ...]]  # field -> the header names tried, in order
    stages: dict[str, str]  # stage name as the CRM shows it -> a dealcoach stage, won or lost


_CLOSED = {"Closed Won": "won", "Closed Lost": "lost"}

CRMS: dict[str, Crm] = {
    "hubspot": Crm(
        "hubspot",
        "HubSpot",
        {
            "external_id": ("Record ID",),
            "account": ("Associated Company", "Company name"),
            "title": ("Deal Name",),
            "value": ("Amount",),
            "currency": ("Currency",),
            "stage": ("Deal Stage",),
            "decision_date": ("Close Date",),
            "created": ("Create Date",),
            "owner": ("Deal owner",),
        },
        {
            "Appointment Scheduled": "lead",
            "Qualified To Buy": "qualified",
            "Presentation Scheduled": "prospect",
            "Decision Maker Bought-In": "opportunity",
            "Contract Sent": "closing",
            **_CLOSED,
        },
    ),
    "pipedrive": Crm(
        "pipedrive",
        "Pipedrive",
        {
            "external_id": ("Deal - ID",),
            "account": ("Deal - Organization",),
            "title": ("Deal - Title",),
            "value": ("Deal - Value",),
            "currency": ("Deal - Currency",),
            "stage": ("Deal - Stage",),
            "status": ("Deal - Status",),
            "decision_date": ("Deal - Expected close date",),
            "created": ("Deal - Deal created",),
            "owner": ("Deal - Owner",),
        },
        {
            "Lead In": "lead",
            "Qualified": "qualified",
            "Contact Made": "prospect",
            "Demo Scheduled": "opportunity",
            "Proposal Made": "opportunity",
            "Negotiations Started": "closing",
            **_CLOSED,
        },
    ),
    "salesforce": Crm(
        "salesforce",
        "Salesforce",
        {
            "external_id": ("Opportunity ID",),
            "account": ("Account Name",),
            "title": ("Opportunity Name",),
            "value": ("Amount",),
            "currency": ("Opportunity Currency",),
            "stage": ("Stage",),
            "decision_date": ("Close Date",),
            "created": ("Created Date",),
            "owner": ("Opportunity Owner",),
            "next_step": ("Next Step",),
        },
        {
            "Prospecting": "lead",
            "Qualification": "qualified",
            "Needs Analysis": "qualified",
            "Value Proposition": "opportunity",
            "Id. Decision Makers": "opportunity",
            "Perception Analysis": "opportunity",
            "Proposal/Price Quote": "closing",
            "Negotiation/Review": "closing",
            **_CLOSED,
        },
    ),
}


def stage_key(name: str) -> str:
    """Stage names match ignoring case, spaces and punctuation (`Closed - Won`, `closedwon`)."""
    return re.sub(r"[\W_]+", "", name.casefold())


def looks_like_crm(header: Sequence[str]) -> str | None:
    """The CRM whose id column the header has, to suggest --from."""
    names = {cell.strip().lower() for cell in header}
    for crm in CRMS.values():
        if any(col.lower() in names for col in crm.columns["external_id"]):
            return crm.name
    return None


@dataclass(frozen=True)
class CrmDeal:
    """One validated row of a CRM export, in dealcoach's terms."""

    file: str
    line: int
    external_id: str
    account: str
    title: str | None
    value: str | None
    currency: str | None
    stage: str | None  # a dealcoach stage, or None when the CRM gives none (or a closed one)
    status: str  # open, won or lost
    decision_date: date | None
    created: date | None
    owner: str | None
    next_step: str | None


def parse_maps(items: Iterable[str]) -> dict[str, str]:
    """`--map "Column Name=field"`: field -> the column to read it from."""
    found: dict[str, str] = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        target = target.strip().lower()
        if not sep or not column.strip():
            raise BadInput(f"--map {item!r}: write it as 'Column Name=field'")
        if target not in FIELDS:
            raise BadInput(
                f"--map {item!r}: unknown field {target!r}; use one of {', '.join(FIELDS)}"
            )
        found[target] = column.strip()
    return found


def parse_stage_maps(items: Iterable[str]) -> dict[str, str]:
    """`--map-stage "Name=stage"`: the CRM's stage name -> a dealcoach stage, won or lost."""
    found: dict[str, str] = {}
    for item in items:
        name, sep, target = item.rpartition("=")
        target = target.strip().lower()
        if not sep or not name.strip():
            raise BadInput(f"--map-stage {item!r}: write it as 'Stage Name=stage'")
        if target not in STAGE_TARGETS:
            raise BadInput(
                f"--map-stage {item!r}: unknown stage {target!r}; use one of {', '.join(STAGE_TARGETS)}"
            )
        found[stage_key(name)] = target
    return found


def check_date_format(fmt: str | None) -> None:
    if fmt is None:
        return
    if "%" not in fmt:
        raise BadInput(f"--date-format {fmt!r} has no % field; e.g. %m/%d/%Y or %d/%m/%Y")
    try:
        datetime(2026, 11, 23).strftime(fmt)
    except ValueError:
        raise BadInput(f"--date-format {fmt!r} is not a strftime format") from None


def validate_crm(
    files: Sequence[Loaded],
    crm: Crm,
    maps: Mapping[str, str],
    stage_maps: Mapping[str, str],
    date_format: str | None,
) -> tuple[list[CrmDeal], list[Problem]]:
    """Every row of every file, checked; unknown stages are grouped, one problem per name."""
    problems: list[Problem] = []
    deals: list[CrmDeal] = []
    seen: dict[str, tuple[str, int]] = {}
    unknown_stages: dict[str, tuple[str, str, list[int]]] = {}
    stages = {stage_key(name): target for name, target in crm.stages.items()}
    stages.update(stage_maps)
    for loaded in files:
        columns = _crm_columns(loaded, crm, maps, problems)
        if columns is None:
            continue
        id_column = columns["external_id"]
        getters = {name: loaded.getter(column) for name, column in columns.items()}
        for line, record in loaded.records:

            def cell(name: str, record: Any = record, getters: dict[str, Any] = getters) -> str:
                get = getters.get(name)
                value = get(record) if get is not None else None
                return "" if value is None else str(value).strip()

            row_problems: list[str] = []
            external_id = cell("external_id")
            if not external_id:
                row_problems.append(f"{id_column} is empty")
            elif external_id in seen:
                file, first = seen[external_id]
                at = f"line {first}" if file == loaded.name else f"{file} line {first}"
                row_problems.append(f"{id_column} {external_id} repeats {at}")
            else:
                seen[external_id] = (loaded.name, line)
            title = cell("title") or None
            account = cell("account") or title
            if not account:
                names = " or ".join(columns[f] for f in ("account", "title") if f in columns)
                row_problems.append(f"no account: {names} is empty")
            value = _crm_amount(cell("value"), columns.get("value"), row_problems)
            currency = _crm_currency(cell("currency"), columns.get("currency"), row_problems)
            stage_name = cell("stage")
            stage: str | None = None
            stage_status: str | None = None
            if stage_name:
                target = stages.get(stage_key(stage_name))
                if target is None:
                    entry = unknown_stages.setdefault(
                        stage_key(stage_name), (loaded.name, stage_name, [])
                    )
                    entry[2].append(line)
                elif target in ("won", "lost"):
                    stage_status = target
                else:
                    stage = target
            status = stage_status or "open"
            status_text = cell("status")
            if status_text:
                word = STATUS_WORDS.get(status_text.lower())
                if word is None:
                    row_problems.append(
                        f"{columns['status']} {status_text!r} is not open, won or lost"
                    )
                elif word != "open" or stage_status is None:
                    status = word
            decision = _crm_date(
                cell("decision_date"), columns.get("decision_date"), date_format, row_problems
            )
            created = _crm_date(cell("created"), columns.get("created"), date_format, row_problems)
            for message in row_problems:
                problems.append(Problem(loaded.name, line, message))
            if row_problems or not external_id or not account:
                continue
            deals.append(
                CrmDeal(
                    file=loaded.name,
                    line=line,
                    external_id=external_id,
                    account=account,
                    title=title,
                    value=value,
                    currency=currency,
                    stage=stage,
                    status=status,
                    decision_date=decision,
                    created=created,
                    owner=cell("owner") or None,
                    next_step=cell("next_step") or None,
                )
            )
    known = ", ".join(crm.stages)
    for file, name, lines in unknown_stages.values():
        shown = ", ".join(str(n) for n in lines[:SHOWN_LINES])
        more = f" (+{len(lines) - SHOWN_LINES} more)" if len(lines) > SHOWN_LINES else ""
        word = "line" if len(lines) == 1 else "lines"
        problems.append(
            Problem(
                file,
                None,
                f"{word} {shown}{more}: unknown stage {name!r}; {crm.label}'s known stages are"
                f' {known}; map it with --map-stage "{name}=STAGE"'
                f" (STAGE: {', '.join(STAGE_TARGETS)})",
            )
        )
    return deals, problems


def _crm_columns(
    loaded: Loaded, crm: Crm, maps: Mapping[str, str], problems: list[Problem]
) -> dict[str, str] | None:
    """field -> the header name it is read from; None (with problems) when required ones lack."""
    by_lower = {name.strip().lower(): name.strip() for name in loaded.header}
    found: dict[str, str] = {}
    bad = False
    for field_name, column in maps.items():
        if column.lower() not in by_lower:
            problems.append(Problem(loaded.name, 1, f"--map: no column {column!r} in the header"))
            bad = True
        else:
            found[field_name] = by_lower[column.lower()]
    for field_name, candidates in crm.columns.items():
        if field_name in found or field_name in maps:
            continue
        for candidate in candidates:
            if candidate.lower() in by_lower:
                found[field_name] = by_lower[candidate.lower()]
                break
    if not found and not bad:
        problems.append(no_known_columns(loaded))
        return None
    if "external_id" not in found and "external_id" not in maps:
        problems.append(
            Problem(
                loaded.name,
                1,
                f"missing column {crm.columns['external_id'][0]!r} ({crm.label}'s deal id);"
                " or name another with --map 'Column=external_id'",
            )
        )
        bad = True
    if "account" not in found and "title" not in found and not bad:
        names = " or ".join(repr(c) for c in (*crm.columns["account"], *crm.columns["title"]))
        problems.append(
            Problem(
                loaded.name,
                1,
                f"missing column {names}; or name another with --map 'Column=account'",
            )
        )
        bad = True
    return None if bad else found


_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN = re.compile(r"\d+(\.\d+)?|\.\d+")


def _crm_amount(text: str, column: str | None, problems: list[str]) -> str | None:
    """An exact amount: plain digits, or with comma thousands separators; never a float."""
    if not text:
        return None
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN.fullmatch(text):
        problems.append(f"{column} {text!r} is not an amount such as 48000 or 48,000.00")
        return None
    number = Decimal(text)
    if number >= Decimal("1e15"):
        problems.append(f"{column} {text!r} is too large")
        return None
    return format(number, "f")


def _crm_currency(text: str, column: str | None, problems: list[str]) -> str | None:
    if not text:
        return None
    if len(text) != 3 or not text.isascii() or not text.isalpha():
        problems.append(f"{column} {text!r} is not a three-letter currency code such as USD")
        return None
    return text.upper()


_ISO_DAY = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
)


def parse_crm_date(text: str, date_format: str | None) -> date:
    """ISO (a timestamp's date part too), or `--date-format`; a slash date is never guessed."""
    match = _ISO_DAY.fullmatch(text)
    day: date | None = None
    if match:
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            raise ValueError(f"{text!r} is not a real date (check the month and day)") from None
    elif date_format is not None:
        try:
            day = datetime.strptime(text, date_format).date()
        except ValueError:
            raise ValueError(f"{text!r} does not match --date-format {date_format}") from None
    else:
        raise ValueError(
            f"{text!r} is not an ISO date (YYYY-MM-DD); pass --date-format, e.g. %m/%d/%Y"
        )
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{text!r} is outside {EARLIEST} .. {LATEST}")
    return day


def _crm_date(
    text: str, column: str | None, date_format: str | None, problems: list[str]
) -> date | None:
    if not text:
        return None
    try:
        return parse_crm_date(text, date_format)
    except ValueError as exc:
        problems.append(f"{column} {exc}")
        return None


# -- what a CRM import changes ---------------------------------------------------------------------


@dataclass(frozen=True)
class CrmAction:
    """What importing one CRM row does: create a deal, update one, or leave it as it is."""

    deal: CrmDeal
    kind: str  # create | update | unchanged
    deal_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # deals columns to write
    changes: tuple[tuple[str, Any, Any], ...] = ()  # (column, before, after)
    close: str | None = None  # won / lost: close the open deal
    decision_moved: date | None = None  # a qualified deal's decision date changed to this
    qualified: bool = False


def crm_actions(
    deals: Sequence[CrmDeal], existing: Mapping[str, Mapping[str, Any]], source: str, today: date
) -> list[CrmAction]:
    """Match each row to the deal it updates (by external id) and work out what changes.

    Only the CRM's own columns change; the CRM's won / lost closes an open deal, and its open
    never reopens a deal closed in dealcoach (the rep's let go stays).
    """
    actions = []
    for deal in deals:
        crm_values = {
            "account": deal.account,
            "title": deal.title,
            "value": deal.value,
            "currency": deal.currency,
            "stage": deal.stage,
            "decision_date": deal.decision_date.isoformat() if deal.decision_date else None,
            "crm_owner": deal.owner,
            "crm_next_step": deal.next_step,
        }
        row = existing.get(deal.external_id)
        if row is None:
            status = deal.status
            closed_on = None
            if status != "open":
                closed_on = min(deal.decision_date or today, today).isoformat()
            created = min(deal.created or today, today).isoformat()
            values = {
                **crm_values,
                "status": status,
                "closed_on": closed_on,
                "close_reason": f"closed {status} in {CRMS[source].label}" if closed_on else None,
                "created": created,
                "updated": today.isoformat(),
                "qualified": 0,
                "external_source": source,
                "external_id": deal.external_id,
            }
            actions.append(CrmAction(deal, "create", values=values))
            continue
        if deal.stage is None and deal.status != "open":
            crm_values["stage"] = row["stage"]  # a closed stage leaves the stage as it was
        changes = tuple(
            (column, row[column], value)
            for column, value in crm_values.items()
            if _differs(row[column], value)
        )
        close = deal.status if deal.status != "open" and row["status"] == "open" else None
        qualified = bool(row["qualified"])
        moved = None
        old_decision = row["decision_date"]
        if (
            qualified
            and deal.decision_date is not None
            and _differs(old_decision, crm_values["decision_date"])
        ):
            moved = deal.decision_date
        kind = "update" if changes or close else "unchanged"
        values = {column: after for column, _, after in changes}
        if values:
            values["updated"] = today.isoformat()
        actions.append(
            CrmAction(
                deal,
                kind,
                deal_id=int(row["id"]),
                values=values,
                changes=changes,
                close=close,
                decision_moved=moved,
                qualified=qualified,
            )
        )
    return actions


def _differs(before: Any, after: Any) -> bool:
    if before is None or after is None:
        return before is not after
    if isinstance(before, Decimal) or isinstance(after, Decimal):
        return Decimal(str(before)) != Decimal(str(after))
    return str(before) != str(after)


def describe(action: CrmAction) -> str:
    """One line of `--dry-run` (and of the summary): what happens to one CRM row."""
    deal = action.deal
    ref = f"{deal.external_id}"
    if action.kind == "create":
        parts = [deal.stage or "no stage", deal.status]
        if deal.value is not None:
            parts.append(f"{deal.value} {deal.currency or ''}".strip())
        if deal.decision_date:
            parts.append(f"decision {deal.decision_date.isoformat()}")
        name = deal.account + (
            f" / {deal.title}" if deal.title and deal.title != deal.account else ""
        )
        return f"create     {ref}  {name} ({', '.join(parts)})"
    head = f"D{action.deal_id} {ref}"
    if action.kind == "unchanged":
        return f"unchanged  {head}  {deal.account}"
    parts = []
    for column, before, after in action.changes:
        note = ""
        if column == "decision_date" and before and after and str(after) > str(before):
            note = " (pushed)"
        parts.append(
            f"{column} {before if before is not None else '-'} → {after if after is not None else '-'}{note}"
        )
    if action.close:
        parts.append(f"close as {action.close}")
    return f"update     {head}  {deal.account}: {'; '.join(parts)}"
