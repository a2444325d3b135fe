"""The plan as a calendar: RFC 5545 that icalendar parses back, and that updates instead of duplicating."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from dealcoach.interop import ics

from .clirun import EXAMPLES, TODAY, invoke

COLUMNS = (
    "id, deal_id, due, snoozed_until, status, sequence, changed, who, bring, purpose, milestone"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: three qualified deals, F1 done, F2 snoozed, D3 closed (its plan dropped)."""
    db = tmp_path_factory.mktemp("ics") / "template.db"
    for args in (
        ("qualify", "--answers", str(EXAMPLES / "healthy-district.toml")),
        ("qualify", "--answers", str(EXAMPLES / "thin-lead.toml")),
        ("qualify", "--answers", str(EXAMPLES / "back-burner.toml")),
        ("done", "F1", "--replied"),
        ("snooze", "F2", "--until", "2026-12-09"),
        ("close", "D3", "lost"),
    ):
        result = invoke("--db", str(db), "--today", TODAY, *args)
        assert result.exit_code == 0, result.stderr
    return db


@pytest.fixture
def db(template: Path, dealcoach_home: Path) -> Path:
    target = dealcoach_home / "dealcoach.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return target


def run(*args: str) -> Any:
    result = invoke("--today", TODAY, *args)
    assert result.exit_code == 0, result.stderr
    return result


def followups(db: Path, where: str = "1 = 1") -> dict[str, dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            f"SELECT f.{COLUMNS.replace(', ', ', f.')}, d.account FROM followups f"
            f" JOIN deals d ON d.id = f.deal_id WHERE {where}"
        ).fetchall()
    return {f"{row['id']}@dealcoach": dict(row) for row in rows}


def events(data: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(data)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_every_follow_up_is_one_event_with_the_contract_fields(db: Path) -> None:
    data = bytes(run("export", "followups", "--format", "ics").stdout_bytes)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded as RFC 5545 wants
    found = events(data)
    stored = followups(db)
    assert set(found) == set(stored)
    for uid, row in stored.items():
        event = found[uid]
        start = event.decoded("dtstart")
        assert type(start) is date  # all day
        expected = (
            max(row["due"], row["snoozed_until"] or "")
            if row["status"] == "planned"
            else row["due"]
        )
        assert start.isoformat() == expected
        assert int(event["sequence"]) == row["sequence"]
        changed = date.fromisoformat(row["changed"])
        assert event.decoded("dtstamp") == datetime(
            changed.year, changed.month, changed.day, tzinfo=UTC
        )
        cancelled = row["status"] in ("done", "dropped")
        assert str(event["status"]) == ("CANCELLED" if cancelled else "CONFIRMED")
        summary = str(event["summary"])
        assert summary.startswith("Bring: ")
        assert row["account"] in summary
        if row["who"]:
            assert row["who"] in summary
        description = str(event["description"])
        assert f"Purpose: {row['purpose'].replace('_', ' ')}" in description
        assert f"Bring: {row['bring']}" in description
        if row["milestone"]:
            assert f"Buyer step: {row['milestone']}" in description


def test_done_and_dropped_are_cancelled_and_the_snooze_moves_the_day(db: Path) -> None:
    found = events(bytes(run("export", "followups", "--format", "ics").stdout_bytes))
    assert str(found["1@dealcoach"]["status"]) == "CANCELLED"
    assert int(found["1@dealcoach"]["sequence"]) == 1
    dropped = followups(db, "f.status = 'dropped'")
    assert dropped and all(str(found[uid]["status"]) == "CANCELLED" for uid in dropped)
    assert found["2@dealcoach"].decoded("dtstart") == date(2026, 12, 9)


def test_a_change_updates_the_same_event(db: Path) -> None:
    """A subscribed calendar sees the same UID with a higher SEQUENCE, never a second event."""
    before = events(bytes(run("export", "followups", "--format", "ics").stdout_bytes))
    later = invoke("--today", "2026-11-24", "done", "F4")
    assert later.exit_code == 0, later.stderr
    after = events(bytes(run("export", "followups", "--format", "ics").stdout_bytes))
    assert set(before) <= set(after)
    assert int(after["4@dealcoach"]["sequence"]) == int(before["4@dealcoach"]["sequence"]) + 1
    assert str(after["4@dealcoach"]["status"]) == "CANCELLED"
    assert after["4@dealcoach"].decoded("dtstamp").date() == date(2026, 11, 24)


def test_the_same_data_gives_the_same_bytes(db: Path) -> None:
    first = run("export", "followups", "--format", "ics").stdout_bytes
    assert run("export", "followups", "--format", "ics").stdout_bytes == first


def test_filters_apply_to_the_calendar(db: Path) -> None:
    found = events(
        bytes(run("export", "followups", "--format", "ics", "--status", "open").stdout_bytes)
    )
    assert set(found) == set(followups(db, "d.status = 'open'"))
    due = events(
        bytes(run("export", "followups", "--format", "ics", "--due-by", "2026-11-30").stdout_bytes)
    )
    assert due and all(event.decoded("dtstart") <= date(2026, 11, 30) for event in due.values())


def test_plan_ics_writes_one_deal_and_keeps_stdout_for_the_plan(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "d1.ics"
    result = run("plan", "D1", "--ics", str(target), "--json")
    assert json.loads(result.stdout)["deal_id"] == 1  # stdout is still one JSON document
    assert f"to {target}" in result.stderr
    found = events(target.read_bytes())
    assert set(found) == set(followups(db, "f.deal_id = 1"))
    screen = run("plan", "D1", "--ics", str(target))
    assert "Lincoln Unified School District" in screen.stdout


def test_plan_ics_to_a_folder_is_a_one_line_error(db: Path, tmp_path: Path) -> None:
    result = invoke("--today", TODAY, "plan", "D1", "--ics", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"dealcoach: {tmp_path} is a folder; give a file name"]


def test_summary_is_short_and_the_description_complete() -> None:
    row = {
        "id": 7,
        "due": "2026-12-01",
        "snoozed_until": None,
        "status": "planned",
        "changed": "2026-11-23",
        "sequence": 0,
        "who": "Dana Ruiz",
        "account": "Lincoln",
        "bring": "x" * 300,
        "purpose": "before_step",
        "milestone": "Board presentation",
        "milestone_date": "2026-12-04",
        "channel": "email",
        "outline": "Line one\nLine two; with, punctuation",
    }
    summary = ics.summary(row)
    assert summary.endswith("— for Dana Ruiz · Lincoln") and len(summary) < 130
    description = ics.description(row)
    assert "x" * 300 in description
    assert "Buyer step: Board presentation (2026-12-04)" in description
    assert "dealcoach done F7" in description
    event = Calendar.from_ical(ics.calendar([row])).walk("VEVENT")[0]
    assert str(event["description"]) == description
