"""backup and doctor: a copy you can trust, and a check that says how to fix what it finds."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from .clirun import EXAMPLES, TODAY, invoke, qualify_json, rows


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    qualify_json("--answers", str(EXAMPLES / "healthy-district.toml"))
    return dealcoach_home / "dealcoach.db"


def test_backup_is_private_complete_and_usable(db: Path, dealcoach_home: Path) -> None:
    result = invoke("--today", TODAY, "backup")
    assert result.exit_code == 0, result.stderr
    copy = dealcoach_home / "backups" / f"dealcoach-{TODAY}.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert rows(copy, "select account from deals") == rows(db, "select account from deals")
    shown = invoke("--db", str(copy), "--today", TODAY, "show", "D1", "--json")
    assert json.loads(shown.stdout)["deal"]["account"] == "Lincoln Unified School District"
    second = invoke("--today", TODAY, "backup")
    assert second.exit_code == 0 and f"dealcoach-{TODAY}-2.db" in second.stdout


def test_backup_never_overwrites(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "mine.db"
    target.write_text("keep me")
    result = invoke("backup", str(target))
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert target.read_text() == "keep me"


def test_backup_to_a_missing_folder_creates_nothing(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "deeper" / "x.db"
    result = invoke("backup", str(target))
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "no folder" in result.stderr and str(target.parent) in result.stderr
    assert not (tmp_path / "missing").exists()


def test_backup_is_consistent_while_another_process_writes(db: Path, tmp_path: Path) -> None:
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE deals SET account = 'half-written' WHERE id = 1")
    try:
        result = invoke("backup", str(tmp_path / "copy.db"))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.stderr
    assert rows(tmp_path / "copy.db", "select account from deals") == [
        ("Lincoln Unified School District",)
    ]


def test_doctor_on_a_healthy_database(db: Path) -> None:
    result = invoke("doctor")
    assert result.exit_code == 0, result.stdout
    assert "integrity" in result.stdout and "✗" not in result.stdout
    doc = json.loads(invoke("doctor", "--json").stdout)
    assert doc["ok"] is True
    assert {c["name"] for c in doc["checks"]} >= {
        "integrity",
        "foreign keys",
        "schema",
        "permissions",
    }


def test_doctor_names_each_problem_with_its_fix(db: Path, dealcoach_home: Path) -> None:
    os.chmod(db, 0o644)
    (dealcoach_home / "config.toml").write_text('country = "US"\ncolour = "blue"\n')
    result = invoke("doctor", "--json")
    assert result.exit_code == 1
    failed = {c["name"]: c for c in json.loads(result.stdout)["checks"] if not c["ok"]}
    assert set(failed) == {"permissions", "config"}
    assert failed["permissions"]["fix"] == f"chmod 600 {db}"
    assert "colour" in failed["config"]["detail"]


def test_doctor_on_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00not sqlite at all" * 50)
    result = invoke("--db", str(junk), "doctor", "--json")
    assert result.exit_code == 1
    failed = [c for c in json.loads(result.stdout)["checks"] if not c["ok"]]
    database = next(c for c in failed if c["name"] == "database")
    assert "not a dealcoach database" in database["detail"]
    assert junk.read_bytes() == b"\x00not sqlite at all" * 50


def test_doctor_without_a_database_says_how_to_start(tmp_path: Path) -> None:
    result = invoke("--db", str(tmp_path / "none.db"), "doctor")
    assert result.exit_code == 1 and "run dealcoach qualify" in result.stdout
    assert not (tmp_path / "none.db").exists()
