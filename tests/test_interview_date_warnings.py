"""The interview's date echo warns about an odd date and keeps it (issue 15, "Dates")."""

from __future__ import annotations

from datetime import date

from dealcoach.domain.interview.flow import Interview
from dealcoach.domain.interview.questions import Question, Say
from dealcoach.domain.interview.sheet import Sheet
from dealcoach.domain.workdays import WorkCalendar

from .test_interview import TODAY, script, valid


def _holidays(year: int) -> frozenset[date]:
    return frozenset({date(year, 12, 8)})


CAL = WorkCalendar(_holidays)


def _echo(sheet: Sheet, typed: str, check: str | None) -> tuple[Say, dict[str, str]]:
    step: dict[str, str] = {}
    steps = sheet.ask_date(step, "date", "what.0.date", "Date of Pilot?", check=check)  # type: ignore[arg-type]
    assert isinstance(next(steps), Question)
    say = steps.send(typed)
    assert isinstance(say, Say)
    return say, step


def test_a_step_on_a_saturday_after_the_decision_date_is_kept_with_both_warnings() -> None:
    sheet = Sheet(TODAY, {"when": {"decision_date": "2026-12-11"}}, calendar=CAL)
    say, step = _echo(sheet, "2026-12-19", "step")
    assert say == Say(
        "→ Sat 2026-12-19 (after their decision date Fri 2026-12-11, a Saturday:"
        " fine, but check it)",
        "echo",
    )
    assert step == {"date": "2026-12-19"}


def test_the_public_holidays_handed_in_are_used() -> None:
    say, _ = _echo(Sheet(TODAY, {}, calendar=CAL), "2026-12-08", "step")
    assert say.text == "→ Tue 2026-12-08 (a public holiday: fine, but check it)"


def test_a_working_day_and_an_unchecked_question_echo_as_before() -> None:
    sheet = Sheet(TODAY, {"when": {"decision_date": "2026-12-11"}}, calendar=CAL)
    assert _echo(sheet, "2026-12-09", "step")[0].text == "→ Wed 2026-12-09"
    assert _echo(sheet, "2026-12-19", None)[0].text == "→ Sat 2026-12-19"
    decision = _echo(sheet, "2026-12-19", "decision")[0].text  # not checked against itself
    assert decision == "→ Sat 2026-12-19 (a Saturday: fine, but check it)"


def test_the_decision_date_on_a_saturday_is_kept_and_warned_in_the_interview() -> None:
    replies = ["Acme", "Pilot", "1000", "eur", "closing", "referral", "expansion", "private"]
    replies += ["2026-11-20", False, False, "next sat", "", "", "a, b,, c", "", ""]
    replies += ["approved", "", "deciding", "5", "no", False, "chose_other", "selectivity"]
    _, says, doc = script(Interview(today=TODAY, calendar=CAL), replies)
    assert Say("→ Sat 2026-11-28 (a Saturday: fine, but check it)", "echo") in says
    assert valid(doc).when.decision_date == date(2026, 11, 28)
