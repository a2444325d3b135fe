"""The learned win probability through the CLI: a CRM's closed deals in, `learn`, and the
probability on every open deal in `list`, `show` and `next`, kept fresh by `close`."""

from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.clirun import EXAMPLES, TODAY, invoke

HEADER = [
    "Record ID",
    "Deal Name",
    "Associated Company",
    "Amount",
    "Deal Stage",
    "Close Date",
    "Create Date",
    "Deal owner",
    "Industry",
]
INDUSTRIES = ["software", "retail", "health", "logistics"]


def hubspot(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def closed_deals(n: int, *, seed: int = 7, start: int = 1) -> list[list[str]]:
    """Closed deals where software wins about three times as often (in odds) as the rest."""
    rng = random.Random(seed)
    rows = []
    for i in range(start, start + n):
        industry = rng.choice(INDUSTRIES)
        odds = 0.25 * (3 if industry == "software" else 1)
        won = rng.random() < odds / (1 + odds)
        rows.append(
            [
                f"C{i}",
                f"Deal {i}",
                f"Closed Co {i}",
                str(rng.choice([5000, 12000, 30000, 80000])),
                "Closed Won" if won else "Closed Lost",
                "2026-10-15",
                "2026-06-01",
                rng.choice(["Ana", "Ben"]),
                industry,
            ]
        )
    return rows


def open_deals(industries: list[str]) -> list[list[str]]:
    return [
        [
            f"O{i}",
            f"Open deal {i}",
            f"Open Co {i}",
            "20000",
            "Contract Sent",
            "2026-12-18",
            "2026-11-01",
            "Ana",
            industry,
        ]
        for i, industry in enumerate(industries, start=1)
    ]


def run(*args: str) -> Any:
    return invoke("--today", TODAY, *args)


def ok(*args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result


def load(tmp_path: Path, rows: list[list[str]], name: str = "deals.csv") -> None:
    path = tmp_path / name
    path.write_text(hubspot(rows), encoding="utf-8", newline="")
    ok("import", str(path), "--from", "hubspot")


def listed(*args: str) -> dict[str, dict[str, Any]]:
    items = json.loads(ok("list", "--json", *args).stdout)
    return {item["account"]: item for item in items}


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    return dealcoach_home / "dealcoach.db"


def test_below_the_gate_there_is_no_probability_and_the_reason_says_why(tmp_path: Path) -> None:
    load(tmp_path, closed_deals(12) + open_deals(["software"]))
    item = listed()["Open Co 1"]
    assert item["win_probability"] is None and item["win_factors"] == []
    assert item["win_note"] == "learns after 40 closed deals; 12 so far"
    learned = json.loads(ok("learn", "--json").stdout)
    assert learned["model"] is False and learned["closed"] == 12
    assert learned["reason"] == "learns after 40 closed deals; 12 so far"
    screen = ok("learn").stdout
    assert "learns after 40 closed deals; 12 so far" in screen


def test_an_import_that_closes_deals_learns_and_scores_every_open_deal(
    tmp_path: Path, db: Path
) -> None:
    load(tmp_path, closed_deals(400) + open_deals(["software", "retail"]))
    items = listed()
    soft, retail = items["Open Co 1"], items["Open Co 2"]
    assert soft["win_note"] is None
    assert 0 < retail["win_probability"] < soft["win_probability"] < 1
    assert any(f["factor"] == "Industry: software" and f["effect"] > 5 for f in soft["win_factors"])
    assert len(str(soft["win_probability"]).split(".")[1]) >= 3  # never rounded to 2 decimals
    shown = json.loads(ok("show", "Open Co 1", "--json").stdout)["deal"]
    assert shown["win_probability"] == soft["win_probability"]
    assert shown["win_factors"] == soft["win_factors"]
    card = ok("show", "Open Co 1").stdout
    assert "Win probability" in card and "Industry: software" in card


def test_learn_reports_auc_and_brier_against_the_simple_guesses(tmp_path: Path) -> None:
    load(tmp_path, closed_deals(400))
    report = json.loads(ok("learn", "--json").stdout)
    assert report["model"] is True and report["closed"] == 400
    assert report["won"] + report["lost"] == 400
    assert 0.1 < report["base_rate"] < 0.6
    assert report["auc"] > 0.55  # a 3x effect on a quarter of the deals ranks modestly
    assert report["brier"] < report["against"]["base_rate"]["brier"]
    assert report["factors"][0]["factor"] == "Industry: software"
    screen = ok("learn").stdout
    assert "Learned from 400 closed deals" in screen and "Industry: software" in screen


def test_closing_a_deal_keeps_the_model_fresh(tmp_path: Path, db: Path) -> None:
    load(tmp_path, closed_deals(60) + open_deals(["software", "retail"]))
    trained = sqlite3.connect(db).execute("SELECT signature FROM models").fetchone()[0]
    ok("close", "Open Co 2", "lost")
    after = sqlite3.connect(db).execute("SELECT signature FROM models").fetchone()[0]
    assert after != trained
    items = listed("--status", "all")
    assert items["Open Co 2"]["win_probability"] is None  # closed: the outcome is known
    assert items["Open Co 1"]["win_note"] is None and items["Open Co 1"]["win_probability"]


def test_a_model_older_than_the_last_closed_deal_is_never_read(tmp_path: Path, db: Path) -> None:
    load(tmp_path, closed_deals(60) + open_deals(["software"]))
    with sqlite3.connect(db) as conn:  # a deal closed behind dealcoach's back
        conn.execute("UPDATE deals SET status = 'won', closed_on = '2026-11-20' WHERE id = 1")
        conn.execute("UPDATE deals SET status = 'lost' WHERE external_id = 'C1'")
    item = listed()["Open Co 1"]
    assert item["win_probability"] is None
    assert "older than the last closed deal" in item["win_note"]
    ok("learn")
    assert listed()["Open Co 1"]["win_probability"] is not None


def test_next_ranks_by_expected_value_and_says_so(tmp_path: Path) -> None:
    load(tmp_path, closed_deals(300))
    for name in ("healthy-district.toml", "thin-lead.toml"):
        ok("qualify", "--answers", str(EXAMPLES / name))
    due = json.loads(invoke("--today", "2026-12-10", "next", "--json").stdout)["due"]
    assert due, "the examples plan follow-ups"
    for item in due:
        assert item["win_probability"] is not None
        assert "win_probability" in item["urgency_parts"]
        assert "stage_odds" not in item["urgency_parts"]


def test_review_has_forecast_calibration_and_factors(tmp_path: Path) -> None:
    load(tmp_path, closed_deals(300) + open_deals(["software", "retail", "health"]))
    review = json.loads(ok("review", "--json").stdout)
    assert {"forecast", "calibration", "factors"} <= set(review)
    december = next(m for m in review["forecast"]["months"] if m["month"] == "2026-12")
    assert december["deals"] == 3 and december["basis"] == "learned"
    assert 0 < december["expected"] < december["value"] == 60000
    assert review["calibration"]["model"], "out-of-sample buckets"
    assert review["factors"][0]["factor"] == "Industry: software"
    screen = ok("review").stdout
    assert "Forecast by month of decision" in screen and "2026-12" in screen


def test_review_without_a_model_uses_stage_odds_labelled_as_such(tmp_path: Path) -> None:
    load(tmp_path, open_deals(["software", "retail"]))
    review = json.loads(ok("review", "--json").stdout)
    december = review["forecast"]["months"][0]
    assert december["basis"] == "stage odds"
    assert december["expected"] == pytest.approx(2 * 20000 * 0.8)
    assert "stage odds" in ok("review").stdout


def test_the_daily_commands_never_load_scikit_learn(tmp_path: Path) -> None:
    load(tmp_path, closed_deals(60) + open_deals(["software"]))
    probe = (
        "import sys; sys.argv = ['dealcoach', '--today', 'TODAY', *sys.argv[1:]];"
        "from dealcoach.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'numpy', 'scipy'}))"
    ).replace("TODAY", TODAY)
    for argv in (["list", "--json"], ["show", "Open Co 1", "--json"], ["next", "--json"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=False
        )
        assert "LOADED []" in done.stdout, (argv, done.stdout[-300:], done.stderr[-500:])
