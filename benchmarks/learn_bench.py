"""Time the learner (issue 14): training on 10,000 closed deals and scoring 10,000 deals.

    python benchmarks/learn_bench.py [--size 10000] [--extra 6] [--rounds 3] [--json FILE]

The deals are generated with planted effects (`tests/helpers/learn_data.py`, a fixed seed): about
20 raw features each, as `features()` gives them, custom fields included. Reported, each the median
of the rounds: scikit-learn's import (paid once by `learn`, never by a daily command), `train()`
(encoding, leak guard, the C grid's 5-fold cross-validation, the final fit) and `score()` over every
deal in plain Python. The budgets: training with its import within 3 s of `learn`'s 5 s, and
scoring 10,000 deals well under 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRAIN_BUDGET = 3.0  # seconds, the sklearn import included
SCORE_BUDGET = 0.5  # seconds for 10,000 deals


def _import_seconds() -> float:
    """scikit-learn's import in a fresh interpreter, as `learn` pays it."""
    code = (
        "import time; t = time.perf_counter(); "
        "import sklearn.linear_model, sklearn.metrics, sklearn.model_selection; "
        "print(time.perf_counter() - t)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return float(done.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--extra", type=int, default=6, help="noise custom fields beyond 14")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    from tests.helpers.learn_data import pipeline

    from dealcoach.learn.model import score
    from dealcoach.learn.train import train

    examples = pipeline(args.size, seed=1, extra=args.extra)
    rows = [e.features for e in examples]
    imports, trains, scores = [], [], []
    learned = None
    for _ in range(args.rounds):
        imports.append(_import_seconds())
        start = time.perf_counter()
        learned = train(examples, trained_on=date(2026, 11, 20))
        trains.append(time.perf_counter() - start)
        start = time.perf_counter()
        for row in rows:
            score(learned.model, row)  # type: ignore[arg-type]
        scores.append(time.perf_counter() - start)
    assert learned is not None and learned.model is not None
    result = {
        "deals": args.size,
        "features": len(rows[0]),
        "columns": sum(len(f.levels) + 1 for f in learned.model.features),
        "import_s": round(statistics.median(imports), 3),
        "train_s": round(statistics.median(trains), 3),
        "train_with_import_s": round(statistics.median(imports) + statistics.median(trains), 3),
        "score_s": round(statistics.median(scores), 3),
        "score_us_per_deal": round(1e6 * statistics.median(scores) / args.size, 1),
        "auc": learned.model.metrics["auc"],
        "c": learned.model.metrics["c"],
        "model_json_bytes": len(json.dumps(learned.model.to_json())),
    }
    ok_train = result["train_with_import_s"] <= TRAIN_BUDGET * args.size / 10_000
    ok_score = result["score_s"] <= SCORE_BUDGET * args.size / 10_000
    for key, value in result.items():
        print(f"{key:>22}: {value}")
    print(f"{'train budget':>22}: {'PASS' if ok_train else 'FAIL'} (≤ {TRAIN_BUDGET} s at 10,000)")
    print(f"{'score budget':>22}: {'PASS' if ok_score else 'FAIL'} (≤ {SCORE_BUDGET} s at 10,000)")
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
