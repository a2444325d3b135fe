"""Reading the dates a rep types: ISO, `today`, `tomorrow`, `wed`, `next wed`, `in 2 weeks`.

ISO dates and weekdays are read here (the product defines what `next wed` means: its next
occurrence after today); the rest goes to dateparser, imported only when such a phrase arrives
because it costs more start-up time than everything else a command needs.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

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

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_RELATIVE = re.compile(r"in\s+(\d{1,4})\s*(day|days|d|week|weeks|w|month|months|m)")
_DURATION = re.compile(r"(\d{1,4})\s*(d|w|m)")

HINT = "use YYYY-MM-DD, today, tomorrow, a weekday, 'next wed' or 'in 2 weeks'"


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


def parse_date(text: str, today: date) -> date:
    """Read a date the way a rep writes it, relative to `today`."""
    raw = text.strip()
    phrase = " ".join(raw.lower().split())
    if not phrase:
        raise BadDate(f"empty date: {HINT}")
    if _ISO.fullmatch(phrase):
        try:
            return check_range(date.fromisoformat(phrase), raw)
        except ValueError:
            raise BadDate(f"{raw!r} is not a real date (check the month and day)") from None
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
    return check_range(_natural(raw, today), raw)


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
    from calendar import monthrange

    return check_range(date(year, month, min(start.day, monthrange(year, month)[1])), text)


def _shift(start: date, *, days: int, text: str) -> date:
    try:
        return check_range(start + timedelta(days=days), text)
    except OverflowError:
        raise BadDate(f"date {text!r} is after {LATEST}") from None


def _natural(text: str, today: date) -> date:
    """Anything else a person might write (`dec 15`, `15 january`), read by dateparser."""
    import dateparser

    settings = {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise BadDate(f"could not read the date {text!r}: {HINT}")
    return parsed.date()
