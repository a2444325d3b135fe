"""A verdict's change names what changed (issue 13): only the signals that differ, each appeared or
cleared, and a screen line that says the cause, not the first reason that happens to remain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.domain.verdict import SIGNAL_ORDER
from dealcoach.domain.verdict_change import improved, reason_changes, summary
from dealcoach.records import Reason

from .clirun import EXAMPLES, invoke


def reasons(*signals: str) -> tuple[Reason, ...]:
    return tuple(Reason(s, f"{s} evidence") for s in signals)


@pytest.mark.parametrize(
    ("before", "after", "line"),
    [
        (
            ("ghosted", "no_power"),
            ("no_power", "next_step_agreed"),
            "the buyer answered (ghosted cleared)",
        ),
        (
            ("quiet_after_decision", "decision_passed"),
            ("decision_passed",),
            "the buyer answered (quiet_after_decision cleared)",
        ),
        (("no_power",), ("ghosted", "no_power"), "ghosted evidence"),
        (("no_power", "steps_dated"), ("no_power",), "no_power evidence"),  # fallback: lead reason
        (("no_power",), ("no_power", "budget_approved"), "budget_approved evidence"),
    ],
)
def test_the_line_names_the_cause(
    before: tuple[str, ...], after: tuple[str, ...], line: str
) -> None:
    new = reasons(*after)
    assert summary(reason_changes(reasons(*before), new), new) == line


@pytest.mark.parametrize(
    ("before", "after", "better", "line"),
    [
        (  # a reply after the silence: named, though an old deal's `stalled` now shows
            ("quiet_after_decision", "decision_passed", "no_power"),
            ("decision_passed", "stalled", "no_power"),
            True,
            "the buyer answered (quiet_after_decision cleared)",
        ),
        (  # worse: what decided it, when it is new
            ("decision_passed", "no_power"),
            ("quiet_after_decision", "decision_passed", "no_power", "stalled"),
            False,
            "quiet_after_decision evidence",
        ),
    ],
)
def test_better_names_what_cleared_worse_what_decided(
    before: tuple[str, ...], after: tuple[str, ...], better: bool, line: str
) -> None:
    new = reasons(*after)
    assert summary(reason_changes(reasons(*before), new), new, better=better) == line


def test_improved_runs_from_let_go_to_pursue() -> None:
    assert improved("nurture", "pursue") and improved("let_go", "nurture")
    assert not improved("pursue", "nurture") and not improved("nurture", "nurture")


def test_a_lifted_stop_can_reveal_silence() -> None:
    changes = reason_changes(reasons("stop_reason"), reasons("ghosted", "no_power"))
    assert [(c.signal, c.change) for c in changes] == [
        ("ghosted", "appeared"),
        ("stop_reason", "cleared"),
    ]


def test_a_stop_weighs_alone_so_nothing_else_clears() -> None:
    """A stop the buyer voiced decides without the other signals: they did not clear."""
    changes = reason_changes(reasons("no_power", "no_budget"), reasons("stop_reason"))
    assert [(c.signal, c.change) for c in changes] == [("stop_reason", "appeared")]
    back = reason_changes(reasons("stop_reason"), reasons("no_power", "steps_dated"))
    assert [(c.signal, c.change) for c in back] == [("stop_reason", "cleared")]


def test_reads_the_stored_form_too() -> None:
    stored = [{"signal": "ghosted", "detail": "3 unanswered"}]
    [change] = reason_changes(stored, ())
    assert (change.signal, change.detail, change.change) == ("ghosted", "3 unanswered", "cleared")


SIGNALS = st.lists(st.sampled_from([s for s in SIGNAL_ORDER if s != "stop_reason"]), unique=True)


@given(before=SIGNALS, after=SIGNALS)
def test_changes_are_exactly_the_signals_that_differ(before: list[str], after: list[str]) -> None:
    changes = reason_changes(reasons(*before), reasons(*after))
    appeared = [c.signal for c in changes if c.change == "appeared"]
    cleared = [c.signal for c in changes if c.change == "cleared"]
    assert set(appeared) == set(after) - set(before)
    assert set(cleared) == set(before) - set(after)
    assert len(changes) == len(appeared) + len(cleared)  # each once
    assert {c.change for c in changes} <= {"appeared", "cleared"}


# -- through the CLI: a late reply, then the buyer's new date ------------------------------------


def test_a_new_decision_date_from_log_clears_decision_passed(tmp_path: Path) -> None:
    db = tmp_path / "deals.db"

    def run(day: str, *args: str) -> dict[str, Any]:
        result = invoke("--db", str(db), "--today", day, *args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    qualified = run("2026-11-23", "qualify", "--answers", str(EXAMPLES / "healthy-district.toml"))
    decided_by = qualified["deal"]["decision_date"]
    assert decided_by is not None
    later = "2027-03-01"  # weeks past that date
    shown = run(later, "show", "D1")
    assert "decision_passed" in {r["signal"] for r in shown["verdict"]["reasons"]}
    logged = run(later, "log", "D1", "--kind", "call", "--replied", "--decision-date", "2027-04-15")
    signals = {r["signal"] for r in logged["verdict"]["reasons"]}
    assert "decision_passed" not in signals and "date_pushed" in signals
    assert run(later, "show", "D1")["deal"]["decision_date"] == "2027-04-15"
    if logged["change"] is not None:
        cleared = {r["signal"] for r in logged["change"]["reasons"] if r["change"] == "cleared"}
        assert "quiet_after_decision" in cleared or "decision_passed" in cleared


def test_a_decision_date_needs_an_interview(tmp_path: Path) -> None:
    db = tmp_path / "deals.db"
    csv = tmp_path / "hubspot.csv"
    csv.write_text(
        "Record ID,Deal Name,Associated Company,Amount,Deal Stage\n7,Pilot,Acme,100,Qualified To Buy\n"
    )
    assert invoke("--db", str(db), "import", str(csv), "--from", "hubspot").exit_code == 0
    result = invoke("--db", str(db), "log", "D1", "--kind", "call", "--decision-date", "2027-04-15")
    assert result.exit_code == 1
    assert "qualify D1 first" in result.stderr
