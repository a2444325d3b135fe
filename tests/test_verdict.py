"""The verdict: pursue, nurture or let go, with named signals and their evidence."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from dealcoach.domain import verdict
from dealcoach.domain.settings import Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.home.holidays import holidays_of
from dealcoach.records import DealFacts, Touch
from dealcoach.vocabulary import Decision, TouchKind

from .strategies import TODAY, answer_documents, facts_for, histories

EXAMPLES = Path(__file__).parent.parent / "examples"
SETTINGS = Settings()
CAL = WorkCalendar(holidays_of("US"))


def judge(doc: dict[str, Any], touches: tuple[Touch, ...] = (), **extra: Any) -> verdict.Verdict:
    return verdict.evaluate(facts_for(doc, touches, **extra), TODAY, SETTINGS, CAL)


def example(name: str) -> dict[str, Any]:
    return tomllib.loads((EXAMPLES / name).read_text())


def signals(v: verdict.Verdict) -> list[str]:
    return [r.signal for r in v.reasons]


@pytest.mark.parametrize(
    ("stop", "decision"),
    [
        ("new_direction", Decision.let_go),
        ("need_not_served", Decision.let_go),
        ("chose_other", Decision.let_go),
        ("lost_funding", Decision.nurture),
        ("back_burner", Decision.nurture),
    ],
)
def test_stop_reasons(stop: str, decision: Decision) -> None:
    doc = example("healthy-district.toml")
    doc["signals"] = {"stop_reason": stop}
    v = judge(doc)
    assert v.decision is decision
    assert signals(v)[0] == "stop_reason"
    assert v.confidence >= 0.8


@given(answer_documents())
def test_a_buyer_who_stopped_is_never_pursued(doc: dict[str, Any]) -> None:
    v = judge(doc)
    if doc["signals"]["stop_reason"] != "none":
        assert v.decision is not Decision.pursue
        assert v.reasons[0].signal == "stop_reason"


@given(answer_documents(), histories())
def test_verdicts_are_well_formed(doc: dict[str, Any], touches: tuple[Touch, ...]) -> None:
    v = judge(doc, touches)
    assert 0 <= v.confidence <= 1
    assert v.reasons, "a verdict always says why"
    assert all(r.detail for r in v.reasons)
    if v.decision is Decision.nurture:
        assert v.check_back is not None and v.check_back > TODAY
    if v.valid_until is not None:
        assert v.valid_until > TODAY


def test_lost_funding_with_a_date_nurtures_until_that_date() -> None:
    doc = example("healthy-district.toml")
    doc["signals"] = {"stop_reason": "lost_funding", "until": "2027-07-01"}
    v = judge(doc)
    assert v.decision is Decision.nurture
    assert v.check_back == date(2027, 7, 1)
    assert "until 2027-07-01" in v.reasons[0].detail


def test_the_stored_check_back_date_is_kept() -> None:
    doc = example("healthy-district.toml")
    doc["signals"] = {"stop_reason": "back_burner"}
    v = judge(doc, stored_check_back=date(2027, 1, 15))
    assert v.check_back == date(2027, 1, 15)


def test_a_logged_signal_overrides_the_interview() -> None:
    doc = example("healthy-district.toml")
    touch = Touch(date=TODAY, kind=TouchKind.note, signal=verdict.StopReason.chose_other)
    assert judge(doc, (touch,)).decision is Decision.let_go


def test_healthy_deal_is_pursued_with_its_strengths() -> None:
    v = judge(example("healthy-district.toml"))
    assert v.decision is Decision.pursue
    assert "no_power" in signals(v)  # the superintendent has not been met
    assert "next_step_agreed" in signals(v)
    assert v.confidence_label in ("medium", "high")


def test_thin_deal_lists_its_gaps_and_is_still_pursued() -> None:
    v = judge(example("thin-lead.toml"))
    assert v.decision is Decision.pursue
    assert {"no_power", "no_dates", "no_criteria", "no_budget", "no_next_step"} <= set(signals(v))
    assert v.confidence < judge(example("healthy-district.toml")).confidence


def test_budget_gap_alone_never_lets_go() -> None:
    doc = example("healthy-district.toml")
    doc["how"]["budget"] = "none"
    assert judge(doc).decision is Decision.pursue


def test_far_decision_without_near_steps_is_nurtured() -> None:
    doc = example("thin-lead.toml")
    doc["when"] = {"decision_date": "2027-09-01"}
    v = judge(doc)
    assert v.decision is Decision.nurture
    assert "far_decision" in signals(v)


def test_far_decision_with_a_buyer_step_soon_is_still_pursued() -> None:
    doc = example("thin-lead.toml")
    doc["when"] = {"decision_date": "2027-09-01"}
    doc["what"] = [{"step": "Pilot kickoff", "date": "2026-12-10"}]
    assert judge(doc).decision is Decision.pursue


def test_date_pushed_twice_is_a_strong_risk() -> None:
    doc = example("healthy-district.toml")
    once = judge(doc, decision_dates=(date(2026, 12, 1), date(2027, 1, 4)))
    twice = judge(doc, decision_dates=(date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 4)))
    assert "date_pushed" in signals(once)
    assert "twice" in next(r.detail for r in twice.reasons if r.signal == "date_pushed")
    assert twice.confidence < once.confidence


def test_ghosting_waits_for_the_buyer_to_have_had_time_to_answer() -> None:
    doc = example("thin-lead.toml")
    days = [10, 6, 0]  # the last one went out today
    touches = tuple(
        Touch(date=TODAY - timedelta(days=d), kind=TouchKind.email, id=i)
        for i, d in enumerate(days)
    )
    v = judge(doc, touches)
    assert v.decision is Decision.pursue
    assert v.valid_until == date(2026, 11, 25)  # two working days later it turns


def test_away_contact_pauses_the_count() -> None:
    doc = example("thin-lead.toml")
    touches = (
        Touch(date=TODAY - timedelta(days=20), kind=TouchKind.email, id=1),
        Touch(date=TODAY - timedelta(days=19), kind=TouchKind.note, away_until=TODAY, id=2),
        Touch(date=TODAY - timedelta(days=15), kind=TouchKind.email, id=3),
        Touch(date=TODAY - timedelta(days=10), kind=TouchKind.email, id=4),
    )
    assert judge(doc, touches).decision is Decision.pursue


def test_imported_deal_without_interview_says_run_qualify() -> None:
    v = verdict.evaluate(DealFacts(created=TODAY, answers=None), TODAY, SETTINGS, CAL)
    assert [r.signal for r in v.reasons] == ["not_qualified"]
    assert "qualify" in v.reasons[0].detail


def test_a_nurture_verdict_leads_with_the_reason_that_decided_it() -> None:
    doc = example("thin-lead.toml")
    doc["when"] = {"decision_date": "2027-09-01"}
    v = judge(doc)
    assert v.decision is Decision.nurture
    assert v.reasons[0].signal == "far_decision"


def test_decision_support_keeps_in_touch_instead_of_letting_go() -> None:
    doc = example("thin-lead.toml")
    doc["deal"]["strategy"] = "decision_support"
    touches = tuple(
        Touch(date=TODAY - timedelta(days=d), kind=TouchKind.email, id=i)
        for i, d in enumerate([30, 22, 15], start=1)
    )
    v = judge(doc, touches)
    assert v.decision is Decision.nurture
    assert v.reasons[0].signal == "ghosted" and v.check_back is not None


def test_a_pushed_date_weighs_less_in_the_public_sector() -> None:
    doc = example("thin-lead.toml")
    doc["deal"]["strategy"] = "acceleration"  # the same strategy on both sides
    pushed = (date(2026, 12, 1), date(2027, 1, 4))
    private = judge(doc, decision_dates=pushed).confidence
    doc["deal"]["sector"] = "public"
    assert judge(doc, decision_dates=pushed).confidence > private
