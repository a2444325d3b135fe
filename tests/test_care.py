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


# -- restore (issue 16): through SQLite's backup API, so a left-over -wal cannot undo it ----------


def _crash_after_write(db: Path, account: str) -> None:
    """Another dealcoach writes and dies before it checkpoints: its -wal file stays behind."""
    import subprocess
    import sys

    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute('UPDATE deals SET account = ? WHERE id = 1', (sys.argv[2],))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db), account], check=True)


def _a_backup(db: Path, tmp_path: Path, account: str) -> Path:
    copy = tmp_path / "chosen.db"
    assert invoke("backup", str(copy)).exit_code == 0
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE deals SET account = ? WHERE id = 1", (account,))
    return copy


def test_restore_survives_a_stale_wal_and_a_live_reader(
    db: Path, dealcoach_home: Path, tmp_path: Path
) -> None:
    chosen = _a_backup(db, tmp_path, "Restored Co")
    _crash_after_write(db, "Stale Co")
    assert Path(f"{db}-wal").stat().st_size > 0
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT account FROM deals").fetchall()
    try:
        result = invoke("--today", TODAY, "restore", str(chosen), "--yes")
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert result.exit_code == 0, result.stderr
    assert "restored" in result.stdout
    shown = invoke("--today", TODAY, "show", "D1", "--json")
    assert json.loads(shown.stdout)["deal"]["account"] == "Restored Co"
    assert rows(db, "select account from deals") == [("Restored Co",)]
    safety = dealcoach_home / "backups" / f"dealcoach-{TODAY}.db"
    assert stat.S_IMODE(safety.stat().st_mode) == 0o600
    assert rows(safety, "select account from deals") == [("Stale Co",)]
    assert rows(chosen, "select account from deals") == [("Restored Co",)]


def test_restore_without_a_terminal_needs_yes(db: Path, tmp_path: Path) -> None:
    chosen = _a_backup(db, tmp_path, "Restored Co")
    result = invoke("restore", str(chosen))
    assert result.exit_code == 2
    assert "--yes" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert rows(db, "select account from deals") == [("Lincoln Unified School District",)]


def test_restore_asks_on_a_terminal(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dealcoach.commands import care

    chosen = _a_backup(db, tmp_path, "Restored Co")
    monkeypatch.setattr(care, "_on_a_terminal", lambda: True)
    said_no = invoke("restore", str(chosen), input="n\n")
    assert said_no.exit_code == 1 and "Replace" in said_no.stderr
    assert rows(db, "select account from deals") == [("Lincoln Unified School District",)]
    said_yes = invoke("restore", str(chosen), input="y\n")
    assert said_yes.exit_code == 0, said_yes.stderr
    assert rows(db, "select account from deals") == [("Restored Co",)]


def _damage(path: Path) -> None:
    """Overwrite the pages after the schema with noise, keeping the header: a damaged database."""
    data = bytearray(path.read_bytes())
    for at in range(4096 + 200, len(data), 4096):
        data[at : at + 600] = b"\xa5" * 600
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["not ours", "damaged", "newer", "missing"])
def test_restore_refuses_a_bad_backup(db: Path, tmp_path: Path, kind: str) -> None:
    chosen = tmp_path / "chosen.db"
    if kind == "not ours":
        with sqlite3.connect(chosen) as conn:
            conn.execute("CREATE TABLE t (x)")
    elif kind != "missing":
        assert invoke("backup", str(chosen)).exit_code == 0
        if kind == "damaged":
            _damage(chosen)
        else:
            with sqlite3.connect(chosen) as conn:
                conn.execute("PRAGMA user_version = 99")
    result = invoke("restore", str(chosen), "--yes")
    assert result.exit_code == 1, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert rows(db, "select account from deals") == [("Lincoln Unified School District",)]
    assert not (db.parent / "backups").exists()


def test_doctor_advises_restore(db: Path) -> None:
    _damage(db)
    result = invoke("doctor", "--json")
    assert result.exit_code == 1
    fixes = [c["fix"] for c in json.loads(result.stdout)["checks"] if not c["ok"]]
    assert fixes and all("dealcoach restore" in fix for fix in fixes if "chmod" not in fix)


# -- damage that used to go unnoticed, or end in exit 70 (issue 16) ------------------------------


def _one_line(result: object) -> str:
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, lines
    return lines[0]


def test_backup_refuses_a_damaged_database(db: Path, tmp_path: Path) -> None:
    _damage(db)
    result = invoke("backup", str(tmp_path / "copy.db"))
    assert result.exit_code == 1
    assert "damaged" in _one_line(result) and "dealcoach doctor" in result.stderr
    assert not (tmp_path / "copy.db").exists()


def test_a_schema_version_below_the_migrations_is_reported(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 1")
    doctor = invoke("doctor", "--json")
    assert doctor.exit_code == 1, doctor.stderr
    failed = [c for c in json.loads(doctor.stdout)["checks"] if not c["ok"]]
    assert any("schema version" in c["detail"] for c in failed)
    listed = invoke("--today", TODAY, "list")
    assert listed.exit_code == 1
    assert "dealcoach doctor" in _one_line(listed)


DAMAGE = {
    "dropped touches": "DROP TABLE touches",
    "dropped followups": "DROP TABLE followups",
    "dropped deals": "DROP TABLE deals",
    "dropped a column": "DROP INDEX deals_account; DROP INDEX deals_open_account;"
    " ALTER TABLE deals DROP COLUMN account",
    "damaged pages": "",
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize(
    "command",
    [("next",), ("list",), ("show", "D1"), ("plan", "D1"), ("done", "F1"), ("export", "deals")],
)
def test_a_damaged_schema_is_one_line_pointing_to_doctor(
    db: Path, damage: str, command: tuple[str, ...]
) -> None:
    """A command that needs what was lost says so in one line; one that does not may work."""
    with sqlite3.connect(db) as conn:
        conn.executescript(DAMAGE[damage])
    if damage == "damaged pages":
        _damage(db)
    result = invoke("--today", TODAY, *command)
    assert result.exit_code in (0, 1), result.stderr
    if result.exit_code == 1:
        assert "dealcoach doctor" in _one_line(result)
    if damage in ("dropped deals", "dropped a column") and command[0] != "done":
        assert result.exit_code == 1, f"{command} worked without {damage}"


def test_an_emptied_database_points_to_restore(db: Path, dealcoach_home: Path) -> None:
    assert invoke("--today", TODAY, "backup").exit_code == 0
    db.write_bytes(b"")
    for command in (("next",), ("list",), ("backup",)):
        result = invoke("--today", TODAY, *command)
        assert result.exit_code == 1, result.stdout
        assert "dealcoach restore" in _one_line(result)
    assert db.read_bytes() == b""
    doctor = invoke("doctor", "--json")
    assert doctor.exit_code == 1 and "dealcoach restore" in doctor.stdout
    copy = dealcoach_home / "backups" / f"dealcoach-{TODAY}.db"
    assert invoke("--today", TODAY, "restore", str(copy), "--yes").exit_code == 0
    assert rows(db, "select account from deals") == [("Lincoln Unified School District",)]


def test_a_new_empty_file_without_backups_is_a_new_pipeline(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    fresh.write_bytes(b"")
    result = invoke("--db", str(fresh), "--today", TODAY, "list", "--json")
    assert result.exit_code == 0, result.stderr


def test_the_schema_mirror_matches_the_migrations(tmp_path: Path) -> None:
    from dealcoach.store.damage import TABLE_COLUMNS
    from dealcoach.store.store import Store

    with Store.open(tmp_path / "fresh.db") as store:
        assert store.db.missing_schema() == []
        tables = {
            name: tuple(row[1] for row in store.db.execute(f"PRAGMA table_info({name})"))
            for name in TABLE_COLUMNS
        }
    assert tables == TABLE_COLUMNS


TAMPERED = {
    "confidence": "UPDATE deals SET confidence = 'abc'",
    "due": "UPDATE followups SET due = 'zz'",
    "reasons": "UPDATE deals SET reasons = '{bad'",
    "touch date": "UPDATE touches SET date = X'00ff'",
}


@pytest.mark.parametrize("tampered", sorted(TAMPERED))
@pytest.mark.parametrize("command", [("next",), ("list",), ("show", "D1"), ("plan", "D1")])
def test_a_tampered_cell_is_one_line_pointing_to_doctor(
    db: Path, tampered: str, command: tuple[str, ...]
) -> None:
    """A stored value that does not read back is the file's damage, not dealcoach's bug."""
    with sqlite3.connect(db) as conn:
        if tampered == "touch date":
            assert invoke("--today", TODAY, "log", "D1", "--kind", "call").exit_code == 0
        conn.execute(TAMPERED[tampered])
    result = invoke("--today", TODAY, *command)
    assert result.exit_code in (0, 1), result.stderr
    if result.exit_code == 1:
        assert "dealcoach doctor" in _one_line(result)


def test_restore_refuses_the_database_itself(db: Path) -> None:
    result = invoke("restore", str(db), "--yes")
    assert result.exit_code == 1 and "itself" in _one_line(result)
    assert rows(db, "select account from deals") == [("Lincoln Unified School District",)]
