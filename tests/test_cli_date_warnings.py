"""A date the rep types that looks odd is kept, with one line on stderr (issue 15, "Dates")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .clirun import EXAMPLES, invoke, rows

DAY = "2026-11-24"  # a Tuesday; D1 (healthy-district) decides on Mon 2027-01-04


def run(*args: str) -> Any:
    return invoke("--today", DAY, *args)


@pytest.fixture
def pipeline(dealcoach_home: Path) -> Path:
    for name in ("healthy-district.toml", "thin-lead.toml"):
        result = invoke("--today", "2026-11-23", "qualify", "--answers", str(EXAMPLES / name))
        assert result.exit_code == 0, result.stderr
    return dealcoach_home / "dealcoach.db"


def test_snooze_until_a_saturday_is_kept_and_warned(pipeline: Path) -> None:
    result = run("snooze", "D1", "--until", "2026-12-19")
    assert result.exit_code == 0, result.stderr
    assert "snoozed until Sat 2026-12-19: a Saturday: fine, but check it" in result.stderr
    assert rows(pipeline, "select snoozed_until from deals where id = 1") == [("2026-12-19",)]


def test_snooze_past_the_decision_date_says_so(pipeline: Path) -> None:
    result = run("snooze", "D1", "--until", "2027-01-12")
    assert result.exit_code == 0, result.stderr
    assert "after their decision date Mon 2027-01-04" in result.stderr
    assert rows(pipeline, "select snoozed_until from deals where id = 1") == [("2027-01-12",)]


def test_a_working_day_draws_no_warning(pipeline: Path) -> None:
    for args in (
        ("snooze", "D1", "--until", "2026-12-15"),
        ("keep", "D2", "--until", "2026-12-15"),
        ("log", "D1", "--kind", "call", "--decision-date", "2027-02-10"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert "check it" not in result.stderr


def test_keep_until_the_year_end_break_is_kept_and_warned(pipeline: Path) -> None:
    result = run("keep", "D2", "--until", "2026-12-28")
    assert result.exit_code == 0, result.stderr
    assert "kept until Mon 2026-12-28: in the year-end break: fine, but check it" in result.stderr
    assert rows(pipeline, "select kept_until from deals where id = 2") == [("2026-12-28",)]


def test_log_a_decision_date_over_a_year_away_warns_outside_the_json(pipeline: Path) -> None:
    result = run("log", "D1", "--kind", "call", "--decision-date", "2028-01-05", "--json")
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)  # stdout stays one JSON document
    assert "decision date Wed 2028-01-05: more than a year away: fine" in result.stderr
    assert rows(pipeline, "select decision_date from deals where id = 1") == [("2028-01-05",)]


ODD = """
[deal]
account = "Odd Dates Ltd"
value = 1000

[[who]]
name = "Sam Lee"
role = "user"

[[what]]
step = "Pilot review"
date = "2026-12-19"

[[what]]
step = "Board"
date = "2027-01-20"

[[what]]
step = "Budget call"
date = "2026-12-15"

[when]
decision_date = "2027-01-15"

[next_step]
agreed = true
what = "Demo"
date = "2026-12-01"
"""


def test_qualify_answers_notes_each_odd_step_date_and_keeps_it(
    dealcoach_home: Path, tmp_path: Path
) -> None:
    answers = tmp_path / "odd.toml"
    answers.write_text(ODD, encoding="utf-8")
    result = run("qualify", "--answers", str(answers))
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "check it" in line]
    assert notes == [
        "dealcoach: note: step 'Pilot review' on Sat 2026-12-19: a Saturday: fine, but check it",
        "dealcoach: note: step 'Board' on Wed 2027-01-20: after their decision date"
        " Fri 2027-01-15: fine, but check it",
    ]  # the Tuesday budget call and the next step draw nothing
    db = dealcoach_home / "dealcoach.db"
    stored = rows(db, "select answers from interviews where deal_id = 1")[0][0]
    assert "2026-12-19" in stored and "2027-01-20" in stored
