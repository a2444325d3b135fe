"""The verdict notices time passing: a decision date that passed, strengths that expire, and
reasons that name the last two-way contact (issue 13, README.md "The plan and the verdict")."""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.domain import strategy, verdict
from dealcoach.domain.settings import Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.home.holidays import holidays_of
from dealcoach.records import Touch
from dealcoach.vocabulary import Decision, TouchKind

from .strategies import NAMES, TODAY, answer_documents, facts_for

SETTINGS = Settings()
CAL = WorkCalendar(holidays_of("US"))
STRENGTHS = {"next_step_agreed", "steps_dated", "power_engaged", "budget_approved"}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

# qualified on Mon 2026-11-23 (TODAY); the buyer decides on Fri 2027-01-22
DEAL: dict[str, Any] = {
    "deal": {
        "account": "Acme",
        "title": "Platform",
        "value": 30000,
        "stage": "opportunity",
        "source": "outbound",
        "type": "new",
        "strategy": "acceleration",
        "meeting_date": "2026-11-23",
    },
    "who": [
        {"name": "Dana Ruiz", "role": "champion", "met": True},
        {"name": "Tom Becker", "role": "decision_maker", "met": True},
    ],
    "what": [],
    "when": {"decision_date": "2027-01-22"},
    "how": {"criteria": ["price"], "budget": "approved"},
    "next_step": {"agreed": True, "what": "Pricing call", "date": "2026-12-01"},
    "signals": {"stop_reason": "none"},
}
DECIDED = date(2027, 1, 22)


def deal(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(DEAL)
    for path, value in changes.items():
        section, _, key = path.partition("__")
        if key:
            doc[section][key] = value
        else:
            doc[section] = value
    return doc


def answer(day: date, who: str = "Dana Ruiz") -> Touch:
    return Touch(day, TouchKind.email, inbound=True, who=who)


def email(day: date) -> Touch:
    return Touch(day, TouchKind.email, who="Dana Ruiz")


def judge(
    doc: dict[str, Any], on: date, touches: tuple[Touch, ...] = (), **extra: Any
) -> verdict.Verdict:
    ordered = sorted(touches, key=lambda t: t.date)
    numbered = tuple(dataclasses.replace(t, id=i) for i, t in enumerate(ordered, 1))
    return verdict.evaluate(facts_for(doc, numbered, **extra), on, SETTINGS, CAL)


def reason(v: verdict.Verdict, signal: str) -> str | None:
    return next((r.detail for r in v.reasons if r.signal == signal), None)


# -- decision_passed -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "fires"),
    [
        (date(2027, 1, 22), False),  # the day itself
        (date(2027, 1, 25), False),  # 1 working day past
        (date(2027, 1, 26), False),  # 2
        (date(2027, 1, 27), True),  # 3: more than 2 working days past
        (date(2027, 3, 1), True),
    ],
)
def test_decision_passed_fires_more_than_two_working_days_after_the_date(
    on: date, fires: bool
) -> None:
    v = judge(deal(), on, (answer(on),))
    assert (reason(v, "decision_passed") is not None) is fires
    if fires:
        assert reason(v, "decision_passed") == "decision date 2027-01-22 passed; no new date"


@pytest.mark.parametrize(
    "extra",
    [
        {"decision_date": date(2027, 3, 1)},  # a CRM import or a log gave a later date
        {"is_open": False},
    ],
)
def test_a_later_date_or_a_closed_deal_has_no_decision_passed(extra: dict[str, Any]) -> None:
    v = judge(deal(), date(2027, 2, 10), (answer(date(2027, 2, 9)),), **extra)
    assert reason(v, "decision_passed") is None


def test_a_requalified_later_date_clears_it() -> None:
    moved = deal(when={"decision_date": "2027-03-01"})
    assert reason(judge(moved, date(2027, 2, 10)), "decision_passed") is None


@pytest.mark.parametrize(
    ("on", "decision"),
    [
        (date(2027, 2, 4), Decision.pursue),  # 9 working days of silence after the date
        (date(2027, 2, 5), Decision.nurture),  # 10
        (date(2027, 3, 15), Decision.nurture),
    ],
)
def test_ten_silent_working_days_after_the_date_nurture(on: date, decision: Decision) -> None:
    v = judge(deal(), on, (answer(date(2027, 1, 8)),))
    assert v.decision is decision
    if decision is Decision.nurture:
        assert v.reasons[0].signal == "quiet_after_decision"  # what decided it, named on its own
        assert v.reasons[0].detail == (
            "no answer since 2027-01-08, 10+ working days after the decision date"
        )
        assert reason(v, "decision_passed") == "decision date 2027-01-22 passed; no new date"
        assert v.check_back is not None and v.check_back > on


def test_decision_support_nurtures_too() -> None:
    doc = deal(deal__strategy="decision_support")
    assert judge(doc, date(2027, 2, 8)).decision is Decision.nurture


@pytest.mark.parametrize(
    ("field", "value"),
    [("stage", "closing"), ("type", "renewal"), ("type", "expansion")],
)
def test_closing_renewals_and_customers_escalate(field: str, value: str) -> None:
    v = judge(deal(**{f"deal__{field}": value}), date(2027, 2, 8))
    assert v.decision is Decision.pursue
    detail = reason(v, "quiet_after_decision")
    assert detail is not None and "escalate" in detail


def test_once_the_ceiling_is_also_reached_let_go() -> None:
    sent = (email(date(2027, 1, 25)), email(date(2027, 1, 28)), email(date(2027, 2, 2)))
    v = judge(deal(), date(2027, 2, 8), (answer(date(2027, 1, 8)), *sent))
    assert v.decision is Decision.let_go
    assert {"ghosted", "decision_passed"} <= {r.signal for r in v.reasons}


def test_a_late_reply_ends_the_silence_but_not_the_risk() -> None:
    touches = (answer(date(2027, 1, 8)), answer(date(2027, 2, 9)))
    v = judge(deal(), date(2027, 2, 10), touches)
    assert v.decision is Decision.pursue
    assert reason(v, "decision_passed") == "decision date 2027-01-22 passed; no new date"
    # ten working days of silence after that reply, and it is nurture again
    assert judge(deal(), date(2027, 2, 23), touches).decision is Decision.pursue
    assert judge(deal(), date(2027, 2, 24), touches).decision is Decision.nurture


def test_an_away_notice_does_not_end_the_silence() -> None:
    away = Touch(date(2027, 2, 1), TouchKind.email, inbound=True, away_until=date(2027, 2, 3))
    v = judge(deal(), date(2027, 2, 8), (answer(date(2027, 1, 8)), away))
    assert v.decision is Decision.nurture


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2027, 1, 25), date(2027, 1, 27)),  # the day decision_passed appears
        (date(2027, 1, 28), date(2027, 2, 5)),  # the day the silence turns the verdict
    ],
)
def test_valid_until_holds_the_days_the_verdict_turns(on: date, expected: date) -> None:
    v = judge(deal(), on, (answer(date(2027, 1, 8)),))
    assert v.valid_until == expected


# -- strengths expire ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "counts"),
    [
        (date(2026, 11, 30), True),
        (date(2026, 12, 1), True),  # the agreed day
        (date(2026, 12, 8), True),  # 5 working days past
        (date(2026, 12, 9), False),  # 6
    ],
)
def test_an_agreed_step_counts_until_five_working_days_past(on: date, counts: bool) -> None:
    v = judge(deal(), on, (answer(on),))
    assert (reason(v, "next_step_agreed") is not None) is counts
    if counts:
        assert reason(v, "next_step_agreed") == "Pricing call on 2026-12-01 agreed"
    else:
        gap = reason(v, "no_next_step")
        assert gap is not None and "2026-12-01" in gap


STEPS = [
    {"step": "Board", "owner": "buyer", "date": "2026-12-03"},
    {"step": "Security review", "owner": "buyer", "date": "2026-12-10"},
]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 12, 1), "2 dated buyer step(s) ahead, the next: Board on 2026-12-03"),
        (date(2026, 12, 4), "1 dated buyer step(s) ahead, the next: Security review on 2026-12-10"),
        (
            date(2026, 12, 10),
            "1 dated buyer step(s) ahead, the next: Security review on 2026-12-10",
        ),
        (date(2026, 12, 11), None),
    ],
)
def test_steps_dated_counts_steps_still_ahead(on: date, expected: str | None) -> None:
    v = judge(deal(what=STEPS), on, (answer(on),))
    assert reason(v, "steps_dated") == expected


@pytest.mark.parametrize(
    ("on", "touches", "expected"),
    [
        (date(2026, 12, 1), (), "decision maker met: Tom Becker (2026-11-23)"),
        (date(2026, 12, 2), (), None),  # 6 working days after the interview
        # a later answer from the signer keeps it alive, with that date
        (
            date(2026, 12, 14),
            (answer(date(2026, 12, 10), "Tom Becker"),),
            "decision maker met: Tom Becker (2026-12-10)",
        ),
    ],
)
def test_power_engaged_keeps_its_date(
    on: date, touches: tuple[Touch, ...], expected: str | None
) -> None:
    v = judge(deal(), on, (*touches, answer(on)))
    assert reason(v, "power_engaged") == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 12, 1), "budget approved (2026-11-23)"), (date(2026, 12, 2), None)],
)
def test_budget_approved_keeps_its_date(on: date, expected: str | None) -> None:
    assert reason(judge(deal(), on, (answer(on),)), "budget_approved") == expected


def test_valid_until_watches_a_strength_expiring() -> None:
    v = judge(deal(), date(2026, 11, 24), (answer(date(2026, 11, 24)),))
    assert v.valid_until == date(2026, 12, 2)  # power_engaged and budget_approved expire
    late = judge(deal(when={}), date(2026, 12, 3), (answer(date(2026, 12, 3)),))
    assert late.valid_until == date(2026, 12, 9)  # the agreed step of Dec 1 expires


# -- reasons tell the truth about contact --------------------------------------------------


def test_ghosted_names_the_last_answer() -> None:
    sent = (email(date(2026, 12, 21)), email(date(2027, 1, 5)), email(date(2027, 1, 12)))
    v = judge(deal(when={}), date(2027, 1, 20), (answer(date(2026, 12, 17)), *sent))
    assert (
        reason(v, "ghosted") == "last answer 2026-12-17; 3 follow-ups unanswered since 2026-12-21"
    )


def test_ghosted_says_which_pause_shifted_the_count() -> None:
    doc = deal(when={}, what=[{"step": "Security review", "owner": "buyer", "date": "2027-01-14"}])
    held = (email(date(2026, 12, 21)), email(date(2027, 1, 5)), email(date(2027, 1, 12)))
    counted = tuple(email(d) for d in (date(2027, 1, 21), date(2027, 1, 26), date(2027, 2, 1)))
    v = judge(doc, date(2027, 2, 9), (answer(date(2026, 12, 17)), *held, *counted))
    assert v.decision is Decision.let_go
    assert reason(v, "ghosted") == (
        "last answer 2026-12-17; 3 follow-ups unanswered since 2027-01-21,"
        " after their Security review on 2027-01-14"
    )


@pytest.mark.parametrize(
    ("last", "answers"),
    [
        (date(2027, 1, 20), True),  # 22 days before: within the opportunity stage's 45
        (date(2026, 12, 17), False),  # 56 days before
    ],
)
def test_stalled_says_the_buyer_answers_only_when_they_did(last: date, answers: bool) -> None:
    v = judge(deal(when={}), date(2027, 2, 11), (answer(last),))
    detail = reason(v, "stalled")
    assert detail is not None
    assert ("the buyer answers" in detail) is answers
    assert f"last answer {last.isoformat()}" in detail
    assert "has not moved since 2026-11-23" in detail


# -- properties ----------------------------------------------------------------------------


@st.composite
def timed_deals(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[Touch, ...], date, bool]:
    """A deal, a history and a day up to four months after the interview."""
    doc = draw(answer_documents(stop="none"))
    if doc["next_step"]["agreed"] and draw(st.booleans()):
        doc["next_step"]["date"] = (TODAY + timedelta(days=draw(st.integers(-20, 60)))).isoformat()
    if draw(st.booleans()):
        offset = draw(st.integers(-30, 90))
        doc["when"] = {"decision_date": (TODAY + timedelta(days=offset)).isoformat()}
    on = TODAY + timedelta(days=draw(st.integers(0, 120)))
    touches = []
    for i in range(draw(st.integers(0, 6))):
        day = TODAY + timedelta(days=draw(st.integers(-30, (on - TODAY).days)))
        away = None
        if draw(st.integers(0, 5)) == 0:
            away = day + timedelta(days=draw(st.integers(0, 10)))
        touches.append(
            Touch(
                date=day,
                kind=draw(st.sampled_from(list(TouchKind))),
                inbound=draw(st.booleans()) and draw(st.booleans()),
                replied=draw(st.booleans()) and draw(st.booleans()),
                who=draw(st.sampled_from(["", *NAMES])),
                away_until=away,
                id=i + 1,
            )
        )
    return doc, tuple(touches), on, draw(st.booleans())


def _setup(
    case: tuple[dict[str, Any], tuple[Touch, ...], date, bool],
) -> tuple[Any, verdict.Verdict, WorkCalendar, date]:
    doc, touches, on, is_open = case
    facts = facts_for(doc, touches, is_open=is_open)
    v = verdict.evaluate(facts, on, SETTINGS, CAL)
    assert facts.answers is not None
    cal = CAL.for_deal(s.date for s in facts.answers.what)
    return facts, v, cal, on


@given(timed_deals())
def test_no_strength_cites_a_date_more_than_five_working_days_past(
    case: tuple[dict[str, Any], tuple[Touch, ...], date, bool],
) -> None:
    _, v, cal, on = _setup(case)
    for r in v.reasons:
        if r.signal in STRENGTHS:
            for found in ISO.findall(r.detail):
                assert cal.between(date.fromisoformat(found), on) <= 5, r


@given(timed_deals())
def test_decision_passed_appears_iff_its_condition_holds(
    case: tuple[dict[str, Any], tuple[Touch, ...], date, bool],
) -> None:
    facts, v, cal, on = _setup(case)
    decided = facts.answers.when.decision_date
    holds = facts.is_open and decided is not None and cal.between(decided, on) > 2
    assert any(r.signal == "decision_passed" for r in v.reasons) is holds


@given(timed_deals())
def test_a_silent_passed_decision_date_is_never_pursued(
    case: tuple[dict[str, Any], tuple[Touch, ...], date, bool],
) -> None:
    facts, v, cal, on = _setup(case)
    decided = facts.answers.when.decision_date
    if not facts.is_open or decided is None or cal.between(decided, on) <= 10:
        return
    if any(t.two_way and decided < t.date <= on for t in facts.touches):
        return
    if strategy.never_gives_up(facts.answers):  # escalated, not given up on
        assert v.decision is not Decision.let_go
        assert "escalate" in (reason(v, "quiet_after_decision") or "")
    else:
        assert v.decision is not Decision.pursue


@given(timed_deals())
def test_the_verdict_is_judged_again_when_the_decision_date_turns(
    case: tuple[dict[str, Any], tuple[Touch, ...], date, bool],
) -> None:
    facts, v, cal, on = _setup(case)
    decided = facts.answers.when.decision_date
    if not facts.is_open or decided is None or v.decision is not Decision.pursue:
        return
    appears = cal.add(cal.on_or_before(decided), 3)
    if appears > on:
        assert v.valid_until is not None and v.valid_until <= appears
    quiet_from = max([decided, *(t.date for t in facts.touches if t.two_way)])
    turns = cal.add(cal.on_or_before(quiet_from), 10)
    if appears <= on < turns:
        assert v.valid_until is not None and v.valid_until <= turns
    if v.valid_until is not None:
        assert v.valid_until > on
