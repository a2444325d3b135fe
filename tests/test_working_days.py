"""No follow-up on a weekend or a public holiday (issue 15): planned, re-planned or snoozed, for
three countries and over the year-end window. A buyer step on a day off (the board meets on Dec 28)
still draws its touches, on the nearest working days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dealcoach.dates import parse_duration
from dealcoach.domain import planner, verdict
from dealcoach.domain.settings import Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.home.holidays import holidays_of
from dealcoach.records import Touch

from .strategies import TODAY, answer_documents, facts_for, histories

SETTINGS = Settings()
COUNTRIES = {code: WorkCalendar(holidays_of(code)) for code in ("US", "DE", "FR")}
# from TODAY (2026-11-23) through the year-end break into mid-January
LATER = st.integers(0, 55)


@settings(max_examples=150, deadline=None)
@given(
    answer_documents(),
    histories(),
    st.sampled_from(sorted(COUNTRIES)),
    LATER,
    st.booleans(),
    st.none() | st.integers(1, 60),
)
def test_no_follow_up_lands_on_a_day_off(
    doc: dict[str, Any],
    touches: tuple[Touch, ...],
    country: str,
    later: int,
    reschedule: bool,
    snoozed: int | None,
) -> None:
    cal = COUNTRIES[country]
    today = TODAY + timedelta(days=later)
    snoozed_until = None if snoozed is None else today + timedelta(days=snoozed)
    facts = facts_for(doc, touches, snoozed_until=snoozed_until)
    judged = verdict.evaluate(facts, today, SETTINGS, cal)
    made = planner.plan(facts, judged, today, SETTINGS, cal, reschedule=reschedule)
    for f in made.followups:
        assert cal.is_workday(f.due), (country, f.due, f.key)
        if reschedule:
            assert f.due >= today, f


def test_the_year_end_window_is_closed_in_every_country() -> None:
    for cal in COUNTRIES.values():
        assert not any(cal.is_workday(date(2026, 12, day)) for day in range(24, 32))
        assert not cal.is_workday(date(2027, 1, 1))


def test_a_step_on_christmas_draws_no_touch_on_christmas() -> None:
    """healthy-district.toml qualified on Fri 2026-12-04: its board presentation falls on Dec 25."""
    import tomllib
    from pathlib import Path

    from dealcoach.answers.schema import Answers, record_of
    from dealcoach.records import DealFacts

    day = date(2026, 12, 4)
    doc = tomllib.loads(
        (Path(__file__).parent.parent / "examples" / "healthy-district.toml").read_text()
    )
    answers = record_of(Answers.model_validate(doc, context={"today": day}))
    assert date(2026, 12, 25) in {s.date for s in answers.what}
    facts = DealFacts(created=day, answers=answers, qualified_on=day)
    for cal in COUNTRIES.values():
        judged = verdict.evaluate(facts, day, SETTINGS, cal)
        for reschedule in (False, True):
            made = planner.plan(facts, judged, day, SETTINGS, cal, reschedule=reschedule)
            assert made.followups
            for f in made.followups:
                assert cal.is_workday(f.due), (f.due, f.key)


@given(
    st.sampled_from(sorted(COUNTRIES)),
    st.dates(min_value=date(2026, 11, 1), max_value=date(2027, 2, 1)),
    st.integers(-30, 60),
    st.integers(1, 40),
    st.sampled_from("dwm"),
)
def test_a_snoozed_follow_up_comes_back_on_a_working_day_after_its_due_date(
    country: str, today: date, due_in: int, count: int, unit: str
) -> None:
    from dealcoach.domain.snooze import snoozed_until

    cal = COUNTRIES[country]
    due = today + timedelta(days=due_in)
    day = snoozed_until(due, today, cal, span=f"{count}{unit}")
    assert cal.is_workday(day)
    assert day > max(today, due)
    assert day == cal.on_or_after(parse_duration(f"{count}{unit}", max(today, due)))
    named = snoozed_until(due, today, cal, until=day)  # naming that day gives the same day
    assert named == day
