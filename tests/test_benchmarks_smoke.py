"""The benchmark harness keeps working (issue 6), and the CLI keeps its start-up discipline.

The harness runs here on a tiny pipeline, one round, no budgets enforced: timings on a shared CI
machine prove nothing, but a harness that no longer runs would rot unnoticed. The real numbers
come from `python benchmarks/run.py` (see benchmarks/README.md).
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
HEAVY = (
    "questionary",
    "prompt_toolkit",
    "rich",
    "sqlite_utils",
    "dateparser",
    "holidays",
    "pydantic",
)
TOOLS = {"baseline", "sqlite3_csv"}


def _python(*args: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_importing_the_cli_loads_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    """`import dealcoach.cli` is what every command pays; the heavy ones load where needed."""
    done = _python(
        "-c",
        "import json, sys; import dealcoach.cli; print(json.dumps(sorted(sys.modules)))",
        cwd=tmp_path,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert "dealcoach.cli" in loaded  # the probe did import what it claims to
    heavy = sorted({name for name in loaded if name.split(".")[0] in HEAVY})
    assert heavy == []


@pytest.mark.timeout(30)
def test_the_harness_runs_every_command_on_a_tiny_pipeline(tmp_path: Path) -> None:
    report = tmp_path / "results.json"
    done = _python(
        str(BENCHMARKS / "run.py"),
        "--sizes",
        "30",
        "--runs",
        "1",
        "--warmup",
        "0",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--json",
        str(report),
        cwd=tmp_path,
        timeout=28,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "median ms" in done.stdout and "budget" in done.stdout

    document = json.loads(report.read_text())
    results = {(r["group"], r["key"]): r for r in document["results"]}
    expected = {"baseline", "version", "help"}
    assert {key for group, key in results if group == "start-up"} == expected
    pipeline = {key for group, key in results if group == 30}
    assert pipeline >= {"next", "next_json", "list_json", "show", "log", "done", "qualify"}
    for (_group, key), result in results.items():
        if result["skipped"]:
            assert key in {"export_csv", "sqlite3_csv"}, result  # optional by design
            continue
        assert result["error"] is None, result
        assert len(result["times_s"]) == 1 and result["median_s"] > 0
        if key not in TOOLS:
            assert max(result["peak_kb"]) > 5_000, result  # a Python process, not a stand-in

    budgets = {b["budget"]: b for b in document["budgets"]}
    assert len(budgets) == 8
    evaluated = [b for b in budgets.values() if b["status"] != "skip"]
    assert {b["budget"] for b in evaluated} == {
        "--version / minimal Typer app",
        "--help / minimal Typer app",
    }
    assert all(b["value"] > 0 for b in evaluated)

    counts = document["generation"]["30"]["counts"]
    assert counts["deals"] == counts["open_deals"] == 30
    assert counts["stakeholders"] >= 30 and counts["interviews"] >= 30
    assert counts["touches"] > 30 and counts["steps"] > 0 and counts["planned_followups"] > 0


def _generate(tmp_path: Path, name: str, size: int, open_deals: int) -> sqlite3.Connection:
    out = tmp_path / name
    done = _python(
        str(BENCHMARKS / "generate.py"),
        "db",
        str(size),
        "--open",
        str(open_deals),
        "--out",
        str(out),
        cwd=tmp_path,
        timeout=20,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return sqlite3.connect(out)


def _open_deals(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    """The open deals' answers and what happened to them, without ids (they depend on the size:
    an `owe:<touch id>` key among them)."""
    rows = conn.execute(
        "SELECT d.account, d.value, d.decision, d.valid_until, i.answers,"
        " (SELECT COUNT(*) FROM touches t WHERE t.deal_id = d.id),"
        " (SELECT group_concat(f.key || '@' || f.due, ' ') FROM followups f"
        "  WHERE f.deal_id = d.id AND f.status = 'planned')"
        " FROM deals d JOIN interviews i ON i.deal_id = d.id"
        " WHERE d.status = 'open' ORDER BY d.created, d.account, i.taken_on, i.id"
    ).fetchall()
    return [(*row[:-1], re.sub(r"owe:\d+", "owe:N", row[-1] or "")) for row in rows]


@pytest.mark.timeout(40)
def test_the_generator_is_deterministic_and_adds_only_history(tmp_path: Path) -> None:
    """Same size and seed, same file; a larger size adds closed history behind the same open deals."""
    first, again, smaller = (
        _generate(tmp_path, "a.db", 40, 12),
        _generate(tmp_path, "b.db", 40, 12),
        _generate(tmp_path, "c.db", 12, 12),
    )
    try:
        dumps = [
            [line for line in conn.iterdump() if "_sqlite_migrations" not in line]  # no run time
            for conn in (first, again)
        ]
        assert dumps[0] == dumps[1]
        statuses = dict(first.execute("SELECT status, COUNT(*) FROM deals GROUP BY status"))
        assert statuses.pop("open") == 12 and sum(statuses.values()) == 28
        sent = first.execute("SELECT COUNT(*) FROM followups WHERE status = 'done'").fetchone()
        assert sent[0] > 0
        assert _open_deals(first) == _open_deals(smaller)
        assert len(_open_deals(smaller)) >= 12
    finally:
        for conn in (first, again, smaller):
            conn.close()


def test_the_learner_benchmark_runs_and_writes_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "learn.json"
    done = _python(
        str(BENCHMARKS / "learn_bench.py"),
        *("--size", "400", "--rounds", "1", "--json", str(out)),
        cwd=BENCHMARKS.parent,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["deals"] == 400 and figures["features"] == 20
    assert figures["train_s"] > 0 and figures["score_s"] > 0 and 0.5 < figures["auc"] < 1
