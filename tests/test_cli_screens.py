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
