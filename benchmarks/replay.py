"""A held-out replay in the public contract's terms, on a generated CRM with planted effects.

    python benchmarks/replay.py [--closed 200,1000] [--open 2000] [--seed 1]

For each N: a HubSpot-style export of N closed deals (with the CRM's usual extra columns, among
them a leaky "Closed Lost Reason" and a "Last Activity Date" with a value per deal), then 2,000
other deals imported as open, whose outcomes the script keeps to itself; then `dealcoach learn`
and `list --json`, through the installed CLI, on a fresh database. It reports the AUC of the
learned `win_probability` on the held-out deals (and of deal size alone, for reference) and how
long `learn` took. Real CRM data behaves differently; this checks the whole path and the order of
magnitude, not the acceptance figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "Record ID", "Deal Name", "Associated Company", "Amount", "Deal Stage", "Close Date",
    "Create Date", "Deal owner", "Deal Type", "Lead Source", "Industry", "Number of Employees",
    "Pipeline", "Last Activity Date", "Closed Lost Reason",
]  # fmt: skip
SOURCES = {
    "referral": 0.7,
    "partner": 0.4,
    "inbound": 0.3,
    "event": 0.0,
    "paid": -0.2,
    "cold": -0.6,
}
INDUSTRIES = {
    "software": 0.4, "finance": 0.2, "health": 0.1, "retail": -0.2, "logistics": -0.3,
    "education": 0.0, "energy": -0.1, "media": 0.1, "public": -0.4, "telecom": 0.0,
}  # fmt: skip
OWNERS = {"Ana": 0.4, "Ben": 0.0, "Chen": -0.3, "Dee": 0.2, "Eli": -0.2}
TODAY = date(2026, 11, 23)


def deal(rng: random.Random, i: int) -> tuple[list[str], bool, float]:
    existing = rng.random() < 0.3
    source = rng.choice(list(SOURCES))
    industry = rng.choice(list(INDUSTRIES))
    owner = rng.choice(list(OWNERS))
    amount = round(10 ** rng.uniform(3.5, 6.0), -2)
    employees = int(10 ** rng.uniform(1, 4.5))
    cycle = int(rng.uniform(14, 240))
    logit = (
        -1.6
        + (1.1 if existing else 0.0)
        + SOURCES[source]
        + INDUSTRIES[industry]
        + OWNERS[owner]
        - 0.45 * (math.log10(amount) - 4.5)
        - 0.004 * (cycle - 90)
    )
    noise = rng.gauss(0, 0.8)  # what no column knows
    won = rng.random() < 1 / (1 + math.exp(-(logit + noise)))
    created = TODAY - timedelta(days=rng.randint(30, 900))
    close = created + timedelta(days=cycle)
    row = [
        f"R{i}", f"Deal {i}", f"Company {i}", f"{amount:.0f}", "", close.isoformat(),
        created.isoformat(), owner, "existingbusiness" if existing else "newbusiness", source,
        industry, str(employees), "Sales Pipeline",
        (close - timedelta(days=rng.randint(0, 20))).isoformat(), "",
    ]  # fmt: skip
    return row, won, logit


def write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)


def auc(scores: list[float], wins: list[bool]) -> float:
    """The chance a random win outranks a random loss (ties count half)."""
    ranked = sorted(zip(scores, wins, strict=True), key=lambda p: p[0])
    pos = sum(wins)
    neg = len(wins) - pos
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + j + 1) / 2
        rank_sum += mid * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def replay(n_closed: int, n_open: int, seed: int, exe: Path) -> dict[str, float]:
    rng = random.Random(seed)
    closed, held = [], []
    oracle: list[float] = []  # the planted logit: the best any model could rank
    for i in range(n_closed):
        row, won, _ = deal(rng, i)
        row[4] = "Closed Won" if won else "Closed Lost"
        if not won:
            row[14] = rng.choice(["price", "timing", "competitor", "no decision"])
        closed.append(row)
    for i in range(n_closed, n_closed + n_open):
        row, won, logit = deal(rng, i)
        row[4] = rng.choice(["Qualified To Buy", "Presentation Scheduled", "Contract Sent"])
        held.append((row, won))
        oracle.append(logit)
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = {**os.environ, "DEALCOACH_HOME": str(home), "NO_COLOR": "1"}
        base = [str(exe), "--today", TODAY.isoformat()]
        write(home / "closed.csv", closed)
        write(home / "open.csv", [row for row, _ in held])
        for name in ("closed.csv", "open.csv"):
            subprocess.run(
                [*base, "import", str(home / name), "--from", "hubspot"],
                env=env,
                check=True,
                capture_output=True,
            )
        start = time.perf_counter()
        learned = subprocess.run(
            [*base, "learn", "--json"], env=env, check=True, capture_output=True, text=True
        )
        took = time.perf_counter() - start
        items = json.loads(
            subprocess.run(
                [*base, "list", "--json"], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
    by_account = {item["account"]: item for item in items}
    wins = [won for _, won in held]
    probabilities = [by_account[row[2]]["win_probability"] for row, _ in held]
    sizes = [-float(row[3]) for row, _ in held]
    report = json.loads(learned.stdout)
    return {
        "closed": n_closed,
        "cv_auc": report["auc"],
        "held_out_auc": round(auc(probabilities, wins), 3),
        "size_alone_auc": round(auc(sizes, wins), 3),
        "planted_auc": round(auc(oracle, wins), 3),
        "learn_s": round(took, 2),
        "left_out": [x["feature"] for x in report["left_out"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--closed", default="200,1000")
    parser.add_argument("--open", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "dealcoach"
    for n in (int(x) for x in args.closed.split(",")):
        print(json.dumps(replay(n, args.open, args.seed, exe)))


if __name__ == "__main__":
    main()
