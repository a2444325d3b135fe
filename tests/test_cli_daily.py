"""The daily loop through the CLI: next, done, log, snooze, keep, close; rows after each write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .clirun import EXAMPLES, invoke, rows

NEXT_KEYS = {"date", "due", "let_go", "nurture", "stale", "unqualified", "next_due"}
DUE_KEYS = {
    "id", "deal_id", "account", "due", "days_overdue", "purpose", "bring", "milestone", "channel",
    "who", "tier", "why", "urgency", "urgency_parts", "win_probability", "win_factors",
}  # fmt: skip
LIST_ITEM_KEYS = {"deal_id", "account", "decision", "reasons", "since"}


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    return dealcoach_home / "dealcoach.db"


def run(day: str, *args: str) -> Any:
    return invoke("--today", day, *args)


def run_json(day: str, *args: str) -> dict[str, Any]:
    result = run(day, *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def pipeline(db: Path) -> Path:
    """The three example deals, qualified on Monday 2026-11-23: D1 healthy, D2 thin, D3 paused."""
    for name in ("healthy-district.toml", "thin-lead.toml", "back-burner.toml"):
        assert run("2026-11-23", "qualify", "--answers", str(EXAMPLES / name)).exit_code == 0
    return db


def test_next_on_an_empty_database_says_how_to_start(db: Path) -> None:
    result = run("2026-11-24", "next")
    assert result.exit_code == 0
    assert "dealcoach qualify" in result.stdout
    doc = run_json("2026-11-24", "next")
    assert doc == {
        "date": "2026-11-24", "due": [], "let_go": [], "nurture": [], "stale": [],
        "unqualified": [], "next_due": None,
    }  # fmt: skip


def test_next_json_contract(pipeline: Path) -> None:
    doc = run_json("2026-11-24", "next")
    assert set(doc) == NEXT_KEYS
    assert doc["due"], "the recaps are due the day after the meeting"
    for item in doc["due"]:
        assert set(item) == DUE_KEYS
        assert item["bring"] and item["why"]
        assert isinstance(item["urgency"], float) and isinstance(item["urgency_parts"], dict)
    assert [i["deal_id"] for i in doc["due"]] and all(i["due"] <= "2026-11-24" for i in doc["due"])
    assert [n["deal_id"] for n in doc["nurture"]] == [3]
    assert set(doc["nurture"][0]) == LIST_ITEM_KEYS
    assert doc["next_due"] is None


def test_nothing_due_says_when_the_next_thing_is(pipeline: Path) -> None:
    for item in run_json("2026-11-24", "next")["due"]:
        assert run("2026-11-24", "done", f"F{item['id']}").exit_code == 0
    doc = run_json("2026-11-24", "next")
    assert doc["due"] == [] and doc["next_due"] > "2026-11-24"
    screen = run("2026-11-24", "next").stdout
    assert "Nothing due today" in screen


def test_done_records_the_touch_and_freezes_the_follow_up(pipeline: Path) -> None:
    first = run_json("2026-11-24", "next")["due"][0]
    doc = run_json("2026-11-24", "done", f"F{first['id']}", "--note", "sent the recap")
    assert set(doc) == {"touch", "verdict", "change", "next"}
    assert doc["touch"]["followup_id"] == first["id"] and doc["touch"]["kind"] == "email"
    assert rows(pipeline, f"select status, sent_on from followups where id = {first['id']}") == [
        ("done", "2026-11-24")
    ]
    again = run("2026-11-24", "done", f"F{first['id']}")
    assert again.exit_code == 1 and "already done" in again.stderr


def test_done_refuses_a_future_date_and_an_unknown_id(pipeline: Path) -> None:
    result = run("2026-11-24", "done", "F1", "--date", "tomorrow")
    assert result.exit_code == 1 and "after today" in result.stderr
    assert rows(pipeline, "select status from followups where id = 1") == [("planned",)]
    missing = run("2026-11-24", "done", "F999")
    assert missing.exit_code == 1 and "no follow-up F999" in missing.stderr


def test_a_stop_signal_changes_the_verdict_at_once_and_says_why(pipeline: Path) -> None:
    result = run(
        "2026-11-24", "log", "D1", "--kind", "call", "--replied", "--signal", "chose_other"
    )
    assert result.exit_code == 0, result.stderr
    assert "verdict: pursue → let go" in result.stdout
    assert "chose another option" in result.stdout
    assert rows(pipeline, "select decision from deals where id = 1") == [("let_go",)]
    assert rows(
        pipeline, "select count(*) from followups where deal_id = 1 and status = 'planned'"
    ) == [(0,)]
    doc = run_json("2026-11-24", "next")
    assert [d["deal_id"] for d in doc["let_go"]] == [1]


def test_log_json_reports_the_change_once(pipeline: Path) -> None:
    doc = run_json(
        "2026-11-24",
        "log",
        "north",
        "--kind",
        "email",
        "--signal",
        "lost_funding",
        "--until",
        "2027-07-01",
    )
    assert doc["change"] == {
        "from": "pursue",
        "to": "nurture",
        "reasons": [
            {
                "signal": "stop_reason",
                "detail": "the buyer lost funding until 2027-07-01",
                "change": "appeared",
            }
        ],
    }
    again = run_json("2026-11-24", "log", "north", "--kind", "note", "--note", "nothing new")
    assert again["change"] is None
    assert again["verdict"]["check_back"] == "2027-07-01"


def test_owed_items_come_first_and_done_closes_them(pipeline: Path) -> None:
    run("2026-11-24", "log", "D2", "--kind", "email", "--inbound", "--owe", "three-year pricing")
    doc = run_json("2026-11-25", "next")
    top = doc["due"][0]
    assert (top["tier"], top["purpose"], top["bring"]) == (1, "owe", "three-year pricing")
    assert "three-year pricing" in top["why"]
    assert run("2026-11-25", "done", f"F{top['id']}").exit_code == 0
    assert rows(pipeline, "select owe_closed_on from touches where owe is not null") == [
        ("2026-11-25",)
    ]
    assert all(i["purpose"] != "owe" for i in run_json("2026-11-25", "next")["due"])


def test_log_rejects_a_future_date_and_a_bad_kind(pipeline: Path) -> None:
    assert run("2026-11-24", "log", "D1", "--kind", "email", "--date", "2026-12-01").exit_code == 1
    assert run("2026-11-24", "log", "D1", "--kind", "fax").exit_code == 2
    assert rows(pipeline, "select count(*) from touches where deal_id = 1") == [(1,)]


@pytest.mark.parametrize(
    "text", ["dec 32", "12", "2026-11-", "2026-11", "2027", "12/01", "5 minutes ago"]
)
def test_a_date_that_is_not_one_of_the_forms_is_refused_and_nothing_stored(
    pipeline: Path, text: str
) -> None:
    before = rows(pipeline, "select count(*) from touches")
    result = run("2026-11-24", "log", "D1", "--kind", "email", "--date", text)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "03.12.2026" in result.stderr
    assert rows(pipeline, "select count(*) from touches") == before
    snooze = run("2026-11-24", "snooze", "D1", "--until", text)
    assert snooze.exit_code == 1 and "03.12.2026" in snooze.stderr
    assert rows(pipeline, "select snoozed_until from deals where id = 1") == [(None,)]


def test_a_past_date_by_month_and_day_is_this_years(pipeline: Path) -> None:
    result = run("2026-11-24", "log", "D1", "--kind", "call", "--date", "nov 20")
    assert result.exit_code == 0, result.stderr
    last = "select date, kind from touches where deal_id = 1 order by id desc limit 1"
    assert rows(pipeline, last) == [("2026-11-20", "call")]


def test_snooze_a_deal_or_a_follow_up(pipeline: Path) -> None:
    result = run("2026-11-24", "snooze", "2", "--for", "2w")
    assert result.exit_code == 0 and "until Tue 2026-12-08" in result.stdout
    assert rows(pipeline, "select snoozed_until from deals where id = 2") == [("2026-12-08",)]
    assert all(i["deal_id"] != 2 for i in run_json("2026-11-24", "next")["due"])
    recap = rows(pipeline, "select id from followups where deal_id = 1 and key like 'recap:%'")[0][
        0
    ]
    assert run("2026-11-24", "snooze", f"F{recap}", "--until", "fri").exit_code == 0
    assert all(i["id"] != recap for i in run_json("2026-11-24", "next")["due"])
    assert any(i["id"] == recap for i in run_json("2026-11-27", "next")["due"])


def test_snooze_for_counts_from_the_later_of_today_and_the_due_date(pipeline: Path) -> None:
    """F5 (before the board presentation) is due Tue 2026-12-08: a week more is Tue 2026-12-15."""
    query = "select due, snoozed_until from followups where id = 5"
    assert rows(pipeline, query) == [("2026-12-08", None)]
    result = run("2026-11-24", "snooze", "F5", "--for", "1w")
    assert result.exit_code == 0 and "until Tue 2026-12-15" in result.stdout
    assert rows(pipeline, query) == [("2026-12-08", "2026-12-15")]
    again = run("2026-11-24", "snooze", "F5", "--for", "1w")  # from the snoozed date on
    assert again.exit_code == 0 and "until Tue 2026-12-22" in again.stdout
    # a follow-up already due: from today
    assert run("2026-11-24", "snooze", "F1", "--for", "1w").exit_code == 0
    assert rows(pipeline, "select snoozed_until from followups where id = 1") == [("2026-12-01",)]


def test_snooze_until_a_date_before_the_due_date_changes_nothing_and_says_so(
    pipeline: Path,
) -> None:
    result = run("2026-11-24", "snooze", "F5", "--until", "fri")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "due Tue 2026-12-08" in result.stderr
    assert rows(pipeline, "select snoozed_until from followups where id = 5") == [(None,)]


def test_a_snooze_ending_on_a_weekend_ends_on_the_next_working_day(pipeline: Path) -> None:
    result = run("2026-11-24", "snooze", "F3", "--until", "dec 5")  # a Saturday
    assert result.exit_code == 0 and "until Mon 2026-12-07" in result.stdout
    assert rows(pipeline, "select snoozed_until from followups where id = 3") == [("2026-12-07",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["snooze", "D1"], "--until DATE or --for"),
        (["snooze", "D1", "--until", "2026-11-01"], "not after today"),
        (["snooze", "D1", "--for", "soon"], "not a duration"),
        (["close", "D1", "maybe"], "use one of won, lost, let-go"),
        (["keep", "nobody", "--until", "in 1 month"], "no deal matches"),
    ],
)
def test_one_line_errors(pipeline: Path, args: list[str], message: str) -> None:
    result = run("2026-11-24", *args)
    assert result.exit_code == (2 if "use one of" in message else 1)  # a choice: a usage error
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_close_leaves_next_and_drops_the_plan(pipeline: Path) -> None:
    result = run("2026-11-24", "close", "D1", "won", "--reason", "signed the PO")
    assert result.exit_code == 0 and "as won" in result.stdout
    assert rows(pipeline, "select status, close_reason, stage from deals where id = 1") == [
        ("won", "signed the PO", "opportunity")
    ]
    assert rows(
        pipeline, "select count(*) from followups where deal_id = 1 and status = 'planned'"
    ) == [(0,)]
    assert all(i["deal_id"] != 1 for i in run_json("2026-11-24", "next")["due"])
    again = run("2026-11-24", "close", "D1", "lost")
    assert again.exit_code == 1 and "already closed" in again.stderr
    assert run("2026-11-24", "close", "D2", "let-go").exit_code == 0
    assert rows(pipeline, "select status from deals where id = 2") == [("let_go",)]


def test_keep_quiets_a_let_go_deal_until_its_date(pipeline: Path) -> None:
    run("2026-11-24", "log", "D2", "--kind", "note", "--signal", "need_not_served")
    assert [d["deal_id"] for d in run_json("2026-11-24", "next")["let_go"]] == [2]
    assert run("2026-11-24", "keep", "D2", "--until", "2026-12-15").exit_code == 0
    assert run_json("2026-11-25", "next")["let_go"] == []
    assert [d["deal_id"] for d in run_json("2026-12-15", "next")["let_go"]] == [2]


def test_a_reply_resets_the_unanswered_count(pipeline: Path) -> None:
    day = "2026-11-24"
    for _ in range(2):
        run(day, "log", "D2", "--kind", "email", "--who", "Sam Lee")
    before = run_json(day, "plan", "D2")["plan"]
    run(day, "log", "D2", "--kind", "call", "--replied", "--who", "Sam Lee")
    after = run_json(day, "plan", "D2")["plan"]
    assert len(after) > len(before)


def test_the_screen_is_plain_text_when_piped(pipeline: Path) -> None:
    result = run("2026-11-24", "next")
    assert "\x1b[" not in result.stdout
    assert "F" in result.stdout and "why:" in result.stdout


def test_the_decide_list_stays_short_unless_all(db: Path, tmp_path: Path) -> None:
    for i in range(9):
        path = tmp_path / f"d{i}.json"
        path.write_text(
            json.dumps(
                {"deal": {"account": f"Gone {i}"}, "signals": {"stop_reason": "chose_other"}}
            )
        )
        assert run("2026-11-23", "qualify", "--answers", str(path)).exit_code == 0
    screen = run("2026-11-24", "next").stdout
    assert screen.count("LET GO") == 6 and "+3 more to decide" in screen
    assert run("2026-11-24", "next", "--all").stdout.count("LET GO") == 9
    assert len(run_json("2026-11-24", "next")["let_go"]) == 9


def test_writing_to_a_closed_deal_never_revives_its_plan(pipeline: Path) -> None:
    assert run("2026-11-24", "close", "D2", "lost").exit_code == 0
    assert (
        run(
            "2026-11-24", "log", "D2", "--kind", "note", "--note", "they called to say bye"
        ).exit_code
        == 0
    )
    assert rows(
        pipeline, "select count(*) from followups where deal_id = 2 and status = 'planned'"
    ) == [(0,)]
    assert run_json("2026-11-24", "plan", "D2")["plan"] == []


def test_an_overdue_follow_up_is_not_also_called_stale(pipeline: Path) -> None:
    doc = run_json("2026-12-28", "next")
    overdue_deals = {item["deal_id"] for item in doc["due"] if item["days_overdue"]}
    assert overdue_deals and not overdue_deals & {s["deal_id"] for s in doc["stale"]}


def test_snooze_takes_a_deal_whose_name_starts_with_f(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"deal": {"account": "Fabrikam"}}))
    assert run("2026-11-23", "qualify", "--answers", str(path)).exit_code == 0
    result = run("2026-11-23", "snooze", "Fabrikam", "--for", "2w")
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select snoozed_until from deals where account = 'Fabrikam'") == [
        ("2026-12-07",)
    ]


def test_an_absurd_stale_threshold_in_config_is_one_line(db: Path, dealcoach_home: Path) -> None:
    dealcoach_home.mkdir(parents=True, exist_ok=True)
    (dealcoach_home / "config.toml").write_text("[stale_days]\nlead = 9999999\n")
    result = run("2026-11-23", "next")
    assert result.exit_code == 1
    assert "stale_days" in result.stderr and "1 to 3650" in result.stderr


def test_log_and_show_describe_a_touch_with_the_same_keys(pipeline: Path) -> None:
    logged = run_json("2026-11-24", "log", "D2", "--kind", "email", "--owe", "pricing")["touch"]
    shown = run_json("2026-11-24", "show", "D2")["touches"][-1]
    assert logged == {**shown, "deal_id": 2}
