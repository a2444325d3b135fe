"""Reading the dates a rep types: a small exact grammar, never a guess.

The accepted forms are the ones README.md documents: ISO (`2026-12-03`), `today`, `tomorrow`,
`yesterday`, a weekday or `next <weekday>` (its next occurrence after today), `in N days|weeks|months`,
a month and day with or without a year (`dec 15`, `15 dec 2027`) and day.month.year (`03.12.2026`, day
first). Anything else (`dec 32`, `12`, `2026-11`, `12/01`, `5 minutes ago`) is refused with the list
of forms: a wrong date stored without a word is worse than a question asked twice.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from dealcoach.errors import BadDate

EARLIEST = date(1970, 1, 1)
LATEST = date(2199, 12, 31)

WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_RELATIVE = re.compile(r"in\s+(\d{1,4})\s*(day|days|d|week|weeks|w|month|months|m)")
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+" + _DAY + _YEAR)
_DAY_MONTH = re.compile(_DAY + r"\s+([a-z]+)\.?" + _YEAR)
_DURATION = re.compile(r"(\d{1,4})\s*(d|w|m)")

FORMS = (
    "YYYY-MM-DD, today, tomorrow, yesterday, a weekday or 'next wed', 'in 3 days|weeks|months', "
    "'dec 15', '15 dec 2027' or '03.12.2026' (day.month.year)"
)
HINT = f"use {FORMS}"


def check_range(value: date, text: str | None = None) -> date:
    if not EARLIEST <= value <= LATEST:
        shown = text if text is not None else value.isoformat()
        raise BadDate(f"date {shown!r} is outside {EARLIEST} .. {LATEST}")
    return value


def parse_iso(text: str) -> date:
    """A strict YYYY-MM-DD date (used for --today and stored values)."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(f"{text!r} is not a date in YYYY-MM-DD form") from None
    return check_range(value, text)


def parse_date(text: str, today: date, *, past: bool = False) -> date:
    """Read a date the way a rep writes it, relative to `today`.

    A month and day without a year is its next occurrence from today on; with `past` (a `--date`,
    something that happened) its last occurrence up to today.
    """
    raw = text.strip()
    phrase = " ".join(raw.lower().split())
    if not phrase:
        raise BadDate(f"empty date: {HINT}")
    if phrase == "today":
        return today
    if phrase == "tomorrow":
        return _shift(today, days=1, text=raw)
    if phrase == "yesterday":
        return _shift(today, days=-1, text=raw)
    weekday = phrase.removeprefix("next ").strip()
    if weekday in WEEKDAYS:
        ahead = (WEEKDAYS[weekday] - today.weekday()) % 7 or 7
        return _shift(today, days=ahead, text=raw)
    match = _RELATIVE.fullmatch(phrase)
    if match:
        return add_duration(today, int(match.group(1)), match.group(2)[0], raw)
    match = _ISO.fullmatch(phrase)
    if match:
        return _real(int(match.group(1)), int(match.group(2)), int(match.group(3)), raw)
    match = _DOTTED.fullmatch(phrase)
    if match:
        return _real(int(match.group(3)), int(match.group(2)), int(match.group(1)), raw)
    for pattern, month_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        match = pattern.fullmatch(phrase)
        if match and match.group(month_group) in MONTHS:
            month, day = MONTHS[match.group(month_group)], int(match.group(day_group))
            if match.group(3) is not None:
                return _real(int(match.group(3)), month, day, raw)
            return _next_month_day(month, day, today, raw, past=past)
    raise BadDate(f"could not read the date {raw!r}: {HINT}")


def _real(year: int, month: int, day: int, text: str) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise BadDate(f"{text!r} is not a real date (check the month and day): {HINT}") from None
    return check_range(value, text)


def _next_month_day(month: int, day: int, today: date, text: str, *, past: bool) -> date:
    """`dec 15`: the nearest such day from today on (back to today with `past`); Feb 29 waits for
    a leap year."""
    if not 1 <= day <= 31 or day > monthrange(2024, month)[1]:
        raise BadDate(f"{text!r} is not a real date (check the month and day): {HINT}")
    step = -1 if past else 1
    for offset in range(9):
        year = today.year + step * offset
        if not EARLIEST.year <= year <= LATEST.year:
            break
        try:
            value = date(year, month, day)
        except ValueError:
            continue
        if (value <= today) if past else (value >= today):
            return check_range(value, text)
    raise BadDate(f"date {text!r} is outside {EARLIEST} .. {LATEST}")


def parse_duration(text: str, today: date) -> date:
    """`--for 2w`: N days, weeks or months after today."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not match:
        raise BadDate(f"{text!r} is not a duration: use N followed by d, w or m (e.g. 2w)")
    return add_duration(today, int(match.group(1)), match.group(2), text)


def add_duration(start: date, count: int, unit: str, text: str) -> date:
    if unit == "d":
        return _shift(start, days=count, text=text)
    if unit == "w":
        return _shift(start, days=7 * count, text=text)
    month_index = start.year * 12 + start.month - 1 + count
    year, month = divmod(month_index, 12)
    month += 1
    if year > LATEST.year:
        raise BadDate(f"date {text!r} is after {LATEST}")
    return check_range(date(year, month, min(start.day, monthrange(year, month)[1])), text)


def _shift(start: date, *, days: int, text: str) -> date:
    try:
        return check_range(start + timedelta(days=days), text)
    except OverflowError:
        raise BadDate(f"date {text!r} is after {LATEST}") from None
