"""Learning the win probability from closed deals: the only module that loads scikit-learn.

One-hot levels (`learn/encode.py`) into an L2 logistic regression, its strength chosen by
stratified 5-fold cross-validated log loss; the out-of-fold probabilities give the AUC, the Brier
score and the calibration a rep can trust, beside the base rate and the stage odds the agenda
assumes. A custom field that alone all but names the outcome was filled in after the fact: it is
left out. The result is a plain `Model` (`learn/model.py`) that scores without numpy.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from dealcoach.domain.agenda import STAGE_ODDS
from dealcoach.learn.encode import Code, Encoding, learn_encoding
from dealcoach.learn.facts import FIELD_PREFIX, LearningFacts, Raw, describe, features
from dealcoach.learn.model import Feature, Level, Model, gate_reason, points

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

__all__ = ["C_GRID", "FOLDS", "LEAK_AUC", "Example", "Learned", "design", "train"]

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)  # inverse L2 strength tried, by cross-validated log loss
FOLDS = 5
LEAK_AUC = 0.97  # a custom field this good alone was written once the outcome was known
TOP_FACTORS = 10
BUCKETS = 10
MIN_STAGED = 10  # closed deals with a stage before stage odds are scored
SEED = 0


@dataclass(frozen=True)
class Example:
    """One closed deal: its raw features as it stood while open, and how it ended."""

    features: Mapping[str, Raw]
    won: bool
    let_go: bool = False
    stage: str | None = None

    @classmethod
    def from_facts(cls, facts: LearningFacts) -> Example:
        """A closed deal's facts as an example; ValueError for an open deal."""
        if facts.status not in ("won", "lost", "let_go"):
            raise ValueError(f"deal {facts.deal_id} is {facts.status}, not closed")
        return cls(features(facts), facts.won, facts.status == "let_go", facts.stage)


@dataclass(frozen=True)
class Learned:
    """What `train` made: a model (None below the gate, with the reason) and the report that
    `learn --json` prints."""

    model: Model | None
    reason: str | None
    report: dict[str, Any]
    encoding: Encoding | None = field(default=None, repr=False)


def train(examples: Sequence[Example], *, trained_on: date) -> Learned:
    """A model from the closed deals, or the one-line reason there is none yet."""
    won = sum(1 for e in examples if e.won)
    lost = len(examples) - won
    let_go = sum(1 for e in examples if e.let_go and not e.won)
    counts = {"closed": len(examples), "won": won, "lost": lost, "let_go": let_go}
    base = won / len(examples) if examples else None
    reason = gate_reason(len(examples), won, lost)
    if reason is not None:
        report = {"reason": reason, "trained_on": None, "counts": counts, "base_rate": base}
        return Learned(None, reason, report)
    from threadpoolctl import threadpool_limits

    # small problems: BLAS threads fighting for two busy cores made the fits 8x slower (measured)
    with threadpool_limits(limits=1):
        model, encoding = _learn(examples, counts, trained_on)
    report = {"reason": None, **{k: v for k, v in model.to_json().items() if k != "features"}}
    return Learned(model, None, report, encoding)


def _learn(
    examples: Sequence[Example], counts: dict[str, int], trained_on: date
) -> tuple[Model, Encoding]:
    """The encoding, the leak guard, the cross-validated fit and the centred model."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    rows = [e.features for e in examples]
    y = np.fromiter((e.won for e in examples), dtype=np.int8, count=len(examples))
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(rows, y))
    encoding = learn_encoding(rows)
    levels = np.asarray(encoding.levels(rows), dtype=np.int32).reshape(len(rows), -1)
    leaks = _leaks(encoding, levels, y, folds)
    if leaks:
        keep = [i for i, c in enumerate(encoding.codes) if c.name not in leaks]
        encoding = encoding.without(leaks)
        levels = levels[:, keep]
    columns = _columns(encoding, levels)
    matrix = _matrix(levels, columns)
    c, oof = _cross_validate(matrix, y, folds)
    intercept, weights = _fit(matrix, y, c)
    model = _model(
        encoding, levels, columns, intercept, weights, examples, oof, y, counts, c, trained_on
    )
    return model, encoding


def design(
    encoding: Encoding, rows: Sequence[Mapping[str, Raw]], train_rows: Sequence[Mapping[str, Raw]]
) -> csr_matrix:
    """The one-hot matrix of `rows`, with the columns the training rows gave (for checks)."""
    import numpy as np

    train_levels = np.asarray(encoding.levels(train_rows), dtype=np.int32)
    train_levels = train_levels.reshape(len(train_rows), -1)
    levels = np.asarray(encoding.levels(rows), dtype=np.int32).reshape(len(rows), -1)
    return _matrix(levels, _columns(encoding, train_levels))


def _columns(encoding: Encoding, levels: np.ndarray) -> list[np.ndarray]:
    """Per feature, the column of each level index (-1 where training never saw the level)."""
    import numpy as np

    found: list[np.ndarray] = []
    start = 0
    for j, code in enumerate(encoding.codes):
        seen = np.bincount(levels[:, j], minlength=code.unknown + 1) > 0
        column = np.full(code.unknown + 1, -1, dtype=np.int64)
        column[seen] = np.arange(start, start + int(seen.sum()))
        start += int(seen.sum())
        found.append(column)
    return found


def _matrix(levels: np.ndarray, columns: list[np.ndarray]) -> csr_matrix:
    import numpy as np
    from scipy.sparse import csr_matrix

    n = levels.shape[0]
    width = max((int(c.max()) + 1 for c in columns), default=0)
    if not columns:
        return csr_matrix((n, 0))
    cols = np.stack([columns[j][levels[:, j]] for j in range(len(columns))], axis=1)
    rows = np.repeat(np.arange(n), len(columns)).reshape(n, -1)
    keep = cols >= 0
    data = np.ones(int(keep.sum()))
    return csr_matrix((data, (rows[keep], cols[keep])), shape=(n, width))


def _leaks(
    encoding: Encoding, levels: np.ndarray, y: np.ndarray, folds: list[Any]
) -> dict[str, str]:
    """Custom fields that alone rank won above lost almost perfectly, out of fold."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    prior = float(y.mean())
    found: dict[str, str] = {}
    for j, code in enumerate(encoding.codes):
        if not code.name.startswith(FIELD_PREFIX):
            continue
        column = levels[:, j]
        size = code.unknown + 1
        rates = np.empty(len(y))
        for fit_rows, test_rows in folds:
            deals = np.bincount(column[fit_rows], minlength=size)
            wins = np.bincount(column[fit_rows], weights=y[fit_rows], minlength=size)
            rates[test_rows] = ((wins + prior) / (deals + 1))[column[test_rows]]
        if roc_auc_score(y, rates) >= LEAK_AUC:
            found[code.name] = "tells the outcome"
    return found


def _cross_validate(
    matrix: csr_matrix, y: np.ndarray, folds: list[Any]
) -> tuple[float, np.ndarray]:
    """The C with the least out-of-fold log loss, and its out-of-fold probabilities."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import cross_val_predict

    if matrix.shape[1] == 0:
        oof = np.empty(len(y))
        for fit_rows, test_rows in folds:
            oof[test_rows] = y[fit_rows].mean()
        return 1.0, oof
    best: tuple[float, float, np.ndarray] | None = None
    for c in C_GRID:
        estimator = LogisticRegression(C=c, max_iter=1000)
        oof = cross_val_predict(estimator, matrix, y, cv=folds, method="predict_proba")[:, 1]
        loss = log_loss(y, oof, labels=[0, 1])
        if best is None or loss < best[0]:
            best = (loss, c, oof)
    assert best is not None
    return best[1], best[2]


def _fit(matrix: csr_matrix, y: np.ndarray, c: float) -> tuple[float, list[float]]:
    from sklearn.linear_model import LogisticRegression

    if matrix.shape[1] == 0:
        base = float(y.mean())
        return math.log(base / (1 - base)), []
    estimator = LogisticRegression(C=c, max_iter=1000).fit(matrix, y)
    return float(estimator.intercept_[0]), [float(w) for w in estimator.coef_[0]]


def _model(
    encoding: Encoding,
    levels: np.ndarray,
    columns: list[Any],
    intercept: float,
    weights: list[float],
    examples: Sequence[Example],
    oof: np.ndarray,
    y: np.ndarray,
    counts: dict[str, int],
    c: float,
    trained_on: date,
) -> Model:
    """The centred, plain-Python model with its metrics."""
    import numpy as np

    n = len(examples)
    built: list[Feature] = []
    for j, code in enumerate(encoding.codes):
        deals = np.bincount(levels[:, j], minlength=code.unknown + 1)
        raw = [weights[k] if k >= 0 else 0.0 for k in columns[j].tolist()]
        mean = math.fsum(float(d) * w for d, w in zip(deals.tolist(), raw, strict=True)) / n
        intercept += mean
        centred = [
            (w - mean) if k >= 0 else 0.0 for w, k in zip(raw, columns[j].tolist(), strict=True)
        ]  # a level training never saw: a typical deal
        built.append(_feature(code, centred, deals.tolist()))
    base = counts["won"] / n
    return Model(
        trained_on=trained_on,
        intercept=intercept,
        features=tuple(built),
        base_rate=base,
        counts=counts,
        metrics=_metrics(examples, oof, y, c),
        calibration=tuple(_calibration(oof, y)),
        stage_rates=_stage_rates(examples),
        left_out=tuple({"feature": name, "why": why} for name, why in encoding.left_out),
        top_factors=tuple(_top(built, base, n)),
    )


def _feature(code: Code, centred: list[float], deals: list[int]) -> Feature:
    return Feature(
        name=code.name,
        label=describe(code.name),
        kind=code.kind,
        levels=tuple(Level(w, c, d) for w, c, d in zip(code.levels, centred, deals, strict=False)),
        unknown=Level("unknown", centred[-1], deals[-1]),
        edges=code.edges,
    )


def _metrics(
    examples: Sequence[Example], oof: np.ndarray, y: np.ndarray, c: float
) -> dict[str, Any]:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    base = float(y.mean())
    staged = [(STAGE_ODDS[e.stage], e.won) for e in examples if e.stage in STAGE_ODDS]
    stage_auc = stage_brier = None
    if len(staged) >= MIN_STAGED:
        odds = [o for o, _ in staged]
        wins = [int(w) for _, w in staged]
        stage_brier = _round(brier_score_loss(wins, odds))
        if 0 < sum(wins) < len(wins):
            stage_auc = _round(roc_auc_score(wins, odds))
    return {
        "auc": _round(roc_auc_score(y, oof)),
        "brier": _round(brier_score_loss(y, oof)),
        "base_auc": 0.5,
        "base_brier": _round(base * (1 - base)),
        "stage_auc": stage_auc,
        "stage_brier": stage_brier,
        "stage_deals": len(staged),
        "folds": FOLDS,
        "c": c,
    }


def _calibration(oof: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    """Out-of-fold predicted against actual, in 10 equal-width buckets; empty ones left out."""
    import numpy as np

    bucket = np.minimum((oof * BUCKETS).astype(int), BUCKETS - 1)
    found = []
    for b in range(BUCKETS):
        inside = bucket == b
        count = int(inside.sum())
        if count:
            found.append(
                {
                    "low": b / BUCKETS,
                    "high": (b + 1) / BUCKETS,
                    "predicted": _round(float(oof[inside].mean())),
                    "actual": _round(float(y[inside].mean())),
                    "count": count,
                }
            )
    return found


def _stage_rates(examples: Sequence[Example]) -> dict[str, dict[str, Any]]:
    """The rep's real win rate per stage, beside the odds the agenda assumes."""
    deals = Counter(e.stage for e in examples if e.stage)
    wins = Counter(e.stage for e in examples if e.stage and e.won)
    return {
        stage: {
            "deals": n,
            "won": wins[stage],
            "rate": _round(wins[stage] / n),
            "odds": STAGE_ODDS.get(stage),
        }
        for stage, n in sorted(deals.items())
    }


def _top(built: list[Feature], base: float, n: int) -> list[dict[str, Any]]:
    """The strongest levels overall, in points at the base rate, among levels with a few deals."""
    least = max(5, n // 100)
    found = []
    for feature in built:
        for level in (*feature.levels, feature.unknown):
            effect = round(points(base, level.weight), 1)
            if level.deals >= least and abs(effect) >= 0.5:
                found.append(
                    {
                        "factor": f"{feature.label}: {level.level}",
                        "effect": effect,
                        "deals": level.deals,
                    }
                )
    found.sort(key=lambda f: (-abs(f["effect"]), f["factor"]))
    return found[:TOP_FACTORS]


def _round(value: float) -> float:
    return round(float(value), 4)
