"""Dates that are accepted with a warning (issue 15, "Dates")."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.domain.date_checks import warning_line, warnings
from dealcoach.domain.workdays import WorkCalendar

TODAY = date(2026, 12, 4)  # a Friday


def _holidays(year: int) -> frozenset[date]:
    return frozenset({date(year, 7, 4)})


CAL = WorkCalendar(_holidays)


@pytest.mark.parametrize(
    ("day", "decision", "expected"),
    [
        (date(2026, 12, 8), None, []),
        (date(2026, 12, 8), date(2027, 1, 15), []),
        (date(2027, 1, 15), date(2027, 1, 15), []),
        (date(2027, 1, 18), date(2027, 1, 15), ["after their decision date Fri 2027-01-15"]),
        (date(2026, 12, 19), None, ["a Saturday"]),
        (date(2026, 12, 20), None, ["a Sunday"]),
        (date(2026, 12, 28), None, ["in the year-end break"]),
        (date(2027, 1, 1), None, ["in the year-end break"]),
        (date(2027, 7, 5), None, []),
        (date(2029, 7, 4), None, ["more than a year away", "a public holiday"]),
        (date(2027, 12, 3), None, []),
        (date(2027, 12, 6), None, ["more than a year away"]),
        (
            date(2028, 1, 1),
            date(2027, 3, 1),
            [
                "after their decision date Mon 2027-03-01",
                "more than a year away",
                "a Saturday",
            ],
        ),
    ],
)
def test_warnings(day: date, decision: date | None, expected: list[str]) -> None:
    assert warnings(day, today=TODAY, decision_date=decision, cal=CAL) == expected


def test_a_year_from_feb_29() -> None:
    leap = date(2028, 2, 29)
    assert warnings(date(2029, 2, 28), today=leap, decision_date=None, cal=CAL) == []
    assert "more than a year away" in warnings(
        date(2029, 3, 1), today=leap, decision_date=None, cal=CAL
    )


def test_warning_line() -> None:
    assert warning_line([]) == ""
    assert warning_line(["a Saturday"]) == "a Saturday: fine, but check it"


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)))
def test_a_working_day_soon_draws_nothing(day: date) -> None:
    if CAL.is_workday(day) and TODAY <= day <= date(2027, 12, 4):
        assert warnings(day, today=TODAY, decision_date=None, cal=CAL) == []
    else:
        assert warnings(day, today=TODAY, decision_date=None, cal=CAL) != [] or day < TODAY
