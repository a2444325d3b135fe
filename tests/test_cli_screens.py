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
