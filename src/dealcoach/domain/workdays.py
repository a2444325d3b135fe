"""Working days: no weekends, no public holidays of the rep's country, no Dec 24 - Jan 1.

A day on which the buyer has scheduled a step is a working day whatever the calendar says:
if they meet on Dec 28, so can we.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from dealcoach.dates import EARLIEST, LATEST

Holidays = Callable[[int], frozenset[date]]
"""A year's public holidays in the rep's country. The data folder loads them (`home/holidays.py`);
the domain only reads what it is handed."""


def no_holidays(year: int) -> frozenset[date]:
    """No public holidays: weekends and the year-end break only."""
    return frozenset()


@cache
def _closed_weekdays(holidays: Holidays, year: int) -> tuple[date, ...]:
    """Weekdays of `year` that are not working days: public holidays and Dec 24 - Jan 1."""
    closed = set(holidays(year))
    closed.add(date(year, 1, 1))
    closed.update(date(year, 12, day) for day in range(24, 32))
    return tuple(sorted(d for d in closed if d.weekday() < 5))


def _year_end_break(day: date) -> bool:
    return (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)


@dataclass(frozen=True)
class WorkCalendar:
    holidays: Holidays = no_holidays
    open_days: frozenset[date] = field(default_factory=frozenset)

    def for_deal(self, step_dates: Iterable[date | None]) -> WorkCalendar:
        """This calendar with the days of a deal's buyer steps open."""
        return WorkCalendar(self.holidays, frozenset(d for d in step_dates if d is not None))

    def is_workday(self, day: date) -> bool:
        if day in self.open_days:
            return True
        if day.weekday() >= 5 or _year_end_break(day):
            return False
        return day not in self.holidays(day.year)

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

    def after(self, day: date, count: int) -> date:
        """The `count`-th working day after `day`, which may itself be a day off (a buyer step on
        Dec 28: two working days after it is Jan 5, not two after Jan 4)."""
        return self.add(self.on_or_before(day), count) if count > 0 else self.on_or_after(day)

    def subtract(self, day: date, count: int) -> date:
        day = self.on_or_before(day)
        for _ in range(count):
            if day <= EARLIEST:
                break
            day = self.on_or_before(day - timedelta(days=1))
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative if end < start.

        Counted, not walked: weekdays in the range, less the closed weekdays, plus the open
        weekend days (the planner asks this thousands of times per plan).
        """
        if end < start:
            return -self.between(end, start)
        span = (end - start).days
        if span == 0:
            return 0
        first = start + timedelta(days=1)
        weeks, rest = divmod(span, 7)
        weekdays = weeks * 5 + sum(1 for i in range(rest) if (first.weekday() + i) % 7 < 5)
        closed = 0
        for year in range(first.year, end.year + 1):
            days = _closed_weekdays(self.holidays, year)
            lo, hi = bisect_left(days, first), bisect_right(days, end)
            closed += sum(1 for d in days[lo:hi] if d not in self.open_days)
        opened = sum(1 for d in self.open_days if first <= d <= end and d.weekday() >= 5)
        return weekdays - closed + opened
