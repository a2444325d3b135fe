"""Reading an answers file (TOML or JSON, `-` for JSON on stdin) into validated answers."""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dealcoach.answers.amounts import read_amount
from dealcoach.answers.schema import Answers
from dealcoach.errors import BadInput, escaped
from dealcoach.vocabulary import NumberFormat

MAX_BYTES = 16 * 1024 * 1024

TOO_LONG = "a number longer than 4,300 digits; no answer needs one"


def load(
    source: str,
    today: date,
    number_format: NumberFormat = NumberFormat.us,
    note: Callable[[str], None] | None = None,
) -> Answers:
    """The answers in `source`; every problem is reported with its key path and the reason.

    An amount written with separators is read with the rep's `number_format`, and what it was
    read as goes to `note` (the rep sees `1.234` become 1234 or 1.234, never silently).
    """
    name = "standard input" if source == "-" else escaped(source)  # a name is user text
    document = _parse(source, name)
    answers = validate(document, today, name, number_format)
    raw = document.get("deal", {}).get("value") if isinstance(document, dict) else None
    read = isinstance(raw, str) and answers.deal.value is not None
    if note is not None and read and read_amount(raw, number_format).interpreted:
        note(f"{name}: deal.value: {raw.strip()!r} read as {answers.deal.value:f}")
    return answers


def validate(
    document: Any,
    today: date,
    name: str = "answers",
    number_format: NumberFormat = NumberFormat.us,
) -> Answers:
    """Checked answers. The interview's document holds amounts already read (plain decimals,
    `us`); a file the rep wrote is read with their number_format."""
    if not isinstance(document, dict):
        raise BadInput(f"{name}: expected a table of sections ([deal], [[who]], ...) at the top")
    context = {"today": today, "number_format": number_format}
    try:
        answers = Answers.model_validate(document, context=context)
    except ValidationError as exc:
        raise BadInput(_describe(exc, name)) from None
    except RecursionError:
        raise BadInput(f"{name}: nested too deeply to be an answers file") from None
    meeting = answers.deal.meeting_date
    if meeting is not None and meeting > today:
        raise BadInput(
            f"{name}: deal.meeting_date: {meeting} is after today ({today}); "
            "give the date of the meeting just held"
        )
    return answers


def _parse(source: str, name: str) -> Any:
    raw = _read(source, name)
    if source != "-" and Path(source).suffix.lower() == ".toml":
        return _toml(raw, name)
    if source != "-" and Path(source).suffix.lower() == ".json":
        return _json(raw, name)
    stripped = raw.lstrip()
    if source == "-" or (stripped.startswith(("{", "[")) and not stripped.startswith("[deal")):
        return _json(raw, name)
    return _toml(raw, name)


def _read(source: str, name: str) -> str:
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(f"{name}: no such file; check the path") from None
    except IsADirectoryError:
        raise BadInput(f"{name}: is a folder, not an answers file") from None
    except OSError as exc:
        raise BadInput(f"{name}: cannot read it ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise BadInput(f"{name}: larger than 16 MB; an answers file is a few KB")
    if b"\x00" in data:
        raise BadInput(f"{name}: is a binary file, not TOML or JSON answers")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _toml(raw: str, name: str) -> Any:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{name}: not valid TOML: {exc}") from None
    except RecursionError:
        raise BadInput(f"{name}: nested too deeply to be an answers file") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise BadInput(f"{name}: {TOO_LONG}") from None


def _json(raw: str, name: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise BadInput(f"{name}: nested too deeply to be an answers file") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise BadInput(f"{name}: {TOO_LONG}") from None


def _describe(exc: ValidationError, name: str) -> str:
    """One line per problem: `file: who[1].role: <reason>`."""
    lines = []
    for error in exc.errors():
        path = ""
        for part in error["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        lines.append(f"{name}: {path or 'answers'}: {_reason(error)}")
    return "\n".join(lines)


def _reason(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key; remove it or check its spelling against the schema in README.md"
    if kind == "missing":
        return "required; add it"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{error['input']!r} is not one of {expected}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")
