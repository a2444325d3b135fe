"""Mending the deal list (issue 15): `merge` a duplicate, `delete` a mistake, `reopen` a closed deal."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .clirun import EXAMPLES, TODAY, invoke

LATER = "2026-11-30"
TABLES = ("deals", "interviews", "stakeholders", "steps", "followups", "touches")


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    return dealcoach_home / "dealcoach.db"


def ok(*args: str, today: str = TODAY, input: str | None = None) -> Any:
    result = invoke("--today", today, *args, input=input)
    assert result.exit_code == 0, result.stderr
    return result


def count(db: Path, table: str, deal_id: int) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE deal_id = ?", (deal_id,)
        ).fetchone()[0]


def dump(db: Path) -> dict[str, list[Any]]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}


def two_deals(*, second_today: str = TODAY) -> None:
    """D1 Lincoln (healthy-district), D2 the thin lead, each with its interview and plan."""
    ok("qualify", "--answers", str(EXAMPLES / "healthy-district.toml"))
    ok("qualify", "--answers", str(EXAMPLES / "thin-lead.toml"), today=second_today)


def account(db: Path, deal_id: int) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT account FROM deals WHERE id = ?", (deal_id,)).fetchone()[0]


def one_line_error(result: Any, code: int, *words: str) -> None:
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def fail_on_deal_delete(db: Path) -> None:
    """Make the last write of merge / delete fail, to see the whole transaction undone."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TRIGGER no_delete BEFORE DELETE ON deals BEGIN SELECT RAISE(ABORT, 'boom'); END"
        )


# -- merge -------------------------------------------------------------------------------------------


def test_merge_moves_everything_and_removes_the_duplicate(db: Path) -> None:
    two_deals()
    lincoln = account(db, 1)
    ok("log", "D2", "--kind", "email", "--inbound", "--note", "asked for pricing")
    touches = count(db, "touches", 1) + count(db, "touches", 2)
    history = count(db, "interviews", 1) + count(db, "interviews", 2)
    result = ok("merge", "D2", "D1")
    assert "merged D2" in result.stdout and "D1" in result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM deals").fetchall() == [(1,)]
        for table in TABLES[1:]:
            assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE deal_id = 2").fetchone() == (
                0,
            )
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        notes = [r[0] for r in conn.execute("SELECT note FROM touches WHERE deal_id = 1")]
    assert "asked for pricing" in notes
    assert count(db, "touches", 1) == touches
    assert count(db, "interviews", 1) == history
    # same day: D2's interview was taken later, so its answers are the newer ones
    assert account(db, 1) == "Northwind Traders" != lincoln
    assert count(db, "followups", 1) > 0  # re-planned
    shown = json.loads(ok("show", "D1", "--json").stdout)
    assert shown["deal"]["id"] == 1


def test_merge_keeps_the_newer_answers(db: Path) -> None:
    two_deals(second_today=LATER)  # D2's interview is a week newer
    with sqlite3.connect(db) as conn:
        people = conn.execute(
            "SELECT name FROM stakeholders WHERE deal_id = 2 ORDER BY position"
        ).fetchall()
        steps = conn.execute("SELECT key FROM steps WHERE deal_id = 2 ORDER BY position").fetchall()
    thin = account(db, 2)
    ok("merge", "D2", "D1", today=LATER)
    assert account(db, 1) == thin
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute(
                "SELECT name FROM stakeholders WHERE deal_id = 1 ORDER BY position"
            ).fetchall()
            == people
        )
        assert (
            conn.execute("SELECT key FROM steps WHERE deal_id = 1 ORDER BY position").fetchall()
            == steps
        )


def test_merge_keeps_the_target_answers_when_they_are_newer(db: Path) -> None:
    ok("qualify", "--answers", str(EXAMPLES / "thin-lead.toml"))
    ok("qualify", "--answers", str(EXAMPLES / "healthy-district.toml"), today=LATER)
    with sqlite3.connect(db) as conn:
        people = conn.execute(
            "SELECT name FROM stakeholders WHERE deal_id = 2 ORDER BY position"
        ).fetchall()
    lincoln = account(db, 2)
    ok("merge", "D1", "D2", today=LATER)
    assert account(db, 2) == lincoln
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute(
                "SELECT name FROM stakeholders WHERE deal_id = 2 ORDER BY position"
            ).fetchall()
            == people
        )


def test_merging_a_crm_duplicate_keeps_its_external_id_so_a_re_import_matches(
    db: Path, tmp_path: Path
) -> None:
    ok("qualify", "--answers", str(EXAMPLES / "healthy-district.toml"))
    crm = tmp_path / "hubspot.csv"
    crm.write_text(
        "Record ID,Deal Name,Deal Stage,Close Date,Amount,Currency,Associated Company\n"
        "101,Other title,Decision Maker Bought-In,2027-01-15,48000,USD,Lincoln Unified School District\n"
    )
    ok("import", str(crm), "--from", "hubspot")
    ok("merge", "D2", "D1")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, external_source, external_id FROM deals").fetchall() == [
            (1, "hubspot", "101")
        ]
    again = ok("import", str(crm), "--from", "hubspot")
    assert "0 new" in again.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM deals").fetchone() == (1,)


def test_a_failed_merge_leaves_both_deals_as_they_were(db: Path) -> None:
    two_deals(second_today=LATER)
    fail_on_deal_delete(db)
    before = dump(db)
    result = invoke("--today", LATER, "merge", "D2", "D1")
    assert result.exit_code != 0
    assert dump(db) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("merge", "D1", "D1"), ("into itself",)),
        (("merge", "D2", "D9"), ("D9",)),
    ],
)
def test_merge_refusals(db: Path, args: tuple[str, ...], words: tuple[str, ...]) -> None:
    two_deals()
    before = dump(db)
    one_line_error(invoke("--today", TODAY, *args), 1, *words)
    assert dump(db) == before


@pytest.mark.parametrize("closed", ["D1", "D2"])
def test_merge_refuses_a_closed_deal_and_says_reopen(db: Path, closed: str) -> None:
    two_deals()
    ok("close", closed, "lost")
    before = dump(db)
    one_line_error(invoke("--today", TODAY, "merge", "D2", "D1"), 1, closed, "reopen")
    assert dump(db) == before


# -- delete ------------------------------------------------------------------------------------------


def test_delete_without_a_terminal_needs_yes(db: Path) -> None:
    two_deals()
    before = dump(db)
    one_line_error(invoke("--today", TODAY, "delete", "D2"), 2, "--yes")
    assert dump(db) == before


def test_delete_yes_removes_the_deal_and_all_its_rows(db: Path) -> None:
    two_deals()
    ok("log", "D2", "--kind", "call", "--note", "called")
    result = ok("delete", "D2", "--yes")
    assert "deleted D2" in result.stdout
    for table in TABLES[1:]:
        assert count(db, table, 2) == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM deals").fetchall() == [(1,)]
    assert count(db, "interviews", 1) == 1  # the other deal is untouched


@pytest.mark.parametrize(
    ("answer", "deleted"),
    [("y\n", True), ("yes\n", True), ("n\n", False), ("\n", False), ("", False)],
)
def test_delete_on_a_terminal_asks(
    db: Path, monkeypatch: pytest.MonkeyPatch, answer: str, deleted: bool
) -> None:
    two_deals()
    monkeypatch.setattr("dealcoach.commands.mend.on_terminal", lambda: True)
    result = invoke("--today", TODAY, "delete", "D2", input=answer)
    assert "delete D2" in result.stderr and "[y/N]" in result.stderr
    assert (count(db, "interviews", 2) == 0) is deleted
    assert result.exit_code == (0 if deleted else 1)


def test_a_failed_delete_changes_nothing(db: Path) -> None:
    two_deals()
    fail_on_deal_delete(db)
    before = dump(db)
    assert invoke("--today", TODAY, "delete", "D2", "--yes").exit_code != 0
    assert dump(db) == before


def test_delete_never_loads_the_interview_prompts(db: Path, tmp_path: Path) -> None:
    two_deals()
    probe = (
        "import sys\n"
        "sys.argv = ['dealcoach', *sys.argv[1:]]\n"
        "from dealcoach.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('questionary', 'prompt_toolkit')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "--today", TODAY, "delete", "D2", "--yes"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr
    assert count(db, "interviews", 2) == 0


# -- reopen ------------------------------------------------------------------------------------------


def test_reopen_a_closed_deal_plans_it_again(db: Path) -> None:
    two_deals()
    ok("close", "D1", "lost", "--reason", "by mistake")
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT COUNT(*) FROM followups WHERE deal_id = 1 AND status = 'planned'"
        ).fetchone() == (0,)
    result = ok("reopen", "D1")
    assert "reopened D1" in result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT status, close_reason, closed_on FROM deals WHERE id = 1"
        ).fetchone() == ("open", None, None)
        planned = conn.execute(
            "SELECT COUNT(*) FROM followups WHERE deal_id = 1 AND status = 'planned'"
        ).fetchone()[0]
    assert planned > 0


def test_reopen_an_open_deal_is_refused(db: Path) -> None:
    two_deals()
    before = dump(db)
    one_line_error(invoke("--today", TODAY, "reopen", "D1"), 1, "D1", "open")
    assert dump(db) == before
