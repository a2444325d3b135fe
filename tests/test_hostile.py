"""Hostile input: stored faithfully or refused in one line (exit 1); never a traceback, never a
partial write. The corpus lives in tests/hostile/; the big ones are built here."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.answers import file as answers_file
from dealcoach.errors import BadInput

from .clirun import EXAMPLES, TODAY, invoke, qualify_json, rows

CORPUS = sorted((Path(__file__).parent / "hostile").iterdir())
CHILD = Path(__file__).parent / "helpers" / "small_disk_child.py"


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    return dealcoach_home / "dealcoach.db"


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def assert_refused(result: Any, db: Path, before: list[str]) -> None:
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("dealcoach: ")
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert dump(db) == before


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_answers_files_are_refused_in_one_line_each(db: Path, path: Path) -> None:
    before = dump(db)
    result = invoke("--today", TODAY, "qualify", "--answers", str(path))
    assert_refused(result, db, before)
    assert all(line.startswith(f"dealcoach: {path}") for line in result.stderr.splitlines())


STRANGE = [
    "Acme [draft]",
    "Acme [/bold] [red]",
    "N\x00ul and \x1b[31mescape\x07",
    "Ünïcödé 🚀 لوحة التحكم עברית",
    "'=1+2",
    "x" * 1_000_000,
]


@pytest.mark.parametrize(
    "account", STRANGE, ids=["brackets", "markup", "control", "emoji-rtl", "formula", "1MB"]
)
def test_strange_text_is_stored_exactly_and_shown_safely(
    db: Path, tmp_path: Path, account: str
) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"deal": {"account": account, "title": account}}), encoding="utf-8")
    doc = qualify_json("--answers", str(path))
    assert doc["deal"]["account"] == account
    assert rows(db, f"select account from deals where id = {doc['deal']['id']}") == [(account,)]
    screen = invoke("--today", TODAY, "show", str(doc["deal"]["id"]))
    assert screen.exit_code == 0
    assert (
        "\x1b" not in screen.stdout and "\x00" not in screen.stdout and "\x07" not in screen.stdout
    )
    if len(account) < 100:
        assert (
            json.loads(invoke("show", str(doc["deal"]["id"]), "--json").stdout)["deal"]["account"]
            == account
        )


def test_deeply_nested_json_is_refused(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    before = dump(db)
    assert_refused(invoke("qualify", "--answers", str(path)), db, before)


def test_binary_file_is_refused(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "photo.toml"
    path.write_bytes(bytes(range(256)) * 10)
    before = dump(db)
    result = invoke("qualify", "--answers", str(path))
    assert_refused(result, db, before)
    assert "binary" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "D1", "--kind", "note", "--date", "0001-01-01"], "outside"),
        (["log", "D1", "--kind", "note", "--date", "9999-12-31"], "outside"),
        (["log", "D1", "--kind", "note", "--date", "2026-13-01"], "not a real date"),
        (["log", "D1", "--kind", "note", "--away-until", "whenever"], "could not read the date"),
        (["snooze", "D1", "--for", "99999999w"], "not a duration"),
        (["snooze", "D1", "--until", "in 9999 months"], "after"),
        (["log", "D\x00", "--kind", "note"], "no deal"),
        (["done", "F" + "9" * 30], "not a follow-up id"),
        (["--today", "1969-12-31", "next"], "outside"),
    ],
)
def test_hostile_options_are_refused(db: Path, args: list[str], message: str) -> None:
    before = dump(db)
    result = invoke("--today", TODAY, *args) if args[0] != "--today" else invoke(*args)
    assert_refused(result, db, before)
    assert message in result.stderr


def test_a_huge_note_is_stored_faithfully(db: Path) -> None:
    note = "🚀\u202e" + "y" * 1_000_000
    result = invoke("--today", TODAY, "log", "D1", "--kind", "note", "--note", note, "--json")
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select note from touches where kind = 'note'") == [(note,)]


def test_a_full_disk_is_one_line_and_nothing_partial(db: Path, tmp_path: Path) -> None:
    before = dump(db)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"deal": {"account": "Big", "title": "z" * 2_000_000}}))
    done = subprocess.run(
        [
            sys.executable,
            str(CHILD),
            "--db",
            str(db),
            "--today",
            TODAY,
            "qualify",
            "--answers",
            str(big),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "full" in lines[0]
    assert dump(db) == before


def test_a_db_path_that_cannot_exist_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke("--db", str(blocker / "sub" / "d.db"), "next")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
sections = st.fixed_dictionaries(
    {},
    optional={
        "deal": st.dictionaries(
            st.sampled_from(["account", "value", "stage", "meeting_date", "currency", "x"]),
            json_values,
        ),
        "who": json_values,
        "what": json_values,
        "when": json_values,
        "how": json_values,
        "readiness": json_values,
        "next_step": json_values,
        "signals": json_values,
    },
)


@given(st.one_of(sections, json_values))
def test_the_answers_parser_only_accepts_or_refuses(document: Any) -> None:
    try:
        answers = answers_file.validate(document, date(2026, 11, 23), "fuzz")
    except BadInput as exc:
        assert exc.message.startswith("fuzz")
    else:
        assert answers.deal.account.strip()


@given(st.binary(max_size=300))
def test_the_file_reader_only_accepts_or_refuses(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.toml"
        path.write_bytes(data)
        with contextlib.suppress(BadInput):
            answers_file.load(str(path), date(2026, 11, 23))


HEADERS = [
    b"id,account,title,value,created,qualified\r\n",
    b"Record ID,Deal Name,Deal Stage,Close Date,Amount,Associated Company,Create Date\r\n",
    b"",
]


@given(st.sampled_from(HEADERS), st.binary(max_size=400), st.sampled_from(["csv", "json", "jsonl"]))
def test_the_import_parsers_only_accept_or_refuse(header: bytes, body: bytes, kind: str) -> None:
    """Any bytes at all: a parsed file or BadInput naming the file, never another exception."""
    from dealcoach.interop import crm, dealcoach_rows, loading

    name = f"fuzz.{kind}"
    try:
        loaded = loading.parse(header + body, name)
        dealcoach_rows.validate_dealcoach([loaded], {})
        crm.validate_crm([loaded], crm.CRMS["hubspot"], {}, {}, None)
    except BadInput as exc:
        assert exc.message.strip()
