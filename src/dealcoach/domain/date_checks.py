"""Dates the rep types that are allowed but look odd: warned about, never refused.

A step after the buyer's decision date, a date more than a year away, or a day nobody works
(a weekend, a public holiday of the rep's country, Dec 24 - Jan 1) may be a typo (`next fri` meant
for another month) or may be right (the buyer meets on Dec 28): the rep sees it and decides.
"""

from __future__ import annotations

from datetime import date

from dealcoach.domain.workdays import WorkCalendar

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKEND = {5: "a Saturday", 6: "a Sunday"}


def _shown(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def _a_year_after(today: date) -> date:
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # Feb 29
        return today.replace(year=today.year + 1, day=28)


def warnings(day: date, *, today: date, decision_date: date | None, cal: WorkCalendar) -> list[str]:
    """Short phrases about `day` worth a second look; empty when nothing is odd.

    `decision_date` is the buyer's decision date the day should come before (None: not checked,
    as for the decision date itself).
    """
    found: list[str] = []
    if decision_date is not None and day > decision_date:
        found.append(f"after their decision date {_shown(decision_date)}")
    if day > _a_year_after(today):
        found.append("more than a year away")
    if not cal.is_workday(day):
        if day.weekday() in _WEEKEND:
            found.append(_WEEKEND[day.weekday()])
        elif (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1):
            found.append("in the year-end break")
        else:
            found.append("a public holiday")
    return found


def warning_line(found: list[str]) -> str:
    """The phrases as one aside: `a Saturday: fine, but check it`."""
    return f"{', '.join(found)}: fine, but check it" if found else ""
