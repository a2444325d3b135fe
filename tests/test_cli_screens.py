"""Screens as a rep sees them: piped output unpadded, `next --short`, `draft`."""

from __future__ import annotations

from pathlib import Path

import pytest

from .clirun import EXAMPLES, invoke


@pytest.fixture
def pipeline(dealcoach_home: Path) -> Path:
    """The three example deals, qualified on Monday 2026-11-23: D1 healthy, D2 thin, D3 paused."""
    for name in ("healthy-district.toml", "thin-lead.toml", "back-burner.toml"):
        result = invoke("--today", "2026-11-23", "qualify", "--answers", str(EXAMPLES / name))
        assert result.exit_code == 0, result.stderr
    return dealcoach_home / "dealcoach.db"


@pytest.mark.parametrize(
    "args", [("show", "D1"), ("show", "D3"), ("list",), ("next",), ("next", "--all")]
)
def test_piped_screens_are_not_padded(pipeline: Path, args: tuple[str, ...]) -> None:
    result = invoke("--today", "2026-11-24", *args)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 3
    padded = [line for line in lines if line != line.rstrip()]
    assert not padded, padded


# -- next --short ----------------------------------------------------------------------------------


def _as_terminal(monkeypatch: pytest.MonkeyPatch, lines: int) -> None:
    """CliRunner's stdout says it is a terminal of `lines` lines (shutil reads LINES)."""
    import typer.testing

    monkeypatch.setattr(typer.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    monkeypatch.setenv("LINES", str(lines))


def _due_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("F")]


def test_next_short_is_one_line_per_item(pipeline: Path) -> None:
    full = invoke("--today", "2026-11-24", "next")
    short = invoke("--today", "2026-11-24", "next", "--short")
    assert short.exit_code == 0, short.stderr
    items = _due_lines(short.stdout)
    assert [line.split()[0] for line in items] == ["F1", "F11"]
    assert len(short.stdout.splitlines()) < len(full.stdout.splitlines()) / 2
    first = items[0]
    assert "D1 Lincoln" in first and "Dana Ruiz" in first and "Recap" in first
    assert "Teacher survey" in first or "Nov 30" in first  # why, in a few words
    assert all(len(line) <= 100 for line in short.stdout.splitlines())
    assert "NURTURE" in short.stdout and "D3 Contoso Health" in short.stdout


def test_next_is_short_on_a_small_terminal(pipeline: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _as_terminal(monkeypatch, 30)
    small = invoke("--today", "2026-11-24", "next")
    assert [line.split()[0] for line in _due_lines(small.stdout)] == ["F1", "F11"]
    assert "why:" not in small.stdout
    assert "why:" in invoke("--today", "2026-11-24", "next", "--long").stdout


def test_next_is_full_on_a_tall_terminal_and_when_piped(
    pipeline: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINES", "20")
    assert "why:" in invoke("--today", "2026-11-24", "next").stdout  # piped: not a terminal
    _as_terminal(monkeypatch, 50)
    assert "why:" in invoke("--today", "2026-11-24", "next").stdout


def test_next_json_ignores_the_terminal(pipeline: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _as_terminal(monkeypatch, 20)
    import json

    doc = json.loads(invoke("--today", "2026-11-24", "next", "--json").stdout)
    assert [item["id"] for item in doc["due"]] == [1, 11]
    assert json.loads(invoke("--today", "2026-11-24", "next", "--json", "--short").stdout) == doc


# -- draft -----------------------------------------------------------------------------------------


def test_draft_is_a_ready_to_edit_message(pipeline: Path) -> None:
    result = invoke("--today", "2026-11-24", "draft", "F1")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    lines = text.splitlines()
    assert lines[0] == "Hi Dana,"
    assert "Survey template and the results from a pilot district" in text  # the deliverable
    assert "Teacher survey" in text and "Nov 30" in text  # the buyer step it serves, dated
    questions = [line for line in lines if line.endswith("?")]
    assert len(questions) == 1, text
    assert "\x1b" not in text and "[" not in text  # plain text, no markup
    assert all(line == line.rstrip() for line in lines)


def test_draft_without_a_named_person_says_hi(pipeline: Path) -> None:
    from dealcoach.render.draft import draft_text
    from dealcoach.render.views import DraftView

    view = DraftView(
        followup_id=7, account="Acme\x1b[31m", who="", channel="email",
        bring="A price range\nwith\ta return estimate", milestone=None, milestone_date=None,
        question="Who approves it, and when?",
    )  # fmt: skip
    text = draft_text(view)
    assert text.splitlines()[0] == "Hi,"
    assert "\x1b" not in text and "\\n" in text and "\\t" in text
    assert "Who approves it, and when?" in text and "your" not in text.split("?")[-1]


def test_draft_of_an_unknown_follow_up_is_one_line(pipeline: Path) -> None:
    result = invoke("--today", "2026-11-24", "draft", "F999")
    assert result.exit_code != 0 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "F999" in result.stderr


@pytest.mark.parametrize(
    ("outline", "bring", "expected"),
    [
        ("Give them something worth forwarding; ask who signed the last similar purchase.", "",
         "Who signed the last similar purchase?"),
        ("Thank them, restate their goal, list what is open, attach the plan, offer two dated "
         "slots for the next step.", "Recap; propose a next step with two slots: Mon 2026-11-30 "
         "13:00 or Tue 2026-12-01 11:30", "Mon 2026-11-30 13:00 or Tue 2026-12-01 11:30"),
        ("Ask it plainly and make it easy to answer.", "The one question that decides what "
         "comes next: is growth still a priority this quarter?",
         "Is growth still a priority this quarter?"),
        ("Something nobody wrote a question for.", "", "?"),
    ],
)  # fmt: skip
def test_the_question_comes_from_the_outline(outline: str, bring: str, expected: str) -> None:
    from dealcoach.domain.followup_words import the_question

    asked = the_question(outline, bring, milestone=None, milestone_day="")
    assert expected in asked and asked.endswith("?") and asked.count("?") == 1
