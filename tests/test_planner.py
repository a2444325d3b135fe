"""The planner's rules, stated as the README states them, on examples and on generated deals."""

from __future__ import annotations

import itertools
import re
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from dealcoach.answers.record import step_keys
from dealcoach.answers.schema import Answers, record_of
from dealcoach.domain import contact, planner, strategy, verdict
from dealcoach.domain.settings import Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.home.holidays import holidays_of
from dealcoach.records import Plan, Touch
from dealcoach.vocabulary import Decision, Owner, TouchKind

from .strategies import TODAY, answer_documents, facts_for, histories

EXAMPLES = Path(__file__).parent.parent / "examples"
SETTINGS = Settings()
CAL = WorkCalendar(holidays_of("US"))


def run(doc: dict[str, Any], touches: tuple[Touch, ...] = (), **extra: Any) -> tuple[Any, Plan]:
    facts = facts_for(doc, touches, **extra)
    judged = verdict.evaluate(facts, TODAY, SETTINGS, CAL)
    return judged, planner.plan(facts, judged, TODAY, SETTINGS, CAL)


def example(name: str) -> dict[str, Any]:
    return tomllib.loads((EXAMPLES / name).read_text())


def calendar_of(doc: dict[str, Any]) -> WorkCalendar:
    """The rep's calendar: a buyer step on a day off opens no day for the plan (issue 15)."""
    del doc
    return CAL


# -- the examples ---------------------------------------------------------------------------


def test_healthy_deal_brings_each_deliverable_ahead_of_its_step() -> None:
    doc = example("healthy-district.toml")
    judged, made = run(doc)
    assert judged.decision is Decision.pursue
    answers = Answers.model_validate(doc, context={"today": TODAY})
    cal = calendar_of(doc)
    for step in answers.what:
        if step.owner is Owner.us or step.date is None:
            continue
        carriers = [f for f in made.followups if f.milestone and step.step in f.milestone]
        ahead = [f for f in carriers if f.due < step.date and step.bring in f.bring]
        assert ahead, f"nothing brings {step.bring!r} before {step.step}"
        gap = cal.between(ahead[0].due, step.date)
        assert 2 <= gap <= 5
        after = [f for f in carriers if f.due > step.date]
        assert after and cal.between(step.date, after[0].due) == 2


def test_our_own_steps_are_tasks_not_touches() -> None:
    _, made = run(example("healthy-district.toml"))
    tasks = [f for f in made.followups if f.channel == "task"]
    assert [t.milestone for t in tasks] == ["Pilot report"]
    assert not tasks[0].counts


def test_thin_deal_turns_gaps_into_discovery_that_brings_something() -> None:
    judged, made = run(example("thin-lead.toml"))
    signals = {r.signal for r in judged.reasons}
    assert {"no_power", "no_dates", "no_next_step"} <= signals
    keys = [f.key for f in made.followups]
    assert keys[0].startswith("recap:")
    assert "discovery:no_power" in keys
    recap = made.followups[0]
    assert "two slots" in recap.bring  # no next step agreed: propose one
    assert made.followups[-1].purpose == "close_loop"
    assert "now, later or no" in made.followups[-1].bring


def test_back_burnered_deal_is_nurtured_until_the_buyers_date() -> None:
    judged, made = run(example("back-burner.toml"))
    assert judged.decision is Decision.nurture
    assert judged.check_back == date(2027, 2, 23)
    assert [f.purpose for f in made.followups] == ["check_back"]
    assert made.followups[0].due == date(2027, 2, 23)


def test_recap_is_due_one_business_day_after_the_meeting() -> None:
    doc = example("thin-lead.toml")
    doc["deal"]["meeting_date"] = "2026-11-25"  # the day before Thanksgiving
    facts = facts_for(doc)
    judged = verdict.evaluate(facts, date(2026, 11, 25), SETTINGS, CAL)
    made = planner.plan(facts, judged, date(2026, 11, 25), SETTINGS, CAL)
    assert made.followups[0].key == "recap:2026-11-25"
    assert made.followups[0].due == date(2026, 11, 27)


def test_two_steps_close_together_share_one_touch() -> None:
    doc = example("thin-lead.toml")
    doc["what"] = [
        {"step": "Board", "bring": "Case study", "date": "2026-12-14"},
        {"step": "Finance review", "bring": "ROI sheet", "date": "2026-12-15"},
    ]
    _, made = run(doc)
    before = [f for f in made.followups if f.purpose == "before_step"]
    assert len(before) == 1
    assert "Case study" in before[0].bring and "ROI sheet" in before[0].bring
    assert before[0].milestone == "Board + Finance review"


def test_a_step_today_gets_only_the_follow_up_after_it_with_the_late_deliverable() -> None:
    doc = example("thin-lead.toml")
    doc["what"] = [{"step": "Board", "bring": "Case study", "date": TODAY.isoformat()}]
    _, made = run(doc)
    purposes = [f.purpose for f in made.followups if f.milestone == "Board"]
    assert purposes == ["after_step"]
    after = next(f for f in made.followups if f.milestone == "Board")
    assert "Case study" in after.bring and "sorry" in after.bring


def test_a_step_without_bring_asks_what_they_need() -> None:
    doc = example("thin-lead.toml")
    doc["what"] = [{"step": "Board", "date": "2026-12-14"}]
    _, made = run(doc)
    before = next(f for f in made.followups if f.purpose == "before_step")
    assert "what do they need from us" in before.bring


def test_sent_follow_ups_are_not_planned_again() -> None:
    doc = example("thin-lead.toml")
    _, first = run(doc)
    recap_key = first.followups[0].key
    _, again = run(doc, sent_keys=frozenset({recap_key}))
    assert recap_key not in [f.key for f in again.followups]


def test_silence_after_the_ceiling_lets_go_and_plans_nothing() -> None:
    doc = example("thin-lead.toml")
    touches = tuple(
        Touch(date=TODAY - timedelta(days=d), kind=TouchKind.email, who="Sam Lee", id=i)
        for i, d in enumerate([20, 15, 10], start=1)
    )
    judged, made = run(doc, touches)
    assert judged.decision is Decision.let_go
    ghosted = next(r for r in judged.reasons if r.signal == "ghosted")
    assert (
        ghosted.detail
        == f"no answer yet; 3 follow-ups unanswered since {(TODAY - timedelta(days=20))}"
    )
    assert made.followups == ()


def test_a_reply_resets_the_count() -> None:
    doc = example("thin-lead.toml")
    touches = (
        Touch(date=TODAY - timedelta(days=20), kind=TouchKind.email, id=1),
        Touch(date=TODAY - timedelta(days=15), kind=TouchKind.email, id=2),
        Touch(date=TODAY - timedelta(days=12), kind=TouchKind.email, replied=True, id=3),
        Touch(date=TODAY - timedelta(days=10), kind=TouchKind.email, id=4),
    )
    judged, made = run(doc, touches)
    assert judged.decision is Decision.pursue
    counted = sum(1 for f in made.followups if f.counts)
    assert counted == 3 - 1  # the ceiling less the one unanswered since the reply


def test_closing_deals_escalate_instead_of_closing_the_loop() -> None:
    doc = example("thin-lead.toml")
    doc["deal"]["stage"] = "closing"
    _, made = run(doc)
    assert made.followups[-1].purpose == "escalate"
    assert not any(f.purpose == "close_loop" for f in made.followups)
    assert any(f.key == "discovery:close_plan" for f in made.followups)


def test_silence_in_closing_escalates_and_never_lets_go() -> None:
    doc = example("thin-lead.toml")
    doc["deal"]["stage"] = "closing"
    touches = tuple(
        Touch(date=TODAY - timedelta(days=d), kind=TouchKind.email, id=i)
        for i, d in enumerate([20, 15, 10], start=1)
    )
    judged, _ = run(doc, touches)
    assert judged.decision is Decision.pursue
    assert "escalate" in next(r.detail for r in judged.reasons if r.signal == "ghosted")


def test_renewals_are_planned_back_from_the_notice_date() -> None:
    doc = example("thin-lead.toml")
    doc["deal"].update(type="renewal", renewal_notice="2027-06-30")
    doc["how"] = {"metrics": "Stockouts down 20 %"}
    _, made = run(doc)
    renewal = {f.key: f for f in made.followups if f.purpose == "renewal"}
    assert set(renewal) == {"renewal:120", "renewal:90", "renewal:60", "renewal:30"}
    assert all("Stockouts down 20 %" in f.bring for f in renewal.values())


def test_inbound_leads_get_one_more_touch() -> None:
    doc = example("thin-lead.toml")
    doc["how"] = {"criteria": ["price"], "metrics": "Less stock", "alternatives": ["Rival"]}
    _, outbound = run(doc)
    doc["deal"]["source"] = "inbound"
    _, inbound = run(doc)
    count = lambda p: sum(1 for f in p.followups if f.counts)  # noqa: E731
    assert count(inbound) == count(outbound) + 1


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"deal": {"value": 100000}, "who": 1}, "decision_support"),  # >= 2x median
        ({"deal": {"value": 10000}, "who": 1}, "acceleration"),  # <= half median, <= 2 people
        ({"deal": {"value": 40000, "sector": "public"}, "who": 1}, "decision_support"),
        ({"deal": {"value": 40000}, "who": 3}, "decision_support"),
        ({"deal": {"value": 40000, "source": "outbound"}, "who": 1, "fit": False}, "selectivity"),
        ({"deal": {"value": 40000, "stage": "prospect"}, "who": 1}, "acceleration"),
        ({"deal": {"value": 40000, "stage": "opportunity"}, "who": 1}, "decision_support"),
        ({"deal": {"value": 40000, "strategy": "selectivity"}, "who": 3}, "selectivity"),
    ],
)
def test_hybrid_picks_a_strategy_and_says_why(changes: dict[str, Any], expected: str) -> None:
    from decimal import Decimal

    doc: dict[str, Any] = {"deal": {"account": "Acme", **changes["deal"]}}
    doc["who"] = [{"name": f"P{i}"} for i in range(changes["who"])]
    if "fit" in changes:
        doc["readiness"] = {"fit": changes["fit"]}
    answers = Answers.model_validate(doc)
    choice = strategy.choose(record_of(answers), Decimal(40000), SETTINGS)
    assert choice.strategy.value == expected
    assert choice.why


# -- properties -----------------------------------------------------------------------------


@given(answer_documents(), histories())
def test_every_follow_up_brings_something_on_a_working_day(
    doc: dict[str, Any], touches: tuple[Touch, ...]
) -> None:
    _, made = run(doc, touches)
    cal = calendar_of(doc)
    for f in made.followups:
        assert f.bring.strip(), f
        assert cal.is_workday(f.due), f
    assert len({f.key for f in made.followups}) == len(made.followups)


@given(answer_documents(), histories())
def test_touches_keep_their_distance(doc: dict[str, Any], touches: tuple[Touch, ...]) -> None:
    _, made = run(doc, touches)
    cal = calendar_of(doc)
    start = cal.on_or_after(TODAY)
    days = sorted(max(f.due, start) for f in made.followups if f.channel != "task")
    for earlier, later in itertools.pairwise(days):
        assert cal.between(earlier, later) >= planner.MIN_GAP


@given(answer_documents(), histories())
def test_nothing_is_planned_past_the_unanswered_ceiling(
    doc: dict[str, Any], touches: tuple[Touch, ...]
) -> None:
    facts = facts_for(doc, touches)
    judged = verdict.evaluate(facts, TODAY, SETTINGS, CAL)
    made = planner.plan(facts, judged, TODAY, SETTINGS, CAL)
    answers = facts.answers
    assert answers is not None
    cad = strategy.cadence(made.strategy.strategy, SETTINGS)
    main = contact.main_contact(answers)
    limit = contact.ceiling(cad, answers, other_known=bool(contact.other_contact(answers, main)))
    sent = len(contact.contact_state(facts, calendar_of(doc)).attempts)
    assert sent + sum(1 for f in made.followups if f.counts) <= max(limit, sent)


@given(answer_documents(), histories())
def test_counting_touches_respect_the_strategy_spacing(
    doc: dict[str, Any], touches: tuple[Touch, ...]
) -> None:
    facts = facts_for(doc, touches)
    judged = verdict.evaluate(facts, TODAY, SETTINGS, CAL)
    made = planner.plan(facts, judged, TODAY, SETTINGS, CAL)
    cad = strategy.cadence(made.strategy.strategy, SETTINGS)
    cal = calendar_of(doc)
    start = cal.on_or_after(TODAY)
    flexible = [f for f in made.followups if f.counts and f.purpose != "recap"]
    days = sorted(max(f.due, start) for f in made.followups if f.counts)
    if flexible:
        for earlier, later in itertools.pairwise(days):
            assert cal.between(earlier, later) >= min(cad.spacing)


@given(answer_documents(), histories())
def test_renewal_touches_come_before_the_notice_date_one_overdue_at_most(
    doc: dict[str, Any], touches: tuple[Touch, ...]
) -> None:
    _, made = run(doc, touches)
    notice = doc["deal"].get("renewal_notice")
    renewal = [f for f in made.followups if f.purpose == "renewal"]
    if notice is None:
        assert not renewal
        return
    assert all(f.due < date.fromisoformat(notice) for f in renewal)
    assert len([f for f in renewal if f.due < TODAY]) <= 1


@given(answer_documents(stop="none"))
def test_dated_buyer_steps_get_a_follow_up_before_them(doc: dict[str, Any]) -> None:
    judged, made = run(doc)
    if judged.decision is not Decision.pursue:
        return
    answers = Answers.model_validate(doc, context={"today": TODAY})
    cal = calendar_of(doc)
    start = cal.on_or_after(TODAY)
    meeting = answers.deal.meeting_date or TODAY
    for step in answers.what:
        if step.owner is Owner.us or step.date is None or step.date < meeting:
            continue
        if cal.add(start, 2) > step.date:
            continue
        before = [
            f
            for f in made.followups
            if f.milestone and step.step in f.milestone and f.due < step.date
        ]
        assert before, f"no follow-up before {step.step} on {step.date}"


@given(answer_documents(), histories())
def test_plans_are_deterministic(doc: dict[str, Any], touches: tuple[Touch, ...]) -> None:
    assert run(doc, touches)[1] == run(doc, touches)[1]


def test_step_keys_are_normalised_and_unique() -> None:
    assert step_keys(["Board  Presentation", "board presentation", "PO #1"]) == [
        "board-presentation",
        "board-presentation-2",
        "po-1",
    ]


def test_discovery_waits_for_a_contact_who_is_away() -> None:
    doc = example("thin-lead.toml")
    away = Touch(
        date=TODAY, kind=TouchKind.note, who="Sam Lee", away_until=date(2026, 12, 14), id=1
    )
    _, made = run(doc, (away,))
    flexible = [f for f in made.followups if f.purpose not in ("recap",)]
    assert flexible and all(f.due > date(2026, 12, 14) for f in flexible)


@pytest.mark.timeout(20)
def test_steps_at_the_end_of_the_calendar_do_not_hang_the_planner() -> None:
    doc = example("thin-lead.toml")
    doc["deal"]["meeting_date"] = "2199-12-20"
    doc["what"] = [{"step": "Board", "bring": "Case", "date": "2199-12-30"}]
    facts = facts_for(doc)
    judged = verdict.evaluate(facts, date(2199, 12, 20), SETTINGS, CAL)
    made = planner.plan(facts, judged, date(2199, 12, 20), SETTINGS, CAL)
    assert all(f.bring for f in made.followups)


@given(answer_documents(stop="none"), histories())
def test_a_follow_up_cites_the_decision_date_only_while_it_is_ahead(
    doc: dict[str, Any], touches: tuple[Touch, ...]
) -> None:
    """ "One reason to answer now: their decision date" is wrong once that date has passed."""
    _judged, made = run(doc, touches)
    for followup in made.followups:
        for cited in re.findall(r"their decision date \((\d{4}-\d{2}-\d{2})\)", followup.bring):
            assert date.fromisoformat(cited) > followup.due, followup


@pytest.mark.parametrize("decision_in_days", [1, 3, 6])
def test_the_close_the_loop_touch_after_the_decision_date_gives_another_reason(
    decision_in_days: int,
) -> None:
    doc = {
        "deal": {"account": "Acme", "title": "Platform", "stage": "prospect"},
        "who": [{"name": "Dana", "role": "champion"}],
        "when": {"decision_date": (TODAY + timedelta(days=decision_in_days)).isoformat()},
        "next_step": {"agreed": True, "what": "a pilot with two schools"},
    }
    _judged, made = run(doc)
    decision = TODAY + timedelta(days=decision_in_days)
    # past the decision date, one "where do we stand", then the close of the loop if room is left
    (standing,) = [f for f in made.followups if f.key == "discovery:decision_passed"]
    assert standing.due > decision
    assert made.followups[-1].due >= standing.due
    for loop in [f for f in made.followups if f.purpose in ("close_loop", "escalate")]:
        assert loop.due > decision
        assert "decision date" not in loop.bring
        assert "a pilot with two schools" in loop.bring


def test_the_close_the_loop_touch_cites_a_decision_date_still_ahead() -> None:
    decision = TODAY + timedelta(days=120)
    doc = {
        "deal": {"account": "Acme", "title": "Platform", "stage": "prospect"},
        "who": [{"name": "Dana", "role": "champion"}],
        "when": {"decision_date": decision.isoformat()},
    }
    _judged, made = run(doc)
    (loop,) = [f for f in made.followups if f.purpose in ("close_loop", "escalate")]
    assert f"their decision date ({decision.isoformat()})" in loop.bring


@given(answer_documents(stop="none"))
def test_the_verdict_is_looked_at_again_the_day_after_the_decision_date(
    doc: dict[str, Any],
) -> None:
    """So that no planned touch keeps citing a decision date that has passed."""
    judged, _made = run(doc)
    decision = doc.get("when", {}).get("decision_date")
    if decision is None or date.fromisoformat(decision) < TODAY:
        return
    assert judged.valid_until is not None
    assert judged.valid_until <= date.fromisoformat(decision) + timedelta(days=1)


def renewal_deal(meeting: date, notice: date) -> dict[str, Any]:
    """A renewal with an approved budget: what the renewal rules are stated on."""
    return {
        "deal": {
            "account": "Acme",
            "type": "renewal",
            "meeting_date": meeting.isoformat(),
            "renewal_notice": notice.isoformat(),
        },
        "how": {"budget": "approved"},
    }


def test_a_renewal_touch_keeps_its_distance_from_an_overdue_recap() -> None:
    """Found by hypothesis in CI: the recap due last week goes out today, and so did renewal:30."""
    doc = renewal_deal(date(2026, 11, 18), date(2026, 12, 23))
    _, made = run(doc)
    cal = calendar_of(doc)
    start = cal.on_or_after(TODAY)
    days = sorted(max(f.due, start) for f in made.followups if f.channel != "task")
    assert any(f.key.startswith("recap:") and f.due < TODAY for f in made.followups)
    for earlier, later in itertools.pairwise(days):
        assert cal.between(earlier, later) >= planner.MIN_GAP
    moved = next(f for f in made.followups if f.key == "renewal:30")  # moved, not dropped
    assert cal.between(start, moved.due) >= planner.MIN_GAP
    assert moved.due < date(2026, 12, 23)


def test_a_renewal_touch_due_before_the_meeting_is_not_overdue() -> None:
    """Met three days ago, the notice 95 days away: the 120-day touch was never ours to send."""
    meeting = TODAY - timedelta(days=3)
    doc = renewal_deal(meeting, TODAY + timedelta(days=95))
    _, made = run(doc, sent_keys=frozenset({f"recap:{meeting.isoformat()}"}))
    renewal = {f.key: f for f in made.followups if f.purpose == "renewal"}
    assert set(renewal) == {"renewal:90", "renewal:60", "renewal:30"}
    assert all(f.due >= TODAY for f in renewal.values())


def test_a_missed_renewal_touch_is_not_held_back_by_a_touch_the_ceiling_removes() -> None:
    """Found by review: the ceiling dropped the recap after the renewal touch gave way to it."""
    meeting = TODAY - timedelta(days=28)
    doc = renewal_deal(meeting, TODAY + timedelta(days=2))
    sent = tuple(
        Touch(date=TODAY - timedelta(days=d), kind=TouchKind.email, id=i)
        for i, d in enumerate([26, 21, 18], start=1)
    )
    _, made = run(doc, sent)
    renewal = [f for f in made.followups if f.purpose == "renewal"]
    assert [f.key for f in renewal] == ["renewal:30"]
    assert renewal[0].due < TODAY  # overdue: it goes out today


def test_a_meeting_on_a_saturday_keeps_the_renewal_touch_of_that_day() -> None:
    """Found by review: the 30-day mark fell on the meeting day, a Saturday, moved to Friday."""
    meeting = TODAY - timedelta(days=2)  # Sat Nov 21
    doc = renewal_deal(meeting, meeting + timedelta(days=30))
    _, made = run(doc, sent_keys=frozenset({f"recap:{meeting.isoformat()}"}))
    assert [f.key for f in made.followups if f.purpose == "renewal"] == ["renewal:30"]


def test_the_verdict_is_judged_again_when_a_renewal_touch_is_due() -> None:
    """So that `next` re-plans on the day a missed renewal touch gives way to the next one."""
    doc = renewal_deal(TODAY, TODAY + timedelta(days=95))
    judged, made = run(doc)
    first = min(f.due for f in made.followups if f.purpose == "renewal")
    assert judged.valid_until is not None and judged.valid_until <= first


@pytest.mark.parametrize(
    ("notice_in", "planned", "overdue"),
    [
        (88, {"renewal:90", "renewal:60", "renewal:30"}, "renewal:90"),
        (58, {"renewal:60", "renewal:30"}, "renewal:60"),  # renewal:90 gave way to renewal:60
        (29, {"renewal:30"}, "renewal:30"),
        (0, set(), None),  # the notice date has come: nothing left to renew ahead of it
    ],
)
def test_a_missed_renewal_touch_waits_as_overdue_until_the_next_one(
    notice_in: int, planned: set[str], overdue: str | None
) -> None:
    """Not sent on its day, a renewal touch goes out today (shown as overdue), not never."""
    doc = renewal_deal(date(2026, 10, 1), TODAY + timedelta(days=notice_in))
    judged, made = run(doc, sent_keys=frozenset({"recap:2026-10-01"}))
    assert judged.decision is Decision.pursue
    renewal = {f.key: f for f in made.followups if f.purpose == "renewal"}
    assert set(renewal) == planned
    assert {key for key, f in renewal.items() if f.due < TODAY} == ({overdue} - {None})
