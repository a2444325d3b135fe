"""`dealcoach qualify --answers`: the contract a script relies on, and every bad input refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .clirun import EXAMPLES, TODAY, invoke, qualify_json, rows

DEAL_KEYS = {
    "id", "account", "title", "value", "currency", "stage", "status", "source", "type", "sector",
    "strategy", "strategy_used", "strategy_why", "decision_date", "created",
    "win_probability", "win_factors", "win_note",
}  # fmt: skip
FOLLOWUP_KEYS = {"id", "key", "due", "channel", "who", "purpose", "bring", "milestone", "outline"}


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    return dealcoach_home / "dealcoach.db"


def test_json_document_has_exactly_the_contract_keys(db: Path) -> None:
    doc = qualify_json("--answers", str(EXAMPLES / "healthy-district.toml"))
    assert set(doc) == {"deal", "verdict", "plan"}
    assert set(doc["deal"]) == DEAL_KEYS
    assert doc["deal"]["id"] == 1 and doc["deal"]["value"] == "48000"
    assert set(doc["verdict"]) == {"decision", "confidence", "reasons", "valid_until", "check_back"}
    assert doc["verdict"]["decision"] == "pursue"
    assert all(set(r) == {"signal", "detail"} for r in doc["verdict"]["reasons"])
    assert doc["plan"] and all(set(f) == FOLLOWUP_KEYS for f in doc["plan"])
    assert all(f["bring"] for f in doc["plan"])
    assert doc["plan"][0]["key"] == "recap:2026-11-23" and doc["plan"][0]["due"] == "2026-11-24"


def test_each_example_gives_its_verdict(db: Path) -> None:
    decisions = {
        name: qualify_json("--answers", str(EXAMPLES / name))["verdict"]["decision"]
        for name in ("healthy-district.toml", "thin-lead.toml", "back-burner.toml")
    }
    assert decisions == {
        "healthy-district.toml": "pursue",
        "thin-lead.toml": "pursue",
        "back-burner.toml": "nurture",
    }


def test_everything_is_stored(db: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "healthy-district.toml"))
    assert rows(db, "select account, value, status, decision from deals") == [
        ("Lincoln Unified School District", "48000", "open", "pursue")
    ]
    assert rows(db, "select count(*) from stakeholders") == [(3,)]
    assert rows(db, "select count(*) from steps") == [(4,)]
    assert rows(db, "select kind, date from interviews") == [("answers", TODAY)]
    assert rows(db, "select kind, date from touches") == [("meeting", TODAY)]
    assert rows(db, "select count(*) from followups where status = 'planned'")[0][0] >= 8


def test_requalify_keeps_history_and_follow_up_ids(db: Path) -> None:
    first = qualify_json("--answers", str(EXAMPLES / "healthy-district.toml"))
    again = qualify_json("D1", "--answers", str(EXAMPLES / "healthy-district.toml"))
    assert again["deal"]["id"] == 1
    assert [f["id"] for f in again["plan"]] == [f["id"] for f in first["plan"]]
    assert rows(db, "select count(*) from interviews") == [(2,)]
    assert rows(db, "select count(*) from deals") == [(1,)]


def test_requalify_by_account_prefix(db: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    doc = qualify_json("north", "--answers", str(EXAMPLES / "back-burner.toml"))
    assert doc["deal"]["id"] == 1
    assert doc["verdict"]["decision"] == "nurture"


def test_same_account_without_deal_warns_and_creates(tmp_path: Path, db: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    result = invoke("--today", TODAY, "qualify", "--answers", str(EXAMPLES / "thin-lead.toml"))
    assert result.exit_code == 0
    assert "already has D1" in result.stderr
    assert rows(db, "select count(*) from deals") == [(2,)]


def test_answers_from_stdin_as_json(db: Path) -> None:
    doc = {
        "deal": {"account": "Acme", "value": 100},
        "next_step": {"agreed": True, "date": "next wed"},
    }
    result = invoke("--today", TODAY, "qualify", "--answers", "-", "--json", input=json.dumps(doc))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["deal"]["account"] == "Acme"
    stored = json.loads(rows(db, "select answers from interviews")[0][0])
    assert stored["next_step"]["date"] == "2026-11-25"


def test_global_options_after_the_command(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.db"
    result = invoke(
        "qualify",
        "--answers",
        str(EXAMPLES / "thin-lead.toml"),
        "--db",
        str(other),
        "--today",
        TODAY,
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["deal"]["created"] == TODAY
    assert other.exists()


def test_today_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALCOACH_TODAY", "2026-12-01")
    result = invoke("qualify", "--answers", str(EXAMPLES / "thin-lead.toml"), "--json")
    assert json.loads(result.stdout)["deal"]["created"] == "2026-12-01"


def test_screen_shows_plan_verdict_and_user_text_as_written(tmp_path: Path) -> None:
    answers = tmp_path / "a.toml"
    answers.write_text('[deal]\naccount = "Acme [draft] \\u001b[31mred"\n')
    result = invoke("--today", TODAY, "qualify", "--answers", str(answers))
    assert result.exit_code == 0, result.stderr
    assert "Acme [draft] \\x1b[31mred" in result.stdout
    assert "\x1b" not in result.stdout
    assert "PURSUE" in result.stdout and "Plan" in result.stdout


# -- bad input: one line, exit 1, nothing stored lost -------------------------------------------


BAD_FILES = {
    "broken.toml": ("[deal\naccount = 1", "not valid TOML"),
    "broken.json": ('{"deal": {"account": "A",}}', "not valid JSON"),
    "unknown.toml": ('[deal]\naccount = "A"\ncolour = "red"', "deal.colour: unknown key"),
    "enum.toml": ('[deal]\naccount = "A"\nstage = "won"', "deal.stage: 'won' is not one of"),
    "role.toml": ('[deal]\naccount = "A"\n[[who]]\nname = "B"\nrole = "boss"', "who[0].role"),
    "date.toml": ('[deal]\naccount = "A"\n[when]\ndecision_date = "2026-02-30"', "when.decision_date: '2026-02-30' is not a real date"),
    "far.toml": ('[deal]\naccount = "A"\n[when]\ndecision_date = 9999-12-31', "when.decision_date: date '9999-12-31' is outside"),
    "negative.toml": ('[deal]\naccount = "A"\nvalue = -5', "deal.value: must be 0 or more"),
    "noaccount.toml": ("[deal]\ntitle = 'x'", "deal.account: required"),
    "pain.toml": ('[deal]\naccount = "A"\n[readiness]\npain = 9', "readiness.pain"),
    "list.json": ("[1, 2]", "expected a table of sections"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_answers_files_are_refused_in_one_line(tmp_path: Path, db: Path, name: str) -> None:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    before = rows(db, "select * from deals")
    content, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(content)
    result = invoke("--today", TODAY, "qualify", "--answers", str(path))
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert rows(db, "select * from deals") == before


def test_missing_file(tmp_path: Path) -> None:
    result = invoke("qualify", "--answers", str(tmp_path / "nope.toml"))
    assert result.exit_code == 1
    assert "no such file" in result.stderr


def test_unknown_deal_lists_candidates(db: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    result = invoke("qualify", "Globex", "--answers", str(EXAMPLES / "thin-lead.toml"))
    assert result.exit_code == 1
    assert "Globex" in result.stderr


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my precious notes\n" * 100)
    result = invoke("--db", str(notes), "qualify", "--answers", str(EXAMPLES / "thin-lead.toml"))
    assert result.exit_code == 1
    assert "not a dealcoach database" in result.stderr
    assert notes.read_text() == "my precious notes\n" * 100


def test_bad_today_option() -> None:
    result = invoke("--today", "someday", "qualify", "--answers", str(EXAMPLES / "thin-lead.toml"))
    assert result.exit_code == 1
    assert "YYYY-MM-DD" in result.stderr


def test_answers_with_quick_is_a_usage_mistake() -> None:
    result = invoke("qualify", "--answers", str(EXAMPLES / "thin-lead.toml"), "--quick")
    assert result.exit_code == 1
    assert "--answers replaces the interview" in result.stderr


def test_without_terminal_or_answers_says_use_answers(db: Path) -> None:
    result = invoke("qualify")
    assert result.exit_code == 1
    assert "use --answers FILE" in result.stderr
    assert not db.exists() or rows(db, "select count(*) from deals") == [(0,)]


def test_installed_command_without_stdin_exits_1(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "dealcoach"
    done = subprocess.run(
        [str(exe), "qualify"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "dealcoach: no terminal to ask the questions on: use --answers FILE (or - for JSON on stdin)"
    )


def test_version_and_help() -> None:
    assert invoke("--version").stdout.startswith("dealcoach ")
    result = invoke("qualify", "--help")
    assert result.exit_code == 0 and "--answers" in result.stdout


def test_recaps_of_one_day_propose_slots_no_other_deal_was_offered(db: Path) -> None:
    """Issue 13: fifteen recaps in one day all proposed "Wed 10:00 or Thu 14:00"."""
    import tomllib

    from dealcoach.records import Slot

    answers = tomllib.loads((EXAMPLES / "thin-lead.toml").read_text(encoding="utf-8"))
    for n in range(15):
        answers["deal"]["account"] = f"Account {n}"
        result = invoke("--today", TODAY, "qualify", "--answers", "-", input=json.dumps(answers))
        assert result.exit_code == 0, result.stderr
    brings = rows(db, "select bring from followups where purpose = 'recap' and status = 'planned'")
    pairs = [Slot.found_in(bring) for (bring,) in brings]
    assert len(pairs) == 15 and all(len(pair) == 2 for pair in pairs)
    assert len({slot for pair in pairs for slot in pair}) == 30
