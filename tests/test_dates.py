from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.dates import EARLIEST, LATEST, parse_date, parse_duration, parse_iso
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.errors import BadDate
from dealcoach.home.holidays import holidays_of

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03", date(2026, 12, 3)),
        ("today", MONDAY),
        ("tomorrow", date(2026, 11, 24)),
        ("wed", date(2026, 11, 25)),
        ("next wed", date(2026, 11, 25)),
        ("Next Wednesday", date(2026, 11, 25)),
        ("mon", date(2026, 11, 30)),  # the next occurrence after today, never today
        ("next monday", date(2026, 11, 30)),
        ("in 2 weeks", date(2026, 12, 7)),
        ("in 3 days", date(2026, 11, 26)),
        ("in 1 month", date(2026, 12, 23)),
        ("in 3 months", date(2027, 2, 23)),
        ("dec 15", date(2026, 12, 15)),
    ],
)
def test_natural_dates(text: str, expected: date) -> None:
    assert parse_date(text, MONDAY) == expected


def test_month_end_is_clamped() -> None:
    assert parse_date("in 1 month", date(2027, 1, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    "text", ["2026-02-30", "0001-01-01", "9999-12-31", "someday", "", "in 99999 years"]
)
def test_unreadable_or_out_of_range_dates_are_refused(text: str) -> None:
    with pytest.raises(BadDate):
        parse_date(text, MONDAY)


def test_iso_only_for_today_option() -> None:
    assert parse_iso("2026-11-23") == MONDAY
    with pytest.raises(BadDate, match="YYYY-MM-DD"):
        parse_iso("next wed")


@pytest.mark.parametrize(("text", "days"), [("2w", 14), ("10d", 10), ("1m", 30)])
def test_durations(text: str, days: int) -> None:
    assert parse_duration(text, date(2026, 11, 1)) == date(2026, 11, 1) + timedelta(days=days)


@given(st.dates(min_value=EARLIEST, max_value=LATEST - timedelta(days=60)), st.integers(0, 7))
def test_weekday_phrases_land_in_the_coming_week(today: date, weekday: int) -> None:
    name = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "mon"][weekday]
    got = parse_date(f"next {name}", today)
    assert today < got <= today + timedelta(days=7)
    assert got.weekday() == weekday % 7


CAL = WorkCalendar(holidays_of("US"))


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2026, 11, 23), True),
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 12, 28), False),  # year-end break
        (date(2027, 1, 1), False),
        (date(2027, 1, 4), True),
    ],
)
def test_working_days(day: date, workday: bool) -> None:
    assert CAL.is_workday(day) is workday


def test_a_buyer_step_opens_a_closed_day() -> None:
    cal = WorkCalendar(holidays_of("US")).for_deal([date(2026, 12, 28)])
    assert cal.is_workday(date(2026, 12, 28))
    assert not cal.is_workday(date(2026, 12, 29))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 30))
def test_adding_working_days_counts_them(day: date, count: int) -> None:
    later = CAL.add(day, count)
    assert CAL.is_workday(later)
    assert CAL.between(CAL.on_or_after(day), later) == count
    assert CAL.subtract(later, count) == CAL.on_or_after(day)


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 1, 1)),
    st.integers(-400, 400),
    st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2033, 3, 1)), max_size=4),
)
def test_counting_working_days_matches_walking_them(
    start: date, span: int, open_days: set[date]
) -> None:
    cal = WorkCalendar(holidays_of("US"), frozenset(open_days))
    end = start + timedelta(days=span)
    low, high = min(start, end), max(start, end)
    walked = sum(
        1 for i in range(1, (high - low).days + 1) if cal.is_workday(low + timedelta(days=i))
    )
    assert cal.between(start, end) == (walked if end >= start else -walked)


def test_holidays_are_cached_in_the_data_folder(dealcoach_home: Path) -> None:
    from dealcoach.home import holidays as workdays

    workdays._holidays.cache_clear()
    assert date(2031, 11, 27) in workdays._holidays("US", 2031)  # Thanksgiving
    cached = dealcoach_home / "cache" / "holidays-US-2031.json"
    assert "2031-11-27" in cached.read_text()
    workdays._holidays.cache_clear()
    cached.write_text('["2031-03-03"]')
    assert workdays._holidays("US", 2031) == frozenset({date(2031, 3, 3)})
    workdays._holidays.cache_clear()


# The grammar is exact (issue 15): every documented form is read, everything else refused with
# the list of forms, never guessed.
THURSDAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-02-28", date(2027, 2, 28)),
        ("yesterday", date(2026, 12, 2)),
        ("thu", date(2026, 12, 10)),
        ("fri", date(2026, 12, 4)),
        ("in 1 week", date(2026, 12, 10)),
        ("in 10d", date(2026, 12, 13)),
        ("dec 15", date(2026, 12, 15)),
        ("Dec 3", THURSDAY),  # today is its own next occurrence
        ("dec 2", date(2027, 12, 2)),
        ("december 15", date(2026, 12, 15)),
        ("15 dec", date(2026, 12, 15)),
        ("15th december", date(2026, 12, 15)),
        ("jan 5", date(2027, 1, 5)),
        ("15 dec 2027", date(2027, 12, 15)),
        ("dec 15 2027", date(2027, 12, 15)),
        ("Dec 15, 2027", date(2027, 12, 15)),
        ("sept 1", date(2027, 9, 1)),
        ("feb 29", date(2028, 2, 29)),
        ("03.12.2026", THURSDAY),  # day first
        ("01.11.2026", date(2026, 11, 1)),
        ("3.1.2027", date(2027, 1, 3)),
    ],
)
def test_every_documented_form_is_read(text: str, expected: date) -> None:
    assert parse_date(text, THURSDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("dec 1", date(2026, 12, 1)), ("dec 3", THURSDAY), ("15 dec", date(2025, 12, 15))],
)
def test_a_past_month_day_is_the_last_one(text: str, expected: date) -> None:
    assert parse_date(text, THURSDAY, past=True) == expected


@pytest.mark.parametrize(
    "text",
    [
        "dec 32",
        "32 dec",
        "feb 30",
        "31.04.2027",
        "13.13.2026",
        "12",
        "2026-11-",
        "2026-11",
        "2027",
        "2026-1-5",
        "12/01",
        "12/01/2026",
        "2026/12/01",
        "1/2",
        "5 minutes ago",
        "2 days ago",
        "last friday",
        "next week",
        "next month",
        "in a week",
        "in 2 years",
        "dec",
        "15",
        "foo 15",
        "dec 15 27",
        "03.12.26",
        "noon",
        "now",
        "2026-12-03T10:00",
        "someday",
    ],
)
def test_anything_else_is_refused_with_the_forms(text: str) -> None:
    with pytest.raises(BadDate) as refused:
        parse_date(text, THURSDAY)
    message = refused.value.message
    assert "\n" not in message
    assert "YYYY-MM-DD" in message and "03.12.2026" in message and "dec 15" in message


@given(st.dates(min_value=EARLIEST, max_value=LATEST), st.dates(EARLIEST, LATEST))
def test_every_iso_and_dotted_date_round_trips(day: date, today: date) -> None:
    assert parse_date(day.isoformat(), today) == day
    assert parse_date(f"{day.day:02d}.{day.month:02d}.{day.year}", today) == day
    assert parse_date(f"{day.day}.{day.month}.{day.year}", today) == day


@given(
    st.dates(min_value=EARLIEST, max_value=LATEST - timedelta(days=10_000)), st.integers(0, 9999)
)
def test_in_n_days_is_today_plus_n(today: date, count: int) -> None:
    assert parse_date(f"in {count} days", today) == today + timedelta(days=count)
    assert parse_date(f"in {count // 7} weeks", today) == today + timedelta(weeks=count // 7)


MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@given(st.dates(min_value=EARLIEST, max_value=LATEST - timedelta(days=3000)), st.dates())
def test_a_month_day_is_its_next_occurrence(today: date, day: date) -> None:
    got = parse_date(f"{MONTH_NAMES[day.month - 1]} {day.day}", today)
    assert (got.month, got.day) == (day.month, day.day)
    assert today <= got < today + timedelta(days=366 * 4 + 1)
    if (day.month, day.day) != (2, 29):
        assert got < today + timedelta(days=366)
    assert parse_date(f"{day.day} {MONTH_NAMES[day.month - 1]} {got.year}", today) == got


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 30))
def test_working_days_after_a_day_off_count_from_it(day: date, count: int) -> None:
    later = CAL.after(day, count)
    assert CAL.is_workday(later) and CAL.between(day, later) == count
