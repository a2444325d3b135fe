"""Working days: no weekends, no public holidays of the rep's country, no Dec 24 - Jan 1.

A day on which the buyer has scheduled a step is a working day whatever the calendar says:
if they meet on Dec 28, so can we.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from dealcoach.dates import EARLIEST, LATEST


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    if not country:
        return frozenset()
    import holidays

    try:
        return frozenset(holidays.country_holidays(country, years=year).keys())
    except NotImplementedError:
        return frozenset()


def known_country(country: str) -> bool:
    import holidays

    return country.upper() in holidays.list_supported_countries()


def _year_end_break(day: date) -> bool:
    return (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)


@dataclass(frozen=True)
class WorkCalendar:
    country: str = "US"
    open_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def for_deal(cls, country: str, step_dates: Iterable[date | None]) -> WorkCalendar:
        return cls(country.upper(), frozenset(d for d in step_dates if d is not None))

    def is_workday(self, day: date) -> bool:
        if day in self.open_days:
            return True
        if day.weekday() >= 5 or _year_end_break(day):
            return False
        return day not in _holidays(self.country, day.year)

    def on_or_after(self, day: date) -> date:
        while not self.is_workday(day) and day < LATEST:
            day += timedelta(days=1)
        return day

    def on_or_before(self, day: date) -> date:
        while not self.is_workday(day) and day > EARLIEST:
            day -= timedelta(days=1)
        return day

    def add(self, day: date, count: int) -> date:
        """`count` working days after `day` (0: `day` itself, moved to a working day)."""
        if count < 0:
            return self.subtract(day, -count)
        day = self.on_or_after(day)
        for _ in range(count):
            if day >= LATEST:
                break
            day = self.on_or_after(day + timedelta(days=1))
        return day

    def subtract(self, day: date, count: int) -> date:
        day = self.on_or_before(day)
        for _ in range(count):
            if day <= EARLIEST:
                break
            day = self.on_or_before(day - timedelta(days=1))
        return day

    def between(self, start: date, end: date) -> int:
        """Working days from `start` to `end`: after start, up to and including end; negative if end < start."""
        if end < start:
            return -self.between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count
