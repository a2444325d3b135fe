"""Hostile input, second round (issue 16): what once crashed with exit 70 is one line and exit 1,
naming the file; user text is escaped in every message; what dealcoach writes is private."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from .clirun import EXAMPLES, TODAY, invoke, qualify_json

HUGE_INT = "9" * 5_000
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    return dealcoach_home / "dealcoach.db"


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def refused(result: Any, db: Path, before: list[str], *names: str) -> str:
    """Exit 1, one line that names the file, and nothing stored changed."""
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dealcoach: "), result.stderr
    assert "internal error" not in result.stderr and result.stdout == ""
    for name in names:
        assert name in lines[0]
    assert dump(db) == before
    return lines[0]


def test_a_huge_integer_in_an_answers_file_is_refused(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text('{"deal": {"account": "A", "value": ' + HUGE_INT + "}}")
    before = dump(db)
    line = refused(
        invoke("--today", TODAY, "qualify", "--answers", str(path)), db, before, "big.json"
    )
    assert "digits" in line


def test_a_huge_integer_on_stdin_is_refused(db: Path) -> None:
    before = dump(db)
    text = '{"deal": {"account": "A", "value": ' + HUGE_INT + "}}"
    result = invoke("--today", TODAY, "qualify", "--answers", "-", input=text)
    assert "digits" in refused(result, db, before)


def test_a_huge_integer_in_a_toml_answers_file_is_refused(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text('[deal]\naccount = "A"\nvalue = ' + HUGE_INT + "\n")
    before = dump(db)
    refused(invoke("--today", TODAY, "qualify", "--answers", str(path)), db, before, "big.toml")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("big.json", '[{"account": "A", "value": ' + HUGE_INT + "}]"),
        ("big.jsonl", '{"account": "A", "value": ' + HUGE_INT + "}\n"),
        ("deep.json", '[{"account": ' + DEEP + "}]"),
        ("deep.jsonl", '{"account": ' + DEEP + "}\n"),
        ("bare.json", DEEP),
    ],
)
def test_hostile_json_imports_are_refused(db: Path, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    before = dump(db)
    refused(invoke("--today", TODAY, "import", str(path)), db, before, name)


@pytest.mark.parametrize("cell", [DEEP, '[{"signal": ' + HUGE_INT + "}]"], ids=["deep", "huge"])
def test_a_hostile_reasons_cell_is_refused(db: Path, tmp_path: Path, cell: str) -> None:
    exported = invoke("export", "deals", "--format", "csv")
    assert exported.exit_code == 0, exported.stderr
    header, line = exported.stdout.splitlines()[:2]
    columns = header.split(",")
    import csv
    import io

    values = next(csv.reader(io.StringIO(line)))
    values[columns.index("reasons")] = cell
    values[columns.index("id")] = "77"
    out = io.StringIO()
    csv.writer(out).writerows([columns, values])
    path = tmp_path / "deals.csv"
    path.write_text(out.getvalue())
    before = dump(db)
    line = refused(invoke("--today", TODAY, "import", str(path)), db, before, "deals.csv")
    assert "reasons" in line


@pytest.mark.parametrize(
    "command", [["next"], ["list"], ["show", "D1"], ["log", "D1", "--kind", "note"], ["doctor"]]
)
def test_a_deeply_nested_config_is_refused(
    db: Path, dealcoach_home: Path, command: list[str]
) -> None:
    config = dealcoach_home / "config.toml"
    config.write_text("x = " + "[" * 5_000 + "]" * 5_000 + "\n")
    before = dump(db)
    result = invoke("--today", TODAY, *command)
    if command == ["doctor"]:
        assert "internal error" not in result.stderr and result.exit_code != 70
        assert "nested" in result.stderr + result.stdout
        assert dump(db) == before
        return
    if command[0] in ("list", "show"):  # reads that do not need the settings keep working
        assert result.exit_code == 0, result.stderr
        return
    assert "nested" in refused(result, db, before, "config.toml")


def test_a_huge_integer_in_the_config_is_refused(db: Path, dealcoach_home: Path) -> None:
    (dealcoach_home / "config.toml").write_text("x = " + HUGE_INT + "\n")
    before = dump(db)
    refused(invoke("--today", TODAY, "next"), db, before, "config.toml")


# Terminal escapes: window title (OSC 0), hyperlink (OSC 8), clipboard (OSC 52), colour, bell.
ESCAPES = "\x1b]0;owned\x07\x1b]8;;x.example\x1b\\link\x1b]52;c;aGk=\x07\x1b[31m\x9b2J"


def no_control(text: str) -> None:
    """Nothing a terminal would act on: only printable text and line ends."""
    bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0]
    assert not bad, repr(text)


def test_an_unknown_crm_stage_is_escaped_in_its_hint(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "hub.csv"
    path.write_text(
        "Record ID,Deal Name,Deal Stage,Close Date,Amount,Associated Company,Create Date\n"
        f"101,Reading,Demo{ESCAPES},2027-01-15,48000,Lincoln,2026-10-02\n",
        newline="",
    )
    before = dump(db)
    result = invoke("--today", TODAY, "import", str(path), "--from", "hubspot")
    line = refused(result, db, before, "hub.csv", "--map-stage")
    no_control(result.stderr)
    assert '--map-stage "Demo\\x1b]0;owned\\x07' in line


@pytest.mark.parametrize(
    "args",
    [
        ["import", "{dir}/missing{esc}.csv"],
        ["import", "{dir}/bad{esc}.csv"],
        ["import", "{dir}/missing{esc}.csv", "--from", "hubspot"],
        ["qualify", "--answers", "{dir}/missing{esc}.toml"],
        ["qualify", "--answers", "{dir}/bad{esc}.toml"],
        ["export", "deals", "--output", "{dir}/folder{esc}"],
        ["--db", "{dir}/folder{esc}", "next"],
        ["show", "Acme{esc}"],
        ["log", "D1", "--kind", "note", "--date", "when{esc}"],
    ],
)
def test_file_names_and_user_text_are_escaped_in_errors(
    db: Path, tmp_path: Path, args: list[str]
) -> None:
    (tmp_path / f"bad{ESCAPES}.csv").write_text("nothing,known\n1,2\n")
    (tmp_path / f"bad{ESCAPES}.toml").write_text("[deal]\naccount = 3\n")
    (tmp_path / f"folder{ESCAPES}").mkdir()
    before = dump(db)
    result = invoke("--today", TODAY, *[a.format(dir=tmp_path, esc=ESCAPES) for a in args])
    assert result.exit_code in (1, 2), result.stderr
    assert "internal error" not in result.stderr and result.stdout == ""
    no_control(result.stderr)
    assert "\\x1b]0;owned\\x07" in result.stderr
    assert dump(db) == before


@pytest.mark.parametrize("args", [["import", "{name}"], ["qualify", "--answers", "{name}"]])
def test_a_file_name_with_a_line_break_stays_one_line(
    db: Path, tmp_path: Path, args: list[str]
) -> None:
    name = str(tmp_path / "two\nlines.csv")
    before = dump(db)
    result = invoke("--today", TODAY, *[a.format(name=name) for a in args])
    refused(result, db, before, "two\\nlines.csv")


def test_a_dry_run_escapes_the_file_names_it_lists(db: Path, tmp_path: Path) -> None:
    exported = invoke("export", "deals", "--format", "csv")
    path = tmp_path / f"deals{ESCAPES}.csv"
    path.write_text(exported.stdout.replace("\n1,", "\n5,", 1), newline="")
    result = invoke("--today", TODAY, "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    no_control(result.stdout + result.stderr)
    assert "\\x1b]0;owned\\x07" in result.stdout


# -- private files: what dealcoach writes is 0600, the folders it makes 0700 ------------------------


@pytest.fixture
def umask_022() -> Any:
    """The usual umask, under which a plain open() makes 0644 files and mkdir 0755 folders."""
    import os

    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def wider(root: Path) -> list[str]:
    """Files wider than 0600 and folders wider than 0700 under root (itself included)."""
    found = [root, *root.rglob("*")]
    return [
        f"{p} {mode(p):o}"
        for p in found
        if mode(p) & (0o077 if p.is_dir() else 0o177) and not p.is_symlink()
    ]


def test_every_file_and_folder_in_the_data_folder_is_private(
    umask_022: None, dealcoach_home: Path, tmp_path: Path
) -> None:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    (dealcoach_home / "config.toml").write_text('country = "US"\n')
    os_chmod(dealcoach_home / "config.toml", 0o600)
    for args in (["next"], ["backup"], ["backup"], ["doctor"], ["plan", "D1"]):
        result = invoke("--today", TODAY, *args)
        assert result.exit_code == 0, (args, result.stderr)
    assert (dealcoach_home / "backups").is_dir() and (dealcoach_home / "cache").is_dir()
    assert wider(dealcoach_home) == []


def os_chmod(path: Path, value: int) -> None:
    import os

    os.chmod(path, value)


@pytest.mark.parametrize(
    "args",
    [
        ["export", "deals", "--output", "{out}/deals.csv"],
        ["export", "followups", "--format", "ics", "--output", "{out}/deals.ics"],
        ["export", "deals", "--format", "jsonl", "--output", "{out}/deals.jsonl"],
        ["plan", "D1", "--ics", "{out}/d1.ics"],
        ["backup", "{out}/copy.db"],
    ],
)
def test_files_written_to_a_chosen_folder_are_private_and_the_folder_is_left_as_is(
    umask_022: None, db: Path, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "chosen"
    out.mkdir(mode=0o755)
    os_chmod(out, 0o755)
    result = invoke("--today", TODAY, *[a.format(out=out) for a in args])
    assert result.exit_code == 0, result.stderr
    (written,) = out.iterdir()
    assert mode(written) == 0o600
    assert mode(out) == 0o755


def test_an_export_replacing_a_file_leaves_it_private(
    umask_022: None, db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "deals.csv"
    target.write_text("old")
    os_chmod(target, 0o644)
    assert invoke("export", "deals", "--output", str(target)).exit_code == 0
    assert mode(target) == 0o600


def test_folders_dealcoach_makes_for_a_new_db_are_private_and_a_chosen_one_is_kept(
    umask_022: None, tmp_path: Path
) -> None:
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    os_chmod(chosen, 0o755)
    new = qualify_json(
        "--db", str(chosen / "a" / "b" / "d.db"), "--answers", str(EXAMPLES / "thin-lead.toml")
    )
    assert new["deal"]["id"] == 1
    assert mode(chosen) == 0o755
    assert mode(chosen / "a") == 0o700 and mode(chosen / "a" / "b") == 0o700
    assert mode(chosen / "a" / "b" / "d.db") == 0o600


def test_a_first_draft_makes_a_private_data_folder(umask_022: None, dealcoach_home: Path) -> None:
    from dealcoach.home import drafts, paths

    assert not dealcoach_home.exists()
    drafts.save(drafts.key_for(None), {"answers": {}})
    assert mode(dealcoach_home) == 0o700 and mode(paths.drafts_dir()) == 0o700


def test_doctor_reports_a_wide_data_folder(db: Path, dealcoach_home: Path) -> None:
    os_chmod(dealcoach_home, 0o755)
    result = invoke("doctor", "--json")
    assert result.exit_code == 1
    failed = {c["name"]: c for c in json.loads(result.stdout)["checks"] if not c["ok"]}
    assert set(failed) == {"folder permissions"}
    assert failed["folder permissions"]["fix"] == f"chmod 700 {dealcoach_home}"


def test_doctor_reports_a_wide_database(db: Path) -> None:
    os_chmod(db, 0o640)
    failed = {
        c["name"] for c in json.loads(invoke("doctor", "--json").stdout)["checks"] if not c["ok"]
    }
    assert failed == {"permissions"}
