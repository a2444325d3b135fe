"""kill -9 at any point of a write leaves the database consistent: all of the change or none."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .clirun import EXAMPLES, TODAY, qualify_json

CHILD = Path(__file__).parent / "helpers" / "crash_child.py"
POINTS = 16  # crash points per command, spread over its statements

pytestmark = pytest.mark.timeout(300)


def run_child(limit: int, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHILD), str(limit), "--db", str(db), "--today", TODAY, *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def snapshot(db: Path) -> dict[str, int]:
    """Each table's row count and a digest of its content, after the integrity checks."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = ["deals", "stakeholders", "steps", "interviews", "followups", "touches"]
        state: dict[str, int] = {}
        for table in tables:
            content = conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            state[table] = len(content)
            state[f"{table}#"] = hash(tuple(content))
        return state


@pytest.fixture
def base(dealcoach_home: Path) -> Path:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    qualify_json("--answers", str(EXAMPLES / "back-burner.toml"))
    return dealcoach_home / "dealcoach.db"


@pytest.mark.parametrize(
    "args",
    [
        ("qualify", "--answers", str(EXAMPLES / "healthy-district.toml")),
        ("qualify", "D1", "--answers", str(EXAMPLES / "healthy-district.toml")),
        ("log", "D1", "--kind", "email", "--replied", "--owe", "pricing"),
        ("done", "F1", "--replied"),
        ("next", "--replan", "--today", "2026-12-10"),
    ],
    ids=["qualify-new", "requalify", "log", "done", "next-replan"],
)
def test_kill_9_anywhere_leaves_all_or_nothing(
    base: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    before = snapshot(base)
    work = tmp_path / "work.db"
    shutil.copy(base, work)
    full = run_child(0, work, *args)
    assert full.returncode == 0, full.stderr
    total = int(full.stderr.strip().rsplit("statements=", 1)[1])
    after = snapshot(work)
    assert after != before
    step = max(1, total // POINTS)
    outcomes = set()
    for limit in range(1, total + 1, step):
        shutil.copy(base, work)
        for suffix in ("-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        killed = run_child(limit, work, *args)
        assert killed.returncode == -9, (limit, killed.stderr)
        state = snapshot(work)
        assert state in (before, after), f"partial write after statement {limit}: {state}"
        outcomes.add("after" if state == after else "before")
    assert "before" in outcomes
