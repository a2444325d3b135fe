"""Generated closed pipelines with planted effects, for the learner's tests and benchmark."""

from __future__ import annotations

import math
import random
from typing import Any

from dealcoach.learn.facts import Raw
from dealcoach.learn.train import Example

STAGES = ["lead", "qualified", "prospect", "opportunity", "closing"]
SECTORS = ["retail", "health", "finance", "energy", "public", "media", "logistics", "education"]
SOURCES = ["inbound", "outbound", "referral", "event", "partner"]
INDUSTRIES = [f"industry {i}" for i in range(12)]
EXPANSION_ODDS = 3.0  # the planted effect: an expansion deal has 3x the odds of winning


def truth(row: dict[str, Raw]) -> float:
    """The planted log-odds of winning."""
    z = -1.6
    if row["type"] == "expansion":
        z += math.log(EXPANSION_ODDS)
    z += {"referral": 0.5, "partner": -0.4}.get(str(row["source"]), 0.0)
    z += 0.25 * STAGES.index(str(row["stage"])) if row["stage"] else 0.0
    if isinstance(row["value"], float):
        z -= 0.35 * (row["value"] - 4.5)
    z += 0.15 * min(float(row["touches_replied"] or 0), 5)
    if row["champion"] == "yes":
        z += 0.3
    return z


def raw_row(rng: random.Random, *, extra: int = 0) -> dict[str, Raw]:
    """One deal's raw features as `features()` would give them, plus `extra` noise fields."""
    amount = rng.lognormvariate(10.3, 1.1) if rng.random() > 0.05 else None
    row: dict[str, Raw] = {
        "value": math.log10(1 + amount) if amount is not None else None,
        "type": rng.choice(["new", "new", "expansion", "renewal"]),
        "source": rng.choice(SOURCES),
        "sector": rng.choice(SECTORS) if rng.random() > 0.1 else None,
        "stage": rng.choice(STAGES) if rng.random() > 0.05 else None,
        "owner": rng.choice(["ana", "lee", "raj"]),
        "cycle_days": float(rng.randint(5, 200)),
        "touches_replied": float(min(int(rng.expovariate(0.5)), 12)),
        "touches_unanswered": float(min(int(rng.expovariate(0.4)), 15)),
        "qualified": rng.choice(["yes", "no"]),
        "champion": rng.choice(["yes", "no"]),
        "power_met": rng.choice(["yes", "no"]),
        "stakeholders": float(rng.randint(0, 5)),
        "field:Industry": rng.choice(INDUSTRIES),
    }
    for i in range(extra):
        row[f"field:Extra {i}"] = float(rng.randint(0, 100)) if i % 2 else rng.choice("abcdef")
    return row


def pipeline(n: int, *, seed: int, extra: int = 0) -> list[Example]:
    """`n` closed deals whose outcome follows `truth`; a fifth of the losses were let go."""
    rng = random.Random(seed)
    found = []
    for _ in range(n):
        row = raw_row(rng, extra=extra)
        won = rng.random() < 1 / (1 + math.exp(-truth(row)))
        let_go = not won and rng.random() < 0.2
        found.append(Example(row, won, let_go, row["stage"]))  # type: ignore[arg-type]
    return found


def with_field(examples: list[Example], name: str, values: list[Any]) -> list[Example]:
    """The same examples with one more raw feature."""
    return [
        Example({**e.features, name: v}, e.won, e.let_go, e.stage)
        for e, v in zip(examples, values, strict=True)
    ]
