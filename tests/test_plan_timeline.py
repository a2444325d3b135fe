"""The plan keeps to the buyer's timeline and writes to the right people (issue 13, items 6-7).

No touch cites a date already past on its day; a close plan lands before the decision date; past
the decision date the plan asks once where things stand, then reaches its ceiling; what was
delivered is not planned again; the recap's proposed slots vary from deal to deal; a step's
deliverable goes to the person who does the step; a signer never met is introduced, not cold-called.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.answers.record import step_keys
from dealcoach.domain import planner, slots, timeline, verdict
from dealcoach.domain.settings import Settings
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.home.holidays import holidays_of
from dealcoach.records import Plan, Reason, Slot, Touch, Verdict
from dealcoach.vocabulary import Decision, TouchKind

from .strategies import TODAY, answer_documents, facts_for, histories

SETTINGS = Settings()
CAL = WorkCalendar(holidays_of("US"))
PURSUE = Verdict(Decision.pursue, 0.6, (), None)
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"


def plan_on(
    doc: dict[str, Any], day: date, touches: tuple[Touch, ...] = (), **extra: Any
) -> tuple[Verdict, Plan]:
    facts = facts_for(doc, touches, **extra)
    judged = verdict.evaluate(facts, day, SETTINGS, CAL)
    return judged, planner.plan(facts, judged, day, SETTINGS, CAL)


def pursued(doc: dict[str, Any], day: date, touches: tuple[Touch, ...] = (), **extra: Any) -> Plan:
    """The plan of a deal the verdict pursues: the planner's own rules, whatever the verdict."""
    return planner.plan(facts_for(doc, touches, **extra), PURSUE, day, SETTINGS, CAL)


def dates_named(text: str, around: date) -> list[date]:
    """The dates a follow-up names, read independently of the planner: ISO and `Feb 1` forms."""
    found = [date.fromisoformat(m) for m in re.findall(r"\d{4}-\d{2}-\d{2}", text)]
    for month, day in re.findall(rf"\b({MONTHS}) (\d{{1,2}})\b", text):
        number = MONTHS.split("|").index(month) + 1
        options = [
            date(year, number, int(day)) for year in (around.year - 1, around.year, around.year + 1)
        ]
        found.append(min(options, key=lambda d: abs((d - around).days)))
    return found


# -- generated deals ---------------------------------------------------------------------------


@st.composite
def timed_deals(draw: st.DrawFn) -> tuple[dict[str, Any], int]:
    """A generated deal whose compelling event and next step name dates, and a later morning."""
    doc = draw(answer_documents())
    meeting = date.fromisoformat(doc["deal"]["meeting_date"])
    event = meeting + timedelta(days=draw(st.integers(-60, 150)))
    when = doc.setdefault("when", {})
    events = [f"go-live on {event}", f"the board votes on {event:%b} {event.day}", "next autumn"]
    when["compelling_event"] = draw(st.sampled_from([*events, ""]))
    if draw(st.booleans()):
        step_day = meeting + timedelta(days=draw(st.integers(-5, 40)))
        doc["next_step"] = {
            "agreed": draw(st.booleans()),
            "what": draw(st.sampled_from(["a pilot", f"a demo on {step_day:%b} {step_day.day}"])),
            "date": step_day.isoformat(),
        }
    return doc, draw(st.integers(0, 120))


@given(timed_deals(), histories())
def test_no_follow_up_cites_a_date_already_past_on_its_due_date(
    deal: tuple[dict[str, Any], int], touches: tuple[Touch, ...]
) -> None:
    doc, later = deal
    day = TODAY + timedelta(days=later)
    _judged, made = plan_on(doc, day, touches)
    meeting = date.fromisoformat(doc["deal"]["meeting_date"])
    for f in made.followups:
        for cited in dates_named(f"{f.bring} {f.outline}", meeting):
            assert cited >= f.due, (cited, f)


@given(timed_deals())
def test_a_close_plan_lands_before_the_decision_date(deal: tuple[dict[str, Any], int]) -> None:
    doc, later = deal
    doc["deal"]["stage"] = "closing"
    day = TODAY + timedelta(days=later)
    made = pursued(doc, day)
    decision = doc.get("when", {}).get("decision_date")
    if decision is None or date.fromisoformat(decision) <= day:
        return
    for f in made.followups:
        if "discovery:close_plan" in (f.key, *f.covers):
            assert f.due < date.fromisoformat(decision), f


@given(timed_deals())
def test_past_the_decision_date_one_where_do_we_stand_then_the_ceiling(
    deal: tuple[dict[str, Any], int],
) -> None:
    doc, later = deal
    day = TODAY + timedelta(days=later)
    made = pursued(doc, day)
    decision = doc.get("when", {}).get("decision_date")
    flexible = [
        f for f in made.followups if f.key.startswith(("discovery:", "cadence:", "escalate"))
    ]
    standing = [f for f in flexible if f.key == "discovery:decision_passed"]
    assert len(standing) <= 1
    if decision is None:
        assert not standing
        return
    decided = date.fromisoformat(decision)
    after = sorted((f for f in flexible if f.due > decided), key=lambda f: f.due)
    # after the date: at most the "where do we stand" and the last touch, in that order
    assert [f.key for f in after if f.key != "discovery:decision_passed"] in (
        [],
        ["cadence:close-loop"],
        ["escalate"],
    )
    if standing:
        assert standing[0].due > decided
        assert all(f.due >= standing[0].due for f in after)


@st.composite
def delivered_deals(draw: st.DrawFn) -> tuple[dict[str, Any], frozenset[str], tuple[Touch, ...]]:
    """A deal where some deliverables went out: a step's follow-up marked done, or an owe closed."""
    doc = draw(answer_documents(stop="none"))
    keys = step_keys([s["step"] for s in doc["what"]])
    sent = frozenset(
        f"{kind}:{key}"
        for key in keys
        for kind in ("before", "task")
        if draw(st.integers(0, 3)) == 0
    )
    brings = [s["bring"] for s in doc["what"] if s["bring"]]
    owes = tuple(
        Touch(
            date=TODAY - timedelta(days=draw(st.integers(1, 10))),
            kind=TouchKind.email,
            inbound=True,
            owe=draw(st.sampled_from([text, text.lower(), f"{text} sheet"])),
            owe_closed_on=TODAY - timedelta(days=1) if draw(st.booleans()) else None,
            id=i + 1,
        )
        for i, text in enumerate(
            draw(st.lists(st.sampled_from(brings), max_size=2)) if brings else []
        )
    )
    return doc, sent, owes


@given(delivered_deals())
def test_a_deliverable_already_sent_is_not_planned_again(
    deal: tuple[dict[str, Any], frozenset[str], tuple[Touch, ...]],
) -> None:
    doc, sent, owes = deal
    made = pursued(doc, TODAY, owes, sent_keys=sent)
    keys = step_keys([s["step"] for s in doc["what"]])
    delivered = {t.owe.casefold() for t in owes if t.owe_closed_on is not None}
    delivered |= {
        step["bring"].casefold()
        for key, step in zip(keys, doc["what"], strict=True)
        if step["bring"] and {f"before:{key}", f"task:{key}"} & sent
    }
    for f in made.followups:
        if f.purpose == "owe" and f.bring.startswith("Whether what they asked for"):
            continue  # an owe still open, its deliverable sent since: the touch checks it landed
        for text in delivered:
            for step in doc["what"]:
                bring = step["bring"].casefold()
                if bring and (bring in text or text in bring):
                    assert bring not in f.bring.casefold(), (text, f)
        assert not (
            f.key.startswith("owe:") and f.key in {f"owe:{t.id}" for t in owes if t.owe_closed_on}
        )


# -- the buyer's timeline, on examples ----------------------------------------------------------

SILENT = {
    "deal": {
        "account": "Acme",
        "title": "Platform",
        "stage": "prospect",
        "meeting_date": "2026-12-10",
    },
    "who": [{"name": "Dana", "role": "champion", "met": True}],
    "when": {"decision_date": "2027-01-29", "compelling_event": "go-live Feb 1"},
    "how": {"alternatives": ["do nothing"], "metrics": "Stock-outs down 20 %"},
    "next_step": {"agreed": True, "what": "a pilot"},
}


def silent_since_dec_17(*sent: tuple[str, str]) -> tuple[tuple[Touch, ...], frozenset[str]]:
    """The deal of the issue: last answer Dec 17, then follow-ups sent without reply."""
    touches = [Touch(date=date(2026, 12, 17), kind=TouchKind.email, inbound=True, id=1)]
    for i, (day, key) in enumerate(sent, start=2):
        touches.append(
            Touch(date=date.fromisoformat(day), kind=TouchKind.email, followup_key=key, id=i)
        )
    return tuple(touches), frozenset({"recap:2026-12-10", *(key for _, key in sent)})


def test_a_plan_made_before_the_decision_date_asks_where_things_stand_after_it() -> None:
    doc = {**SILENT, "when": {"decision_date": "2026-12-21"}}
    touches, sent = silent_since_dec_17()
    made = pursued(doc, date(2026, 12, 18), touches, sent_keys=sent)
    assert [(f.key, f.due) for f in made.followups] == [
        ("discovery:no_power", date(2026, 12, 18)),
        ("discovery:decision_passed", date(2026, 12, 22)),  # not the criteria, nor the cost
        ("cadence:close-loop", date(2027, 1, 5)),  # of waiting: where do they stand now?
    ]


def test_on_feb_9_the_silent_deal_gets_one_where_do_we_stand_then_the_ceiling() -> None:
    touches, sent = silent_since_dec_17(("2027-01-19", "cadence:1"))
    made = pursued(SILENT, date(2027, 2, 9), touches, sent_keys=sent)
    assert [f.key for f in made.followups] == ["discovery:decision_passed", "cadence:close-loop"]
    standing, loop = made.followups
    assert standing.due == date(2027, 2, 9)
    assert "what changed, and when do they now expect to decide" in standing.bring
    assert "Feb 1" not in loop.bring and "2027-01-29" not in loop.bring
    assert "the next step they named: a pilot" in loop.bring


def test_the_where_do_we_stand_is_asked_once() -> None:
    touches, sent = silent_since_dec_17(
        ("2027-01-19", "cadence:1"), ("2027-02-09", "discovery:decision_passed")
    )
    made = pursued(SILENT, date(2027, 2, 11), touches, sent_keys=sent)
    assert [f.key for f in made.followups] == ["cadence:close-loop"]


def test_a_plan_that_lands_before_a_passed_event_is_not_offered() -> None:
    doc = {**SILENT, "when": {"compelling_event": "go-live on 2026-12-01"}}
    made = pursued(doc, date(2026, 12, 11))
    assert not any("2026-12-01" in f.bring for f in made.followups)


def test_a_close_plan_that_would_come_too_late_joins_the_recap() -> None:
    doc = {
        "deal": {"account": "Acme", "stage": "closing", "meeting_date": "2026-11-20"},
        "who": [{"name": "Dana", "role": "champion", "met": True}],
        "when": {"decision_date": "2026-11-25"},
        "next_step": {"agreed": True, "what": "signature"},
    }
    made = pursued(doc, TODAY)
    [recap] = [f for f in made.followups if f.purpose == "recap"]
    assert recap.due < date(2026, 11, 25) and "discovery:close_plan" in recap.covers
    assert "A close plan to fill in together" in recap.bring
    assert "discovery:close_plan" not in [f.key for f in made.followups]


@pytest.mark.parametrize(
    ("text", "around", "expected"),
    [
        ("go-live on 2027-02-01", date(2026, 12, 1), [date(2027, 2, 1)]),
        ("go-live Feb 1", date(2026, 12, 10), [date(2027, 2, 1)]),
        ("the board on 14 December", date(2026, 11, 23), [date(2026, 12, 14)]),
        ("budget vote Jan. 15th, 2028", date(2026, 11, 23), [date(2028, 1, 15)]),
        ("New clinic opens next autumn", date(2026, 11, 23), []),
        ("Dec 2026 kick-off", date(2026, 11, 23), []),
        ("Feb 30", date(2026, 11, 23), []),
    ],
)
def test_the_dates_a_text_names(text: str, around: date, expected: list[date]) -> None:
    assert timeline.cited_dates(text, around) == expected


def test_a_recap_does_not_confirm_a_next_step_whose_date_has_passed() -> None:
    doc = {
        "deal": {"account": "Acme", "meeting_date": "2026-11-18"},
        "next_step": {"agreed": True, "what": "a demo", "date": "2026-11-20"},
    }
    [recap] = [f for f in pursued(doc, TODAY).followups if f.purpose == "recap"]
    assert "2026-11-20" not in recap.bring
    assert "agree a new date for the next step" in recap.bring


@pytest.mark.parametrize(
    ("details", "said"),
    [
        (["3 follow-ups unanswered since 2026-11-02"], "the deal was put on hold"),
        (["ghosted since 2026-11-02", "back burner until 2027-02-01"], "until 2027-02-01"),
    ],
)
def test_a_check_back_does_not_cite_a_reason_dated_in_the_past(
    details: list[str], said: str
) -> None:
    reasons = tuple(Reason("stop_reason", detail) for detail in details)
    nurture = Verdict(Decision.nurture, 0.5, reasons, None, check_back=date(2027, 2, 1))
    facts = facts_for({"deal": {"account": "Acme"}, "who": [{"name": "Dana"}]})
    [check_back] = planner.plan(facts, nurture, TODAY, SETTINGS, CAL).followups
    assert said in check_back.bring and "2026-11-02" not in check_back.bring


# -- deliverables ----------------------------------------------------------------------------------

STEPS = {
    "deal": {"account": "Acme", "stage": "opportunity", "meeting_date": TODAY.isoformat()},
    "who": [
        {"name": "Dana", "role": "champion", "met": True},
        {"name": "Priya", "title": "IT Security Lead", "role": "influencer", "met": True},
        {"name": "Olga", "title": "General Counsel", "met": False},
        {"name": "Pat", "role": "procurement"},
        {"name": "Tom", "title": "CFO", "role": "economic_buyer", "met": False},
    ],
    "what": [
        {"step": "Security review", "bring": "Security questionnaire", "date": "2026-12-14"},
        {"step": "Contract redlines", "bring": "Our MSA", "date": "2027-01-11"},
        {"step": "Purchase order", "bring": "Vendor form", "date": "2027-02-08"},
        {"step": "Board", "bring": "Case study", "date": "2027-03-08"},
        {"step": "Submit it to finance", "bring": "ROI sheet", "date": "2027-04-12"},
    ],
    "when": {"decision_date": "2027-06-30"},
}


def test_a_closed_owe_is_not_brought_again_before_the_step() -> None:
    owe = Touch(
        date=TODAY - timedelta(days=3),
        kind=TouchKind.email,
        inbound=True,
        owe="the security questionnaire",
        owe_closed_on=TODAY - timedelta(days=1),
        id=7,
    )
    before = [f.key for f in pursued(STEPS, TODAY).followups]
    after = [f.key for f in pursued(STEPS, TODAY, (owe,)).followups]
    assert "before:security-review" in before
    assert "before:security-review" not in after and "owe:7" not in after
    assert "after:security-review" in after  # how it went is still worth asking


def test_a_deliverable_sent_for_one_step_is_not_sent_again_for_another() -> None:
    doc = {
        **STEPS,
        "what": [*STEPS["what"], {"step": "Steering", "bring": "case study", "date": "2027-05-10"}],
    }
    made = pursued(doc, TODAY, sent_keys=frozenset({"before:board"}))
    assert "before:steering" not in [f.key for f in made.followups]


# -- people ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("security-review", "Priya"),  # title "IT Security Lead"
        ("contract-redlines", "Olga"),  # "General Counsel": not a signer, so met or not
        ("purchase-order", "Pat"),  # the procurement role
        ("board", "Dana"),  # nobody does boards: the champion
        ("submit-it-to-finance", "Dana"),  # "it" is a word, not IT
    ],
)
def test_a_steps_deliverable_goes_to_the_person_who_does_the_step(step: str, who: str) -> None:
    made = pursued(STEPS, TODAY)
    touches = {f.key: f for f in made.followups}
    assert touches[f"before:{step}"].who == who
    assert touches[f"after:{step}"].who == who


def test_a_signer_never_met_is_reached_through_the_champion() -> None:
    doc = {
        "deal": {"account": "Acme", "title": "Platform", "stage": "opportunity", "value": 900000},
        "who": [
            {"name": "Dana", "role": "champion", "met": True},
            {"name": "Tom", "title": "CFO", "role": "economic_buyer", "met": False},
        ],
        "how": {"criteria": ["price"], "metrics": "Margin up 2 points", "alternatives": ["Rival"]},
    }
    made = pursued(doc, TODAY)
    assert all(f.who != "Tom" for f in made.followups)
    intro = next(f for f in made.followups if f.key == "discovery:no_power")
    assert intro.who == "Dana" and "an introduction to Tom" in intro.bring
    loop = made.followups[-1]
    assert loop.purpose == "close_loop" and loop.who == "Dana"


@given(answer_documents(stop="none"))
def test_no_follow_up_goes_cold_to_a_signer_never_met(doc: dict[str, Any]) -> None:
    made = pursued(doc, TODAY)
    main = next((f.who for f in made.followups if f.purpose == "recap"), None)
    cold = {
        p["name"]
        for p in doc["who"]
        if p.get("role") in ("decision_maker", "economic_buyer") and not p["met"]
    }
    for f in made.followups:
        assert f.who not in cold - {main}, f


# -- the recap's slots ---------------------------------------------------------------------------------


def recap_slots(made: Plan) -> tuple[Slot, ...]:
    [recap] = [f for f in made.followups if f.purpose == "recap"]
    return Slot.found_in(recap.bring)


def test_fifteen_recaps_of_one_day_propose_fifteen_pairs_spread_over_days_and_hours() -> None:
    doc = {"deal": {"account": "Acme", "meeting_date": TODAY.isoformat()}}
    taken: list[tuple[Slot, ...]] = []
    for deal_id in range(1, 16):
        found = recap_slots(pursued(doc, TODAY, deal_id=deal_id, taken_slots=tuple(taken)))
        assert len(found) == 2
        taken.append(found)
    assert len(set(taken)) == 15
    every = [slot for pair in taken for slot in pair]
    assert len(set(every)) == 30  # nobody is offered a slot another deal was offered
    assert len({s.day for s in every}) >= 4 and len({s.minute for s in every}) >= 8


@given(st.lists(answer_documents(stop="none"), min_size=1, max_size=12))
def test_deals_qualified_the_same_day_share_a_pair_of_slots_three_times_at_most(
    docs: list[dict[str, Any]],
) -> None:
    taken: list[tuple[Slot, ...]] = []
    for deal_id, doc in enumerate(docs * 4, start=1):  # 4 deals alike: the worst case
        doc = {**doc, "deal": {**doc["deal"], "meeting_date": TODAY.isoformat()}}
        made = pursued(doc, TODAY, deal_id=deal_id, taken_slots=tuple(taken))
        found = [Slot.found_in(f.bring) for f in made.followups if f.purpose == "recap"]
        taken.extend(pair for pair in found if pair)
    assert all(len(pair) == 2 for pair in taken)
    assert max(Counter(taken).values(), default=0) <= slots.MAX_SHARED
    # while two slots on different days are free, no slot is offered twice
    first = taken[: len(slots.STARTS) * (slots.DAYS - 1) // 2]
    assert len({slot for pair in first for slot in pair}) == 2 * len(first)


def test_the_slots_are_the_same_when_the_deal_is_planned_again() -> None:
    doc = {"deal": {"account": "Acme", "meeting_date": TODAY.isoformat()}}
    first = recap_slots(pursued(doc, TODAY, deal_id=4))
    assert recap_slots(pursued(doc, TODAY, deal_id=4)) == first
    assert recap_slots(pursued(doc, TODAY, deal_id=5)) != first


@st.composite
def taken_slots(draw: st.DrawFn) -> list[tuple[Slot, Slot]]:
    """Slots already offered around the recap's days, each pair to at most 3 deals."""
    days = [CAL.add(TODAY, n) for n in range(1, 9)]
    grid = [Slot(d, m) for d in days for m in slots.STARTS[:4]]  # crowded: 4 times a day
    pairs = draw(st.lists(st.tuples(st.sampled_from(grid), st.sampled_from(grid)), max_size=60))
    kept: list[tuple[Slot, Slot]] = []
    for a, b in pairs:
        pair = (min(a, b), max(a, b))
        if a != b and kept.count(pair) < slots.MAX_SHARED:
            kept.append(pair)
    return kept


@given(taken_slots(), st.integers(1, 40), st.integers(0, 10))
def test_no_pair_of_slots_goes_to_more_than_three_deals(
    taken: list[tuple[Slot, Slot]], deals: int, offset: int
) -> None:
    day = CAL.add(TODAY, offset)
    for deal_id in range(deals):
        first, second = slots.propose(f"{deal_id}|Acme|{day}", day, CAL, taken)
        for slot in (first, second):
            assert CAL.is_workday(slot.day) and slot.day > day
            assert slot.minute % slots.STEP == 0
            assert slots.DAY_STARTS <= slot.minute < slots.DAY_ENDS
        assert first.day < second.day
        taken.append((first, second))
    assert max(Counter(taken).values()) <= slots.MAX_SHARED


def test_slots_skip_the_weekend_and_the_holidays() -> None:
    wednesday = date(2026, 11, 25)  # Thanksgiving on Thursday
    pair = slots.propose("1|Acme", wednesday, CAL, [])
    assert all(CAL.is_workday(s.day) and s.day >= date(2026, 11, 30) for s in pair)


def test_slot_text_reads_back() -> None:
    pair = (Slot(date(2026, 11, 25), 10 * 60), Slot(date(2026, 11, 27), 14 * 60 + 30))
    text = f"propose a next step with two slots: {pair[0]} or {pair[1]}"
    assert text.endswith("Wed 2026-11-25 10:00 or Fri 2026-11-27 14:30")
    assert Slot.found_in(text) == pair
