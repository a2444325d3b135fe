"""`low_odds`: the learned probability under half the rep's win rate is a risk with its factors
as evidence; it nurtures only together with another risk and never lets a deal go."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.domain import verdict
from dealcoach.domain.settings import Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.home.holidays import holidays_of
from dealcoach.vocabulary import Decision

from .strategies import TODAY, answer_documents, facts_for

EXAMPLES = Path(__file__).parent.parent / "examples"
SETTINGS = Settings()
CAL = WorkCalendar(holidays_of("US"))
FACTORS = (("Industry: retail", -7.5), ("deal size: over 80,000", -3.2), ("owner: ana", 2.0))


def example(name: str) -> dict[str, Any]:
    return tomllib.loads((EXAMPLES / name).read_text())


def judge(doc: dict[str, Any], probability: float | None, base: float | None = 0.3) -> Any:
    facts = facts_for(doc, win_probability=probability, base_rate=base, win_factors=FACTORS)
    return verdict.evaluate(facts, TODAY, SETTINGS, CAL)


def signals(v: Any) -> list[str]:
    return [r.signal for r in v.reasons]


@pytest.mark.parametrize(
    ("probability", "base", "low"),
    [
        (0.10, 0.3, True),
        (0.149, 0.3, True),
        (0.15, 0.3, False),
        (0.5, 0.3, False),
        (None, 0.3, False),
        (0.01, None, False),
    ],
)
def test_low_odds_is_under_half_the_base_rate(
    probability: float | None, base: float | None, low: bool
) -> None:
    v = judge(example("healthy-district.toml"), probability, base)
    assert ("low_odds" in signals(v)) is low


def test_its_evidence_is_the_factors_that_pull_it_down() -> None:
    v = judge(example("healthy-district.toml"), 0.08)
    detail = next(r.detail for r in v.reasons if r.signal == "low_odds")
    assert "8%" in detail and "30%" in detail
    assert "Industry: retail -8 pts" in detail and "deal size: over 80,000 -3 pts" in detail
    assert "owner" not in detail  # a factor in its favour is no evidence against it


def test_with_another_risk_it_tips_pursue_to_nurture() -> None:
    doc = example("healthy-district.toml")  # pursued, with `no_power` (signer not met)
    assert judge(doc, 0.5).decision is Decision.pursue
    low = judge(doc, 0.05)
    assert low.decision is Decision.nurture and low.check_back is not None
    assert signals(low)[:2] == ["low_odds", "no_power"]


def test_alone_it_only_lowers_the_confidence() -> None:
    doc = example("healthy-district.toml")
    doc["who"] = [
        {**person, "met": True} for person in doc["who"]
    ]  # every signer met: no other risk
    fine = judge(doc, 0.5)
    low = judge(doc, 0.05)
    others = set(signals(low)) & verdict.LOW_ODDS_WITH
    if others:
        pytest.skip(f"the example carries other risks: {others}")
    assert low.decision is Decision.pursue
    assert low.confidence < fine.confidence


@given(answer_documents(), st.floats(0, 0.149), st.floats(0.3, 0.9))
def test_low_odds_never_lets_a_deal_go_on_its_own(
    doc: dict[str, Any], probability: float, base: float
) -> None:
    without = judge(doc, None)
    with_low = judge(doc, probability, base)
    if without.decision is not Decision.let_go:
        assert with_low.decision is not Decision.let_go
    if without.decision is Decision.let_go:
        assert with_low.decision is Decision.let_go  # the buyer's reasons still come first
