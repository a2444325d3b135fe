"""Run the CLI in-process and look at what it wrote."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dealcoach.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"
TODAY = "2026-11-23"


def invoke(*args: str, input: str | None = None) -> Any:
    """Run dealcoach; a crash (anything but a clean exit) fails the test."""
    result = CliRunner().invoke(app, list(args), input=input, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def qualify_json(*args: str) -> dict[str, Any]:
    result = invoke("--today", TODAY, "qualify", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()
