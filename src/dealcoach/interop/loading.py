"""Reading one import file into rows: sniff its format, decode it, read CSV, JSON or JSON Lines.

Files are read whole and every problem is collected with its file and line (`Problem`, `Problems`),
so that the rep fixes them all in one go. This is the only part of an import that touches the disk;
what the rows mean is checked by `dealcoach_rows` (dealcoach's own exports) or `crm` (a CRM's).
"""

from __future__ import annotations

import csv
import io
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dealcoach.errors import BadInput, escaped

Progress = Callable[[int, int], None]  # (line reached, lines in the file), now and then
_Tick = Callable[[int], None]
PROGRESS_EVERY = 2000
HEAD_BYTES = 1 << 16  # what is read first, to tell the format

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
    name = escaped(path)  # a file name is user text: it may hold a line break or an escape
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
            except (RecursionError, ValueError) as exc:
                raise BadInput(f"{name} line {at}: {hostile_json(exc)}") from None
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
        except (RecursionError, ValueError) as exc:
            problems.append(Problem(name, number, hostile_json(exc)))
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


def hostile_json(exc: BaseException) -> str:
    """What is wrong with JSON the parser gave up on: nested too deeply, or a huge integer."""
    if isinstance(exc, RecursionError):
        return "nested too deeply (a row is a flat object)"
    return "a number longer than 4,300 digits"


def no_known_columns(loaded: Loaded) -> Problem:
    """A header dealcoach cannot read at all: most often another delimiter."""
    first = ",".join(loaded.header)
    hint = "is it comma-separated?"
    if ";" in first:
        hint = "is it comma-separated? (the header has semicolons)"
    elif "\t" in first:
        hint = "is it comma-separated? (the header has tabs)"
    return Problem(loaded.name, 1, f"no known columns; {hint}")
