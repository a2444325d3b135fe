"""`dealcoach show`, `list` and `plan`: what the rep reads, and the JSON a script relies on."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .clirun import EXAMPLES, TODAY, invoke, qualify_json, rows

DEAL_KEYS = {
    "id", "account", "title", "value", "currency", "stage", "status", "source", "type", "sector",
    "strategy", "strategy_used", "strategy_why", "decision_date", "created",
    "win_probability", "win_factors", "win_note",
}  # fmt: skip
FOLLOWUP_KEYS = {"id", "key", "due", "channel", "who", "purpose", "bring", "milestone", "outline"}
TOUCH_KEYS = {
    "id", "date", "kind", "inbound", "replied", "who", "note", "followup_id", "followup_key",
    "owe", "owe_closed_on", "away_until", "signal", "signal_until",
}  # fmt: skip
LIST_EXTRA = {"decision", "confidence", "next_due", "next_bring", "open_followups", "fields"}

HEALTHY, THIN, BACK_BURNER = 1, 2, 3


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    return dealcoach_home / "dealcoach.db"


@pytest.fixture
def pipeline(db: Path) -> Path:
    """The three examples, qualified on TODAY: D1 healthy, D2 thin lead, D3 back-burnered."""
    for name in ("healthy-district.toml", "thin-lead.toml", "back-burner.toml"):
        qualify_json("--answers", str(EXAMPLES / name))
    return db


def run(*args: str) -> Any:
    return invoke("--today", TODAY, *args)


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return str(result.stdout)


def doc(*args: str) -> Any:
    return json.loads(ok(*args, "--json"))


def execute(db: Path, sql: str, params: tuple[Any, ...] = ()) -> None:
    """Set up what no command writes yet (imported deals, closed deals, logged touches)."""
    with sqlite3.connect(db) as conn:
        conn.execute(sql, params)


def add_imported_deal(db: Path, account: str = "Fabrikam") -> None:
    execute(
        db,
        "insert into deals (account, title, value, currency, stage, created, qualified)"
        " values (?, 'Imported', '5000', 'USD', 'prospect', ?, 0)",
        (account, TODAY),
    )


def ids(*args: str) -> list[int]:
    return [item["id"] for item in doc("list", *args)]


def one_error_line(result: Any, code: int = 1) -> str:
    assert result.exit_code == code
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dealcoach: ")
    return str(lines[0])


# -- show ------------------------------------------------------------------------------------------


def test_show_has_every_section(pipeline: Path) -> None:
    out = ok("show", "D1")
    assert out.startswith("D1 Lincoln Unified School District · Reading platform for 12 schools")
    for text in (
        "48,000 USD · opportunity · open",
        "strategy: decision support (3 stakeholders: a committee decides)",
        "Who",
        "Marcus Hale, Superintendent",
        "decision maker",
        "not met",
        "What",
        "Board presentation",
        "Case study from a district of similar size",
        "When",
        "Mon Jan 04 2027",
        "Teacher survey results review · Mon Nov 30",
        "How",
        "needs approval · Title I",
        "Plan",
        "F1 ",
        "History",
        "meeting",
        "Verdict  since Mon Nov 23",
        "PURSUE  confidence high (0.75)",
        "Qualification history",
    ):
        assert text in out, text
    assert "✗ decision maker not met" in out
    assert "✗ no decision maker" not in out
    sections = ["Who", "What", "When", "How", "Plan", "History", "Verdict", "Qualification"]
    positions = [out.index("\n" + name) for name in sections]
    assert positions == sorted(positions)


def test_show_marks_the_gaps_of_a_thin_lead(pipeline: Path) -> None:
    out = ok("show", "northwind")
    for gap in (
        "✗ no decision maker",
        "✗ one contact only",
        "✗ no buyer steps known",
        "✗ no decision date",
        "✗ no next step agreed",
        "✗ no criteria",
        "✗ budget unknown",
    ):
        assert gap in out, gap


def test_show_marks_undated_steps(tmp_path: Path, db: Path) -> None:
    answers = tmp_path / "steps.toml"
    answers.write_text(
        '[deal]\naccount = "Undated"\n[[what]]\nstep = "Budget meeting"\n'
        '[[who]]\nname = "Ann"\nrole = "decision_maker"\nmet = true\n'
    )
    qualify_json("--answers", str(answers))
    out = ok("show", "undated")
    assert "✗ no date" in out
    assert "✗ nothing to bring yet" in out
    assert "✗ no dates" in out
    assert "✗ no decision maker" not in out


def test_show_prints_user_text_as_written(tmp_path: Path, db: Path) -> None:
    answers = tmp_path / "acme.toml"
    answers.write_text(
        '[deal]\naccount = "Acme [draft]"\ntitle = "Suite [/x] \\u001b[31mred"\n'
        '[[who]]\nname = "Bo [bold]Ng[/bold]"\nrole = "champion"\n'
        '[[what]]\nstep = "Review [b]"\nbring = "Deck [red]v2[/red]"\ndate = "in 1 week"\n'
    )
    qualify_json("--answers", str(answers))
    out = ok("show", "Acme [draft]")
    assert "D1 Acme [draft] · Suite [/x] \\x1b[31mred" in out
    assert "Bo [bold]Ng[/bold]" in out
    assert "Review [b]" in out
    assert "Deck [red]v2[/red]" in out
    assert "\x1b" not in out
    assert "Acme [draft]" in ok("list")
    assert "Acme [draft]" in ok("plan", "acme")


def test_show_json_has_exactly_the_contract_keys(pipeline: Path) -> None:
    card = doc("show", "D1")
    assert set(card) == {"deal", "verdict", "plan", "answers", "touches", "interviews"}
    assert set(card["deal"]) == DEAL_KEYS | {"close_reason", "closed_on", "fields"}
    assert card["deal"]["id"] == 1 and card["deal"]["status"] == "open"
    assert card["deal"]["close_reason"] is None
    assert set(card["verdict"]) == {
        "decision", "confidence", "reasons", "valid_until", "check_back", "since",
    }  # fmt: skip
    assert card["verdict"]["decision"] == "pursue" and card["verdict"]["since"] == TODAY
    assert card["plan"] and all(set(f) == FOLLOWUP_KEYS for f in card["plan"])
    assert (
        card["plan"]
        == qualify_json("D1", "--answers", str(EXAMPLES / "healthy-district.toml"))["plan"]
    )
    assert card["answers"]["deal"]["account"] == "Lincoln Unified School District"
    assert len(card["answers"]["what"]) == 4
    assert [set(t) for t in card["touches"]] == [TOUCH_KEYS]
    assert card["touches"][0]["kind"] == "meeting" and card["touches"][0]["date"] == TODAY
    assert card["interviews"] == [
        {
            "id": 1,
            "date": TODAY,
            "taken_on": TODAY,
            "kind": "answers",
            "decision_date": "2027-01-04",
        }
    ]


def test_show_json_of_a_nurtured_deal(pipeline: Path) -> None:
    card = doc("show", "contoso")
    assert card["verdict"]["decision"] == "nurture"
    assert card["verdict"]["check_back"] == "2027-02-23"
    assert card["answers"]["signals"]["stop_reason"] == "back_burner"


def test_show_history_newest_last_with_who_and_direction(pipeline: Path) -> None:
    execute(
        pipeline,
        "insert into touches (deal_id, date, kind, inbound, replied, who, note, owe)"
        " values (1, '2026-11-22', 'email', 1, 0, 'Dana Ruiz', 'asked [about] pricing', "
        "'three-year pricing')",
    )
    execute(
        pipeline,
        "insert into touches (deal_id, date, kind, inbound, replied, who, note)"
        " values (1, '2026-11-23', 'call', 0, 1, 'Marcus Hale', 'intro call')",
    )
    out = ok("show", "D1")
    history = " ".join(out[out.index("\nHistory") : out.index("\nVerdict")].split())
    assert history.index("asked [about] pricing") < history.index("intro call")
    assert "Dana Ruiz" in history and "we owe: three-year pricing" in history
    assert "Mon Nov 23 call replied Marcus Hale intro call" in history
    assert "Sun Nov 22 email in Dana Ruiz asked [about] pricing" in history
    touches = doc("show", "D1")["touches"]
    assert [t["date"] for t in touches] == ["2026-11-22", TODAY, TODAY]
    assert touches[0]["inbound"] is True and touches[0]["owe"] == "three-year pricing"
    assert touches[-1]["note"] == "intro call" and touches[-1]["replied"] is True


def test_show_qualification_history_marks_a_pushed_date(tmp_path: Path, pipeline: Path) -> None:
    later = tmp_path / "later.toml"
    text = (EXAMPLES / "healthy-district.toml").read_text()
    later.write_text(text.replace('decision_date = "in 6 weeks"', 'decision_date = "in 10 weeks"'))
    qualify_json("D1", "--answers", str(later))
    out = ok("show", "D1")
    assert "(pushed)" in out[out.index("Qualification history") :]
    decisions = [i["decision_date"] for i in doc("show", "D1")["interviews"]]
    assert decisions == ["2027-01-04", "2027-02-01"]


def test_show_unqualified_deal_is_one_line(pipeline: Path) -> None:
    add_imported_deal(pipeline)
    out = ok("show", "fabrikam")
    assert "not qualified yet: run dealcoach qualify D4" in out
    for section in ("Who", "Plan", "Verdict", "✗"):
        assert section not in out
    card = doc("show", "D4")
    assert card["answers"] is None and card["verdict"] is None
    assert card["plan"] == [] and card["touches"] == [] and card["interviews"] == []


def test_show_closed_deal_says_so(pipeline: Path) -> None:
    execute(
        pipeline,
        "update deals set status = 'lost', closed_on = ?, close_reason = 'chose [B]' where id = 2",
        (TODAY,),
    )
    out = ok("show", "D2")
    assert "lost on Mon Nov 23 (chose [B])" in out
    card = doc("show", "D2")
    assert card["deal"]["status"] == "lost" and card["deal"]["close_reason"] == "chose [B]"


@pytest.mark.parametrize("command", ["show", "plan"])
@pytest.mark.parametrize("name", ["D99", "99", "nobody here"])
def test_unknown_deal_is_one_line(pipeline: Path, command: str, name: str) -> None:
    line = one_error_line(run(command, name))
    assert "no deal" in line


def test_ambiguous_deal_lists_candidates(pipeline: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "healthy-district.toml"))
    line = one_error_line(run("show", "lincoln"))
    assert "D1" in line and "D4" in line


# -- list ------------------------------------------------------------------------------------------


def test_list_default_is_open_deals_by_next_due(pipeline: Path) -> None:
    add_imported_deal(pipeline)
    # D1 and D2 are both due Nov 24 (tie: by id), D3 checks back in February, D4 has no plan.
    assert ids() == [1, 2, 3, 4]
    out = ok("list")
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["ID", "Account"]
    assert [line.split()[0] for line in lines[1:]] == ["D1", "D2", "D3", "D4"]
    assert "pursue" in lines[1] and "nurture" in lines[3] and "qualify?" in lines[4]
    assert "Nov 24" in lines[1] and "Feb 23 2027" in lines[3]
    assert "Status" not in lines[0]


def test_list_json_shape(pipeline: Path) -> None:
    items = doc("list")
    assert all(set(item) == DEAL_KEYS | LIST_EXTRA for item in items)
    first = items[0]
    assert first["id"] == 1 and first["decision"] == "pursue" and first["confidence"] == 0.75
    assert first["next_due"] == "2026-11-24" and first["next_bring"].startswith("Recap:")
    plan = doc("plan", "D1")["plan"]
    assert first["open_followups"] == len(plan)
    assert first["next_bring"] == plan[0]["bring"]
    assert items[2]["decision"] == "nurture" and items[2]["next_due"] == "2027-02-23"


def test_list_json_of_an_unqualified_deal(pipeline: Path) -> None:
    add_imported_deal(pipeline)
    item = doc("list")[-1]
    assert item["id"] == 4 and item["decision"] is None and item["confidence"] is None
    assert item["next_due"] is None and item["next_bring"] is None
    assert item["open_followups"] == 0


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("due", [1, 2, 3]),
        ("value", [3, 1, 2]),
        ("account", [3, 1, 2]),
        ("stage", [1, 3, 2]),
        ("decision", [1, 2, 3]),
        ("DUE", [1, 2, 3]),
    ],
)
def test_list_sort(pipeline: Path, sort: str, expected: list[int]) -> None:
    assert ids("--sort", sort) == expected


def test_list_sort_created_newest_first(pipeline: Path) -> None:
    execute(pipeline, "update deals set created = '2026-10-01' where id = 3")
    execute(pipeline, "update deals set created = '2026-11-01' where id = 1")
    assert ids("--sort", "created") == [2, 1, 3]


def test_list_sort_value_puts_unknown_values_last(pipeline: Path) -> None:
    add_imported_deal(pipeline)
    execute(pipeline, "update deals set value = NULL where id = 3")
    assert ids("--sort", "value") == [1, 2, 4, 3]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--stage", "lead"), [2]),
        (("--stage", "opportunity"), [1, 3]),
        (("--stage", "closing"), []),
        (("--strategy", "decision_support"), [1, 3]),
        (("--strategy", "decision-support"), [1, 3]),
        (("--strategy", "acceleration"), [2]),
        (("--strategy", "selectivity"), []),
        (("--strategy", "hybrid"), [1, 2, 3]),
    ],
)
def test_list_filters(pipeline: Path, args: tuple[str, ...], expected: list[int]) -> None:
    assert ids(*args) == expected


def test_list_status_filter(pipeline: Path) -> None:
    execute(pipeline, "update deals set status = 'won' where id = 1")
    execute(pipeline, "update deals set status = 'let_go' where id = 3")
    assert ids() == [2]
    assert ids("--status", "won") == [1]
    assert ids("--status", "let-go") == [3]
    assert ids("--status", "let_go") == [3]
    assert ids("--status", "lost") == []
    assert sorted(ids("--status", "all")) == [1, 2, 3]
    out = ok("list", "--status", "all")
    assert "Status" in out.splitlines()[0]
    assert "won" in out and "let go" in out


@pytest.mark.parametrize(
    ("option", "value", "valid"),
    [
        ("--status", "closed", "open, won, lost, let_go, let-go, all"),
        ("--stage", "negotiation", "lead, qualified, prospect, opportunity, closing"),
        ("--strategy", "turbo", "hybrid, acceleration, decision_support"),
        ("--sort", "size", "due, value, account, stage, created, decision"),
    ],
)
def test_list_refuses_bad_values_in_one_line(
    pipeline: Path, option: str, value: str, valid: str
) -> None:
    line = one_error_line(run("list", option, value), code=2)  # a choice out of its list
    assert f"unknown {option} {value!r}" in line
    assert valid in line
    assert one_error_line(run("list", option, value, "--json"), code=2) == line


def test_list_filters_with_no_match_say_so(pipeline: Path) -> None:
    out = ok("list", "--status", "won")
    assert "No deals match" in out
    assert doc("list", "--status", "won") == []


def test_empty_pipeline_says_how_to_add_a_deal(db: Path) -> None:
    out = ok("list")
    assert "dealcoach qualify" in out
    assert len(out.strip().splitlines()) == 1
    assert doc("list") == []


def test_list_shows_each_currency_when_they_differ(tmp_path: Path, pipeline: Path) -> None:
    answers = tmp_path / "eur.toml"
    answers.write_text('[deal]\naccount = "Euro GmbH"\nvalue = 7000\ncurrency = "EUR"\n')
    qualify_json("--answers", str(answers))
    out = ok("list")
    assert "7,000 EUR" in out and "48,000 USD" in out
    assert ok("list", "--strategy", "decision_support").splitlines()[0].split()[2] == "USD"


# -- plan ------------------------------------------------------------------------------------------


def test_plan_json(pipeline: Path) -> None:
    plan = doc("plan", "northwind")
    assert set(plan) == {"deal_id", "strategy", "strategy_why", "plan"}
    assert plan["deal_id"] == THIN and plan["strategy"] == "acceleration"
    assert plan["strategy_why"].startswith("small deal")
    assert plan["plan"] and all(set(f) == FOLLOWUP_KEYS for f in plan["plan"])
    assert plan["plan"] == doc("show", "D2")["plan"]


def test_plan_screen(pipeline: Path) -> None:
    out = ok("plan", "D1")
    assert out.startswith("D1 Lincoln Unified School District")
    assert "strategy: decision support" in out
    assert "Plan" in out and "F1 " in out and "Case study from a district" in out
    assert "Who" not in out and "Verdict" not in out


def test_plan_of_an_unqualified_deal(pipeline: Path) -> None:
    add_imported_deal(pipeline)
    assert "not qualified yet: run dealcoach qualify D4" in ok("plan", "D4")
    plan = doc("plan", "D4")
    assert plan == {"deal_id": 4, "strategy": None, "strategy_why": None, "plan": []}


# -- screens ---------------------------------------------------------------------------------------

SCREENS = [("show", "D1"), ("show", "D2"), ("show", "D3"), ("list",), ("plan", "D1")]


@pytest.mark.parametrize("args", SCREENS)
def test_screens_fit_80_columns(
    monkeypatch: pytest.MonkeyPatch, pipeline: Path, args: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    add_imported_deal(pipeline, "A very long account name that goes on and on, Incorporated")
    out = ok(*args)
    assert all(len(line) <= 80 for line in out.splitlines())
    if args[0] == "list":
        rows = out.splitlines()[1:]
        assert [row.split()[0] for row in rows] == ["D1", "D2", "D3", "D4"]
        assert all("…" in row for row in rows[:2])  # what to bring is cut, not wrapped
        assert "A very long" in rows[3]


@pytest.mark.parametrize("args", SCREENS)
def test_screens_survive_a_narrow_terminal(
    monkeypatch: pytest.MonkeyPatch, pipeline: Path, args: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    assert ok(*args).strip()


@pytest.mark.parametrize("args", SCREENS)
def test_no_ansi_codes_when_piped(
    monkeypatch: pytest.MonkeyPatch, pipeline: Path, args: tuple[str, ...]
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\x1b" not in ok(*args)


def test_installed_command_piped_has_no_ansi_and_clean_json(pipeline: Path) -> None:
    exe = Path(sys.executable).parent / "dealcoach"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    for args in (["show", "D1"], ["list"], ["plan", "D2"]):
        done = subprocess.run(
            [str(exe), "--today", TODAY, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() and "\x1b" not in done.stdout
    listed = subprocess.run(
        [str(exe), "--today", TODAY, "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert [item["id"] for item in json.loads(listed.stdout)] == [1, 2, 3]


def test_help_of_each_command() -> None:
    for command in ("show", "list", "plan"):
        result = invoke(command, "--help")
        assert result.exit_code == 0
        assert "--json" in result.stdout
    assert "--sort" in invoke("list", "--help").stdout


def test_a_renewal_touch_moved_by_a_new_step_is_stored_on_its_new_day(
    tmp_path: Path, dealcoach_home: Path
) -> None:
    """Found by review: the store kept the old day, so two touches went out on Tue Dec 8."""
    from datetime import date

    from dealcoach.domain.planner import MIN_GAP
    from dealcoach.domain.workdays import WorkCalendar
    from dealcoach.home.holidays import holidays_of

    base = (
        '[deal]\naccount = "Northwind"\ntype = "renewal"\nmeeting_date = "2026-11-23"\n'
        'renewal_notice = "2027-02-06"\n[how]\nbudget = "approved"\n'
    )
    first = tmp_path / "renewal.toml"
    first.write_text(base)
    qualify_json("--answers", str(first))
    second = tmp_path / "with-a-step.toml"
    second.write_text(
        base + '[[what]]\nstep = "Board"\nbring = "Case study"\ndate = "2026-12-14"\n'
    )
    qualify_json("D1", "--answers", str(second))
    stored = rows(
        dealcoach_home / "dealcoach.db",
        "SELECT key, due FROM followups WHERE status = 'planned' AND channel <> 'task' ORDER BY due",
    )
    keys = [key for key, _ in stored]
    assert "renewal:60" in keys
    cal = WorkCalendar(holidays_of("US")).for_deal([date(2026, 12, 14)])
    days = [date.fromisoformat(due) for _, due in stored]
    for earlier, later in itertools.pairwise(days):
        assert cal.between(earlier, later) >= MIN_GAP, stored
