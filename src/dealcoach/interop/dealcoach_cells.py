"""One cell of a dealcoach export back to the value dealcoach stores, checked against its column.

A CSV cell loses its formula guard and an empty cell becomes NULL (or ''); a JSON value must have
the column's type, and nested lists and objects go back to their stored text. The checks beyond the
type (choices, dates, amounts, ids, stored documents) are the ones the rest of dealcoach relies on
when it reads the rows back.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from dealcoach.dates import EARLIEST, LATEST
from dealcoach.interop.tables import GUARD, Column, Kind, json_cell

_Convert = Callable[[Any], Any]


def csv_converter(column: Column) -> _Convert:
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


def json_converter(column: Column) -> _Convert:
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
            except RecursionError:
                raise ValueError("is nested too deeply") from None
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
    elif name == "fields":
        from dealcoach.interop.fields import check

        check(value)
    elif name == "answers" and not isinstance(value, dict):
        raise ValueError("expected the answers document (a JSON object)")


def check_answers(text: str, taken_on: Any) -> None:
    """An interview's answers must load as the answers schema, or `show` would fail on it."""
    from pydantic import ValidationError

    from dealcoach.answers.schema import Answers

    today = date.fromisoformat(taken_on) if isinstance(taken_on, str) else date.today()
    try:
        Answers.model_validate(json.loads(text), context={"today": today})
    except RecursionError:
        raise ValueError("is nested too deeply") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{path}: {first['msg']}") from None


def _short(value: Any, limit: int = 40) -> str:
    """A value as quoted in a problem: cut short, since a hostile cell can be a megabyte."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)
