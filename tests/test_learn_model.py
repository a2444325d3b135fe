"""The stored model and the encoding, as pure logic: JSON round trips, scoring, bins and levels."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.learn.encode import amount_text, bin_text, learn_encoding
from dealcoach.learn.model import Feature, Level, Model, score

weights = st.floats(-3, 3, allow_nan=False)
labels = st.text(min_size=1, max_size=12)


@st.composite
def feature(draw: st.DrawFn, name: str) -> Feature:
    if draw(st.booleans()):
        values = draw(st.lists(labels, min_size=1, max_size=6, unique=True))
        levels = tuple(Level(v, draw(weights), draw(st.integers(1, 99))) for v in values)
        return Feature(name, name.title(), "category", levels, Level("unknown", draw(weights), 0))
    edges = sorted(draw(st.sets(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=4)))
    levels = tuple(Level(f"bin {i}", draw(weights), 5) for i in range(len(edges) + 1))
    return Feature(name, name, "number", levels, Level("unknown", draw(weights), 3), tuple(edges))


@st.composite
def models(draw: st.DrawFn) -> Model:
    names = draw(st.lists(st.sampled_from(["type", "value", "field:Tier", "stage"]), unique=True))
    return Model(
        trained_on=date(2026, 11, 20),
        intercept=draw(weights),
        features=tuple(draw(feature(n)) for n in names),
        base_rate=draw(st.floats(0.05, 0.95)),
        counts={"closed": 50, "won": 20, "lost": 30, "let_go": 4},
        metrics={"auc": 0.7, "brier": 0.2, "stage_auc": None, "folds": 5, "c": 0.1},
        calibration=({"low": 0.1, "high": 0.2, "predicted": 0.15, "actual": 0.2, "count": 9},),
        stage_rates={"lead": {"deals": 4, "won": 1, "rate": 0.25, "odds": 0.1}},
        left_out=({"feature": "field:Id", "why": "too many values (50)"},),
        top_factors=({"factor": "deal type: new", "effect": -3.2, "deals": 12},),
    )


raws = st.one_of(st.none(), labels, st.floats(-1e7, 1e7, allow_nan=False), st.just("bin 0"))


@given(models(), st.dictionaries(st.sampled_from(["type", "value", "field:Tier", "stage"]), raws))
def test_json_round_trip_scores_the_same(model: Model, raw: dict) -> None:
    back = Model.from_json(json.loads(json.dumps(model.to_json())))
    assert back == model
    assert Model.from_json(json.dumps(model.to_json())) == model
    assert score(back, raw) == score(model, raw)
    found = score(model, raw)
    assert 0 < found.probability < 1
    assert len(found.factors) <= 5
    assert all(abs(f.effect) >= 0.5 for f in found.factors)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": 2}, "version 2"),
        ([], "JSON object"),
        ({"version": 1, "trained_on": "2026-11-20"}, "damaged"),
    ],
)
def test_a_model_it_cannot_read_is_refused(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Model.from_json(data)  # type: ignore[arg-type]


def test_a_level_never_seen_scores_as_a_typical_deal() -> None:
    tier = Feature(
        "field:Tier",
        "Tier",
        "category",
        (Level("gold", 1.0, 10), Level("3", -1.0, 10)),
        Level("unknown", 0.0, 0),
    )
    model = Model(date(2026, 1, 1), 0.0, (tier,), 0.5, {}, {})
    assert score(model, {"field:Tier": "platinum"}).probability == 0.5
    assert score(model, {}).probability == 0.5
    assert score(model, {"field:Tier": 3.0}).factors[0].factor == "Tier: 3"  # a number read as text
    top = score(model, {"field:Tier": "gold"})
    assert top.probability == pytest.approx(1 / (1 + math.exp(-1)))
    assert top.factors[0].factor == "Tier: gold"
    assert top.factors[0].effect == round(100 * (top.probability - 0.5), 1) == 23.1


@pytest.mark.parametrize(
    ("name", "low", "high", "integer", "text"),
    [
        ("value", math.log10(50_001), math.log10(120_001), False, "50,000–120,000"),
        ("value", None, math.log10(9_201), False, "under 9,200"),
        ("value", math.log10(1_234_568), None, False, "1,200,000 or more"),
        ("touches_replied", 2.0, 5.0, True, "2–4"),
        ("touches_replied", 2.0, 3.0, True, "2"),
        ("cycle_days", None, 30.0, True, "under 30"),
        ("field:Score", 0.25, 0.75, False, "0.25–0.75"),
    ],
)
def test_bins_read_as_a_rep_would_say_them(
    name: str, low: float | None, high: float | None, integer: bool, text: str
) -> None:
    assert bin_text(name, low, high, integer=integer) == text


@pytest.mark.parametrize(("amount", "text"), [(0, "0"), (999, "1,000"), (48_750, "49,000")])
def test_amounts_round_to_two_figures(amount: float, text: str) -> None:
    assert amount_text(amount) == text


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=40, max_size=400))
def test_bins_cover_every_number_and_each_holds_enough_deals(numbers: list[float]) -> None:
    encoding = learn_encoding([{"n": x} for x in numbers])
    if not encoding.codes:
        assert encoding.left_out[0][0] == "n"
        return
    (code,) = encoding.codes
    assert len(code.levels) <= 5 and list(code.edges) == sorted(set(code.edges))
    counts = [0] * (code.unknown + 1)
    for x in numbers:
        counts[code.level(x)] += 1
    assert counts[code.unknown] == 0
    assert min(counts[:-1]) >= max(5, math.ceil(0.05 * len(numbers)))
    assert code.level(None) == code.level(math.nan) == code.level("n/a") == code.unknown


def test_categories_numbers_and_unknowns() -> None:
    rows = [
        {"type": "new", "size": 1.0, "mixed": 3.0},
        {"type": "expansion", "size": None, "mixed": "n/a"},
        {"type": None, "size": 2.0, "mixed": "x"},
        {"type": "new", "size": 1.0, "mixed": "y"},
    ]
    encoding = learn_encoding(rows)
    codes = {c.name: c for c in encoding.codes}
    assert codes["type"].kind == "category" and codes["type"].levels == ("new", "expansion")
    assert codes["type"].level("renewal") == codes["type"].level(None) == 2
    assert codes["mixed"].kind == "category" and codes["mixed"].level(3.0) == 0  # "3"
    # three numbers make one bin; known against unknown still tells deals apart
    assert codes["size"].levels == ("any",) and codes["size"].level(None) == 1
    assert encoding.left_out == ()
    without = learn_encoding([{"size": 1.0}, {"size": 2.0}, {"size": 1.0}])
    assert without.left_out == (("size", "too few deals differ"),)


def test_thirty_values_are_a_category_thirty_one_are_not() -> None:
    thirty = learn_encoding([{"f": f"v{i % 30}"} for i in range(300)])
    assert len(thirty.codes[0].levels) == 30
    more = learn_encoding([{"f": f"v{i % 31}"} for i in range(310)])
    assert more.codes == () and more.left_out == (("f", "too many values (31)"),)
