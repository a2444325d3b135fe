"""Two terminals at once: concurrent writers lose nothing and fail nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .clirun import EXAMPLES, TODAY, qualify_json

EXE = Path(sys.executable).parent / "dealcoach"

pytestmark = pytest.mark.timeout(180)


def test_logs_and_qualifies_in_parallel_all_land(dealcoach_home: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "healthy-district.toml"))
    db = dealcoach_home / "dealcoach.db"
    base = ["--db", str(db), "--today", TODAY]
    commands = []
    for i in range(6):
        commands.append([str(EXE), *base, "log", "D1", "--kind", "note", "--note", f"note {i}"])
        commands.append([str(EXE), *base, "qualify", "--answers", str(EXAMPLES / "thin-lead.toml")])
        commands.append([str(EXE), *base, "next", "--json"])
    procs = [
        subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    errors = [(p.args, p.communicate(timeout=120)[1]) for p in procs]
    assert [(args, err) for (args, err), p in zip(errors, procs, strict=True) if p.returncode] == []
    with sqlite3.connect(db) as conn:
        notes = conn.execute("SELECT COUNT(*) FROM touches WHERE kind = 'note'").fetchone()[0]
        deals = conn.execute("SELECT COUNT(*) FROM deals").fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (notes, deals) == (6, 7)


def test_a_lock_held_too_long_is_one_clear_line(dealcoach_home: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    db = dealcoach_home / "dealcoach.db"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = subprocess.run(
            [str(EXE), "--db", str(db), "--today", TODAY, "log", "D1", "--kind", "note"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "dealcoach: the database is busy (another dealcoach is writing); try again"
    ]
