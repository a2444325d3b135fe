"""The stored win-probability model, and scoring a deal with it in plain Python.

The trainer (`learn/train.py`, the only module that loads scikit-learn) writes a `Model`; every
daily command reads it back from its JSON and scores deals here, without numpy. The weights are
centred: a level's weight is its effect compared with a typical deal (the training-weighted mean
of its feature's levels sits in the intercept), so a factor in points means "against a deal like
most of yours", and a level the training never saw weighs nothing.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "MIN_CLOSED",
    "MIN_EACH",
    "VERSION",
    "Factor",
    "Feature",
    "Level",
    "Model",
    "Score",
    "factor_label",
    "gate_reason",
    "number_text",
    "points",
    "score",
    "sigmoid",
]

MIN_CLOSED = 40  # closed deals before there is a model
MIN_EACH = 10  # won, and lost (let go counted as lost), before there is a model
VERSION = 1
TOP_FACTORS = 5  # factors shown per deal
MIN_POINTS = 0.5  # a factor smaller than this, in percentage points, is not worth a line


def gate_reason(closed: int, won: int, lost: int) -> str | None:
    """Why there is no model yet, in one line; None when there is enough to learn from."""
    if closed < MIN_CLOSED:
        return f"learns after {MIN_CLOSED} closed deals; {closed} so far"
    short = [f"{n} {what}" for n, what in ((won, "won"), (lost, "lost")) if n < MIN_EACH]
    if short:
        return f"needs {MIN_EACH} won and {MIN_EACH} lost; {' and '.join(short)} so far"
    return None


@dataclass(frozen=True)
class Level:
    """One level of a feature: a category's value or a bin's words, its centred weight (log-odds)
    and the training deals it held."""

    level: str
    weight: float
    deals: int


@dataclass(frozen=True)
class Feature:
    """A feature as the model reads it: a category looks its value up, a number finds its bin."""

    name: str
    label: str
    kind: str  # category | number
    levels: tuple[Level, ...]
    unknown: Level  # for None and for values the training never saw
    edges: tuple[float, ...] = ()  # numbers: bin i holds edges[i-1] <= x < edges[i]
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.kind not in ("category", "number"):
            raise ValueError(f"feature {self.name!r}: kind {self.kind!r} is not category|number")
        if self.kind == "number" and len(self.edges) != len(self.levels) - 1:
            raise ValueError(f"feature {self.name!r}: {len(self.edges)} edges for its bins")
        object.__setattr__(self, "_index", {lv.level: i for i, lv in enumerate(self.levels)})

    def level_of(self, raw: str | float | None) -> Level:
        """The level a raw value falls in; unknown for None and for anything unseen."""
        kind = type(raw)
        if self.kind == "number":
            if (kind is float or kind is int) and math.isfinite(raw):  # type: ignore[arg-type]
                return self.levels[bisect_right(self.edges, raw)]  # type: ignore[arg-type]
            return self.unknown
        if kind is str:
            found = self._index.get(raw)  # type: ignore[arg-type]
        elif kind is float or kind is int:
            found = self._index.get(number_text(raw))  # type: ignore[arg-type]
        else:
            return self.unknown
        return self.unknown if found is None else self.levels[found]


def number_text(number: float) -> str:
    """A number read as a category's value: `3`, not `3.0`."""
    return f"{number:g}"


@dataclass(slots=True)
class Factor:
    """One reason behind a probability: `deal type: expansion`, +9.4 points."""

    factor: str
    effect: float  # percentage points, one decimal


@dataclass(slots=True)
class Score:
    probability: float  # 0-1, not rounded
    factors: list[Factor]


@dataclass(frozen=True)
class Model:
    """A trained model and what the review says about it, JSON-ready through `to_json()`."""

    trained_on: date
    intercept: float
    features: tuple[Feature, ...]
    base_rate: float
    counts: Mapping[str, int]  # closed, won, lost, let_go
    metrics: Mapping[str, Any]  # auc, brier, base_brier, stage_auc, stage_brier, folds, c
    calibration: tuple[Mapping[str, Any], ...] = ()
    stage_rates: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    left_out: tuple[Mapping[str, str], ...] = ()
    top_factors: tuple[Mapping[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The model as plain JSON values, version 1."""
        return {
            "version": VERSION,
            "trained_on": self.trained_on.isoformat(),
            "intercept": self.intercept,
            "base_rate": self.base_rate,
            "counts": dict(self.counts),
            "metrics": dict(self.metrics),
            "features": [_feature_json(f) for f in self.features],
            "calibration": [dict(b) for b in self.calibration],
            "stage_rates": {k: dict(v) for k, v in self.stage_rates.items()},
            "left_out": [dict(x) for x in self.left_out],
            "top_factors": [dict(x) for x in self.top_factors],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> Model:
        """A stored model back; ValueError when it is not a version-1 model."""
        if isinstance(data, str):
            data = json.loads(data)
        if not isinstance(data, Mapping):
            raise ValueError("a stored model is a JSON object")
        if data.get("version") != VERSION:
            raise ValueError(
                f"stored model version {data.get('version')!r}; retrain with `dealcoach learn`"
            )
        try:
            return cls(
                trained_on=date.fromisoformat(data["trained_on"]),
                intercept=_finite(data["intercept"]),
                features=tuple(_feature_from(f) for f in data["features"]),
                base_rate=_finite(data["base_rate"]),
                counts={str(k): int(v) for k, v in data["counts"].items()},
                metrics=dict(data["metrics"]),
                calibration=tuple(dict(b) for b in data.get("calibration", ())),
                stage_rates={str(k): dict(v) for k, v in data.get("stage_rates", {}).items()},
                left_out=tuple(dict(x) for x in data.get("left_out", ())),
                top_factors=tuple(dict(x) for x in data.get("top_factors", ())),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"the stored model is damaged ({error!r}); retrain it") from error


def _feature_json(feature: Feature) -> dict[str, Any]:
    found: dict[str, Any] = {
        "name": feature.name,
        "label": feature.label,
        "kind": feature.kind,
        "levels": [_level_json(lv) for lv in feature.levels],
        "unknown": {"weight": feature.unknown.weight, "deals": feature.unknown.deals},
    }
    if feature.kind == "number":
        found["edges"] = list(feature.edges)
    return found


def _level_json(level: Level) -> dict[str, Any]:
    return {"level": level.level, "weight": level.weight, "deals": level.deals}


def _feature_from(data: Mapping[str, Any]) -> Feature:
    unknown = data["unknown"]
    return Feature(
        name=str(data["name"]),
        label=str(data["label"]),
        kind=str(data["kind"]),
        levels=tuple(
            Level(str(lv["level"]), _finite(lv["weight"]), int(lv["deals"]))
            for lv in data["levels"]
        ),
        unknown=Level("unknown", _finite(unknown["weight"]), int(unknown["deals"])),
        edges=tuple(_finite(e) for e in data.get("edges", ())),
    )


def _finite(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"the stored model holds {value!r}; retrain it")
    return number


def sigmoid(z: float) -> float:
    """The logistic function, without overflow at either end."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def factor_label(feature: Feature, level: Level) -> str:
    """The words of a factor: `deal type: expansion`, `deal size: 50,000–120,000`."""
    return f"{feature.label}: {level.level}"


def points(base: float, weight: float) -> float:
    """A weight in percentage points at a probability `base`: p with it minus p without it."""
    z = math.log(base / (1 - base)) if 0 < base < 1 else 0.0
    return 100 * (sigmoid(z + weight) - sigmoid(z))


def score(model: Model, raw: Mapping[str, str | float | None]) -> Score:
    """A deal's win probability and its strongest factors, each as p minus p without it."""
    chosen = [(f, f.level_of(raw.get(f.name))) for f in model.features]
    z = model.intercept + math.fsum(level.weight for _, level in chosen)
    p = sigmoid(z)
    effects: list[tuple[float, Feature, Level]] = []
    for feature, level in chosen:
        weight = level.weight
        if abs(weight) * 25 < MIN_POINTS:  # p moves at most weight/4: never worth a line
            continue
        effect = 100 * (p - sigmoid(z - weight))
        if abs(effect) >= MIN_POINTS - 0.05:  # rounds to half a point or more
            effects.append((effect, feature, level))
    effects.sort(key=lambda e: (-abs(e[0]), e[1].name))
    found = []
    for effect, feature, level in effects[:TOP_FACTORS]:
        shown = round(effect, 1)
        if abs(shown) >= MIN_POINTS:
            found.append(Factor(factor_label(feature, level), shown))
    return Score(p, found)
