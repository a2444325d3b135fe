"""The public holidays of the rep's country, year by year, for the working-day calendar.

Building them imports every country module of the holidays library (about 100 ms), so the dates
are kept in a small JSON file in the data folder's cache once computed; delete it to recompute.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from dealcoach.domain.workdays import Holidays
from dealcoach.home import cache as data_cache


@cache
def holidays_of(country: str) -> Holidays:
    """The holiday source of one country; the same function each time, so calendars share caches."""
    code = country.upper()

    def holidays(year: int) -> frozenset[date]:
        return _holidays(code, year)

    return holidays


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    if not country:
        return frozenset()
    cached = _read_cache(country, year)
    if cached is not None:
        return cached
    import holidays

    try:
        found = frozenset(holidays.country_holidays(country, years=year).keys())
    except NotImplementedError:
        found = frozenset()
    _write_cache(country, year, found)
    return found


def _read_cache(country: str, year: int) -> frozenset[date] | None:
    days = data_cache.read(f"holidays-{country}-{year}.json")
    try:
        return frozenset(date.fromisoformat(day) for day in days)
    except (ValueError, TypeError):
        return None


def _write_cache(country: str, year: int, days: frozenset[date]) -> None:
    """Best effort: a read-only data folder only costs the next command the same 100 ms."""
    data_cache.write(f"holidays-{country}-{year}.json", sorted(d.isoformat() for d in days))


def known_country(country: str) -> bool:
    import holidays

    return country.upper() in holidays.list_supported_countries()
