"""The morning of `next` as a workflow function, on a real database: what it re-judges, moves and
lists, without going through the screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dealcoach.domain import agenda
from dealcoach.workflow.context import Context
from dealcoach.workflow.morning import due_item, morning

from .clirun import EXAMPLES, invoke, rows

QUALIFIED_ON = "2026-11-23"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The three example deals, qualified on Monday 2026-11-23: D1 healthy, D2 thin, D3 paused."""
    path = tmp_path / "deals.db"
    for name in ("healthy-district.toml", "thin-lead.toml", "back-burner.toml"):
        result = invoke(
            "--db", str(path), "--today", QUALIFIED_ON, "qualify", "--answers", str(EXAMPLES / name)
        )
        assert result.exit_code == 0, result.stderr
    return path


def on(db: Path, day: str) -> Context:
    return Context(db=db, today_text=day)


def _decisions(db: Path) -> dict[int, str]:
    return dict(rows(db, "SELECT id, decision FROM deals ORDER BY id"))


def test_the_changes_are_exactly_the_deals_whose_verdict_changed(db: Path) -> None:
    for day in ("2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"):  # nobody answers
        assert (
            invoke("--db", str(db), "--today", day, "log", "D2", "--kind", "email").exit_code == 0
        )
    before = _decisions(db)
    first = morning(on(db, "2026-12-01"), limit=None, replan=False)  # the answer window closed
    after = _decisions(db)
    assert before != after
    changed = {deal_id for deal_id in before if before[deal_id] != after[deal_id]}
    assert {deal["id"] for deal, _ in first.changes} == changed == {2}
    for deal, outcome in first.changes:
        assert outcome.previous is not None
        assert outcome.previous["decision"] == before[deal["id"]]
        assert deal["decision"] == outcome.verdict.decision.value == after[deal["id"]]
    snapshot = rows(db, "SELECT * FROM deals ORDER BY id")
    again = morning(on(db, "2026-12-01"), limit=None, replan=False)
    assert again.changes == []  # announced once
    assert rows(db, "SELECT * FROM deals ORDER BY id") == snapshot


def test_replan_moves_the_overdue_follow_ups_to_today(db: Path) -> None:
    day = "2026-12-23"
    plain = morning(on(db, day), limit=None, replan=False)
    assert any(ranked.days_overdue for ranked in plain.shown)
    moved = morning(on(db, day), limit=None, replan=True)
    assert moved.shown and not any(ranked.days_overdue for ranked in moved.shown)
    assert rows(
        db,
        "SELECT count(*) FROM followups f JOIN deals d ON d.id = f.deal_id"
        f" WHERE f.status = 'planned' AND d.status = 'open' AND f.due < '{day}'",
    ) == [(0,)]


def test_replan_on_a_day_off_moves_the_overdue_to_the_next_working_day(db: Path) -> None:
    """Dec 28 is in the year-end break, though a buyer step falls on it (issue 15)."""
    day = "2026-12-28"
    assert any(r.days_overdue for r in morning(on(db, day), limit=None, replan=False).shown)
    moved = morning(on(db, day), limit=None, replan=True)
    assert moved.shown == [] and moved.next_due == "2027-01-04"
    assert rows(
        db,
        "SELECT count(*) FROM followups f JOIN deals d ON d.id = f.deal_id"
        " WHERE f.status = 'planned' AND d.status = 'open' AND f.due < '2027-01-04'",
    ) == [(0,)]


def test_limit_shows_the_first_and_counts_the_rest(db: Path) -> None:
    everything = morning(on(db, "2026-12-28"), limit=None, replan=False)
    assert len(everything.shown) > 1 and everything.more == 0
    first = morning(on(db, "2026-12-28"), limit=1, replan=False)
    assert first.shown == everything.shown[:1]
    assert first.more == len(everything.shown) - 1


def test_a_let_go_deal_gone_quiet_is_listed_once_under_decided(tmp_path: Path) -> None:
    db = tmp_path / "deals.db"
    answers = tmp_path / "gone.json"
    answers.write_text(
        json.dumps({"deal": {"account": "Gone"}, "signals": {"stop_reason": "chose_other"}})
    )
    result = invoke("--db", str(db), "--today", QUALIFIED_ON, "qualify", "--answers", str(answers))
    assert result.exit_code == 0, result.stderr
    ctx = on(db, "2027-01-04")  # six weeks without a touch: longer than any stage allows
    with ctx.open_store() as store:  # the precondition: on its own, the deal is stale
        quiet = agenda.stale(
            store.morning.stale_candidates(ctx.today), ctx.today, ctx.settings.stale_days
        )
    assert [row["id"] for row in quiet] == [1]
    found = morning(ctx, limit=None, replan=False)
    assert [row["id"] for row in found.decided] == [1] and found.decided[0]["decision"] == "let_go"
    assert found.stale == []
    assert found.has_deals


def test_an_empty_database_has_no_deals(tmp_path: Path) -> None:
    found = morning(on(tmp_path / "deals.db", QUALIFIED_ON), limit=12, replan=False)
    assert not found.has_deals
    assert (found.shown, found.more, found.decided, found.stale, found.next_due) == (
        [], 0, [], [], None
    )  # fmt: skip


def test_a_due_row_without_deal_facts_takes_the_agenda_defaults() -> None:
    from dealcoach.domain.settings import Settings

    row = {
        "id": 7, "deal_id": 3, "account": "Acme", "due": "2026-11-24", "purpose": "cadence",
        "bring": "the ROI sheet", "milestone": None, "milestone_date": None, "channel": "email",
        "who": None, "value": None, "currency": None, "stage": None, "decision": None,
        "confidence": None, "resolved_strategy": None, "decision_date": None,
    }  # fmt: skip
    item = due_item(row, Settings())
    assert (item.stage, item.decision, item.confidence, item.strategy, item.who) == (
        agenda.DEFAULT_STAGE,
        agenda.DEFAULT_DECISION,
        agenda.DEFAULT_CONFIDENCE,
        agenda.DEFAULT_STRATEGY,
        "",
    )
    assert item.value is None and item.milestone_date is None
