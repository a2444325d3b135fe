"""Reads judge as of their date (issue 13): `show`, `list` and `plan` never print yesterday's verdict.

A stored verdict holds until its `valid_until`. Past it, a read judges the deal again in memory,
as `next` would that morning, and stores nothing; `next` (and the writes) store it and announce it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from .clirun import EXAMPLES, TODAY, invoke

LATER = "2027-01-20"  # weeks of silence after the meeting on TODAY


def _json(db: Path, day: str, *args: str) -> Any:
    result = invoke("--db", str(db), "--today", day, *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _stored(db: Path) -> tuple[Any, ...]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT decision, confidence, reasons, valid_until, verdict_since FROM deals WHERE id = 1"
        ).fetchone()


@pytest.fixture
def silent(tmp_path: Path) -> Path:
    """The thin lead qualified on TODAY; the rep sends each follow-up on its day and nobody answers.

    After the last one the stored verdict is still pursue, valid until the day the buyer's time to
    answer runs out: from that day on the deal is ghosted.
    """
    db = tmp_path / "deals.db"
    _json(db, TODAY, "qualify", "--answers", str(EXAMPLES / "thin-lead.toml"))
    day = date.fromisoformat(TODAY)
    while _json(db, day.isoformat(), "plan", "D1")["plan"] and day.isoformat() < LATER:
        day += timedelta(days=1)
        for item in _json(db, day.isoformat(), "plan", "D1")["plan"]:
            if item["due"] <= day.isoformat():
                _json(db, day.isoformat(), "done", f"F{item['id']}")
    decision, _, _, valid_until, _ = _stored(db)
    assert decision == "pursue" and valid_until is not None
    return db


def test_show_judges_as_of_its_date_and_stores_nothing(silent: Path) -> None:
    before = _stored(silent)
    day = before[3]  # the stored verdict no longer holds today
    shown = _json(silent, day, "show", "D1")
    assert _stored(silent) == before  # a read writes nothing
    assert shown["verdict"]["decision"] == "let_go" and shown["verdict"]["since"] == day
    assert shown["verdict"]["reasons"][0]["signal"] == "ghosted"
    _json(silent, day, "next")  # next judges the same deal, stores it and announces it
    assert _stored(silent)[0] == "let_go"
    assert _json(silent, day, "show", "D1")["verdict"] == shown["verdict"]


def test_list_shows_todays_verdict(silent: Path) -> None:
    day = _stored(silent)[3]
    [line] = _json(silent, day, "list")
    assert line["decision"] == "let_go" != _stored(silent)[0]
    screen = invoke("--db", str(silent), "--today", day, "list")
    assert screen.exit_code == 0, screen.stderr
    assert "LET GO" in screen.stdout.upper()


def test_a_verdict_still_valid_is_read_as_stored(silent: Path) -> None:
    day = _stored(silent)[3]  # from this day on, the stored verdict no longer holds
    before = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    shown = _json(silent, before, "show", "D1")
    decision, _, reasons, valid_until, _ = _stored(silent)
    assert shown["verdict"]["decision"] == decision
    assert shown["verdict"]["reasons"] == json.loads(reasons)
    assert shown["verdict"]["valid_until"] == valid_until


def test_a_snoozed_deal_is_quiet_under_decide_too(tmp_path: Path) -> None:
    """Snoozed means quiet until the date, everywhere: a deal the buyer let go of is not listed
    to let go while the rep has snoozed it, and comes back on the date."""
    db = tmp_path / "deals.db"
    _json(db, TODAY, "qualify", "--answers", str(EXAMPLES / "thin-lead.toml"))
    _json(db, TODAY, "log", "D1", "--kind", "call", "--replied", "--signal", "chose_other")
    assert [d["deal_id"] for d in _json(db, TODAY, "next")["let_go"]] == [1]
    until = "2026-12-07"
    result = invoke("--db", str(db), "--today", TODAY, "snooze", "D1", "--until", until)
    assert result.exit_code == 0, result.stderr
    morning = _json(db, TODAY, "next")
    assert 1 not in [d["deal_id"] for name in ("let_go", "nurture", "stale") for d in morning[name]]
    assert [d["deal_id"] for d in _json(db, until, "next")["let_go"]] == [1]
