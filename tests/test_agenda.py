"""The morning agenda: tiers, their boundaries, the urgency within a tier, and its parts."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.domain.agenda import AgendaItem, DueItem, rank, split, urgency_of
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.home.holidays import holidays_of

CAL = WorkCalendar(holidays_of("US"))
FRI = date(2026, 10, 16)  # a plain week: no US holiday from Oct 13 to Oct 30
MON = date(2026, 10, 19)
THANKSGIVING_MON = date(2026, 11, 23)  # Thu Nov 26 is a holiday, Fri Nov 27 is not

PURPOSES = [
    "recap",
    "before_step",
    "after_step",
    "discovery",
    "cadence",
    "close_loop",
    "escalate",
    "check_back",
    "renewal",
    "our_step",
    "owe",
]
STAGES = ["lead", "qualified", "prospect", "opportunity", "closing"]
DECISIONS = ["pursue", "nurture", "let_go"]
STRATEGIES = ["acceleration", "decision_support", "selectivity"]
PART_NAMES = ["step", "overdue", "value", "stage_odds", "confidence", "verdict", "strategy"]


def due_item(**changes: Any) -> DueItem:
    """A plain cadence follow-up due on FRI for a mid-size prospect; tests change what matters."""
    base = DueItem(
        followup_id=1,
        deal_id=1,
        account="Acme",
        due=FRI,
        purpose="cadence",
        bring="the ROI sheet",
        milestone=None,
        milestone_date=None,
        channel="email",
        who="Dana",
        value=Decimal(20_000),
        stage="prospect",
        decision="pursue",
        confidence=0.6,
        strategy="acceleration",
        decision_date=None,
    )
    return replace(base, **changes)


def one(today: date = FRI, **changes: Any) -> AgendaItem:
    (ranked,) = rank([due_item(**changes)], today, CAL)
    return ranked


def step(name: str, day: date, **changes: Any) -> dict[str, Any]:
    return {"milestone": name, "milestone_date": day, **changes}


# -- tiers and their boundaries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "changes", "tier", "why"),
    [
        pytest.param(
            FRI,
            {"purpose": "owe", "bring": "three-year pricing"},
            1,
            "they wait on us: three-year pricing",
            id="owe",
        ),
        pytest.param(
            FRI,
            {
                "purpose": "owe",
                "bring": "pricing",
                "due": FRI - timedelta(days=3),
                "stage": "closing",
            },
            1,
            "they wait on us: pricing",
            id="owe-beats-overdue-and-closing",
        ),
        pytest.param(
            FRI,
            {"purpose": "before_step", **step("Board presentation", date(2026, 10, 22))},
            5,
            "due today",
            id="before-step-4-days-ahead-is-not-yet-tier-2",
        ),
        pytest.param(
            FRI,
            {"purpose": "before_step", "milestone": "Board presentation"},
            5,
            "due today",
            id="before-step-undated",
        ),
        pytest.param(
            FRI,
            {"purpose": "before_step", "due": FRI - timedelta(days=1), **step("demo", FRI)},
            2,
            "their demo is today; 1 day overdue",
            id="before-step-overdue-step-today",
        ),
        pytest.param(
            FRI,
            {
                "purpose": "before_step",
                "due": FRI - timedelta(days=3),
                **step("demo", FRI - timedelta(days=1)),
            },
            3,
            "3 days overdue",
            id="before-step-expired",
        ),
        pytest.param(
            FRI,
            {
                "purpose": "our_step",
                "channel": "task",
                **step("security review", date(2026, 10, 21)),
            },
            2,
            "our security review is Wed Oct 21 (3 working days)",
            id="3-working-days-across-a-weekend",
        ),
        pytest.param(
            FRI,
            {
                "purpose": "our_step",
                "channel": "task",
                **step("security review", date(2026, 10, 22)),
            },
            5,
            "due today",
            id="4-working-days-is-not-tier-2",
        ),
        pytest.param(
            FRI,
            {"purpose": "cadence", **step("pilot review", date(2026, 10, 19))},
            2,
            "their pilot review is Mon Oct 19 (1 working day)",
            id="any-item-that-brings-something",
        ),
        pytest.param(
            FRI,
            {"purpose": "cadence", "bring": "  ", **step("pilot review", FRI)},
            5,
            "due today",
            id="brings-nothing-for-the-step",
        ),
        pytest.param(
            FRI,
            {"purpose": "after_step", **step("pilot review", FRI)},
            5,
            "due today",
            id="after-step-is-not-a-deliverable",
        ),
        pytest.param(
            THANKSGIVING_MON,
            {"due": THANKSGIVING_MON, **step("budget meeting", date(2026, 11, 27))},
            2,
            "their budget meeting is Fri Nov 27 (3 working days)",
            id="holiday-does-not-count",
        ),
        pytest.param(
            date(2026, 11, 25),
            {"due": date(2026, 11, 25), **step("usage review", date(2026, 11, 26))},
            2,
            "their usage review is Thu Nov 26",
            id="a-step-on-a-holiday-tomorrow-is-not-today",  # found in a tmux trial
        ),
        pytest.param(
            FRI,
            {"purpose": "before_step", **step("offsite", date(2026, 10, 17))},
            2,
            "their offsite is Sat Oct 17",
            id="a-step-on-the-weekend-is-not-today",
        ),
        pytest.param(
            date(2026, 10, 20),
            {
                "purpose": "before_step",
                "due": date(2026, 10, 20),
                **step("offsite", date(2026, 10, 24)),
            },
            2,
            "their offsite is Sat Oct 24 (3 working days)",
            id="a-saturday-step-3-working-days-ahead-is-tier-2",  # found by review
        ),
        pytest.param(
            THANKSGIVING_MON,
            {"due": THANKSGIVING_MON, **step("budget meeting", date(2026, 11, 30))},
            5,
            "due today",
            id="holiday-then-weekend",
        ),
        pytest.param(MON, {"due": FRI}, 3, "3 days overdue", id="overdue-across-weekend"),
        pytest.param(FRI, {"due": FRI - timedelta(days=1)}, 3, "1 day overdue", id="overdue-1"),
        pytest.param(
            FRI,
            {"due": FRI - timedelta(days=2), "stage": "closing"},
            3,
            "2 days overdue",
            id="overdue-beats-closing",
        ),
        pytest.param(FRI, {"stage": "closing"}, 4, "closing", id="closing"),
        pytest.param(
            FRI,
            {"decision_date": date(2026, 10, 30)},
            4,
            "decision expected Oct 30",
            id="decision-this-month",
        ),
        pytest.param(
            FRI, {"decision_date": FRI}, 4, "decision expected today", id="decision-today"
        ),
        pytest.param(
            FRI,
            {"stage": "closing", "decision_date": date(2026, 10, 30)},
            4,
            "closing, decision expected Oct 30",
            id="closing-and-decision",
        ),
        pytest.param(
            FRI, {"decision_date": date(2026, 10, 15)}, 5, "due today", id="decision-past"
        ),
        pytest.param(
            FRI, {"decision_date": date(2026, 11, 2)}, 5, "due today", id="decision-next-month"
        ),
        pytest.param(
            FRI, {"decision_date": date(2027, 10, 20)}, 5, "due today", id="decision-next-year"
        ),
        pytest.param(FRI, {}, 5, "due today", id="everything-else"),
        pytest.param(FRI, {"due": FRI + timedelta(days=4)}, 5, "due Oct 20", id="not-yet-due"),
        pytest.param(
            FRI,
            {"purpose": "check_back", "decision": "nurture"},
            6,
            "check-back date has come",
            id="check-back",
        ),
        pytest.param(
            FRI,
            {"purpose": "check_back", "due": FRI - timedelta(days=5), "stage": "closing"},
            6,
            "check-back date has come",
            id="check-back-overdue-stays-a-decision",
        ),
    ],
)
def test_tiers(today: date, changes: dict[str, Any], tier: int, why: str) -> None:
    ranked = one(today, **changes)
    assert (ranked.tier, ranked.why) == (tier, why)


@pytest.mark.parametrize(
    ("today", "due", "days_overdue", "overdue"),
    [
        pytest.param(FRI, FRI, 0, 0.0, id="due-today"),
        pytest.param(MON, FRI, 3, 0.333, id="weekend-does-not-count"),
        pytest.param(MON, date(2026, 10, 17), 2, 0.333, id="due-on-saturday"),
        pytest.param(date(2026, 10, 17), FRI, 1, 0.0, id="saturday-after-friday"),
        pytest.param(MON, date(2026, 10, 15), 4, 0.667, id="2-working-days"),
        pytest.param(MON, date(2026, 10, 14), 5, 1.0, id="3-working-days"),
        pytest.param(MON, date(2026, 10, 1), 18, 1.0, id="capped-at-3"),
        pytest.param(MON, date(1970, 1, 1), (MON - date(1970, 1, 1)).days, 1.0, id="ancient"),
    ],
)
def test_overdue_counts_working_days_up_to_3(
    today: date, due: date, days_overdue: int, overdue: float
) -> None:
    ranked = one(today, due=due)
    assert ranked.days_overdue == days_overdue
    assert ranked.urgency_parts["overdue"] == overdue


@pytest.mark.parametrize(
    ("milestone_date", "part"),
    [
        (None, 0.0),
        (FRI - timedelta(days=1), 0.0),
        (FRI, 1.0),
        (MON, 0.5),
        (date(2026, 10, 21), 0.25),
        (date(2026, 10, 23), 0.167),
        (date(2199, 12, 31), 0.0),
    ],
)
def test_step_part_is_closeness_in_working_days(milestone_date: date | None, part: float) -> None:
    ranked = one(milestone="demo", milestone_date=milestone_date)
    assert ranked.urgency_parts["step"] == part


@pytest.mark.parametrize(
    ("value", "part"),
    [
        (None, 0.0),
        (Decimal(0), 0.0),
        (Decimal(-5), 0.0),
        (Decimal(50_000), 0.5),
        (Decimal(150_000), 0.75),
        (Decimal("1e15"), 1.0),
    ],
)
def test_value_part_saturates(value: Decimal | None, part: float) -> None:
    assert one(value=value).urgency_parts["value"] == part


def test_parts_and_urgency_as_the_json_shows_them() -> None:
    ranked = one(
        due=FRI - timedelta(days=1),
        value=Decimal(50_000),
        stage="opportunity",
        confidence=0.8,
        decision="nurture",
        strategy="decision_support",
        **step("board meeting", date(2026, 10, 26)),
    )
    assert ranked.urgency_parts == {
        "step": 0.143,
        "overdue": 0.333,
        "value": 0.5,
        "stage_odds": 0.5,
        "confidence": 0.8,
        "verdict": 0.5,
        "strategy": 0.9,
    }
    # 0.143 + 0.333 + 0.5 * 0.5 * 0.8 * 0.5 * 0.9 = 0.476 + 0.09
    assert ranked.urgency == 0.566


def test_unknown_names_fail_loudly() -> None:
    with pytest.raises(ValueError, match="unknown stage 'won'"):
        one(stage="won")


# -- order within a tier ----------------------------------------------------------------------


def test_order_within_a_tier_by_urgency() -> None:
    items = [
        due_item(followup_id=1, value=Decimal(10_000), stage="lead"),
        due_item(followup_id=2, value=Decimal(400_000), stage="opportunity", confidence=0.9),
        due_item(followup_id=3, value=Decimal(400_000), stage="opportunity", decision="let_go"),
        due_item(followup_id=4, value=None),
        due_item(
            followup_id=5, value=Decimal(10_000), stage="lead", **step("demo", date(2026, 10, 26))
        ),
    ]
    ranked = rank(items, FRI, CAL)
    assert {a.tier for a in ranked} == {5}
    assert [a.item.followup_id for a in ranked] == [2, 5, 3, 1, 4]


def test_overdue_ranks_by_working_days_then_value() -> None:
    items = [
        due_item(followup_id=1, due=date(2026, 10, 8), value=None),
        due_item(followup_id=2, due=date(2026, 10, 15), value=Decimal(900_000)),
        due_item(followup_id=3, due=date(2026, 10, 13), value=Decimal(900_000)),
        due_item(followup_id=4, due=date(2026, 10, 12), value=Decimal(900_000)),
    ]
    ranked = rank(items, FRI, CAL)
    # 3 and 4 are both capped at 3 working days: the earlier due goes first.
    assert [a.item.followup_id for a in ranked] == [4, 3, 1, 2]


def test_ties_go_to_the_earlier_due_then_the_lower_id() -> None:
    items = [
        due_item(followup_id=9),
        due_item(followup_id=3),
        due_item(followup_id=7, deal_id=2, account="Beta"),
    ]
    assert [a.item.followup_id for a in rank(items, FRI, CAL)] == [3, 7, 9]


def test_tiers_come_before_urgency() -> None:
    items = [
        due_item(followup_id=1, purpose="check_back", value=Decimal(10**9), stage="closing"),
        due_item(followup_id=2, value=None, stage="lead", decision="let_go"),
        due_item(followup_id=3, stage="closing"),
        due_item(followup_id=4, due=FRI - timedelta(days=1)),
        due_item(followup_id=5, purpose="before_step", **step("demo", date(2026, 10, 21))),
        due_item(followup_id=6, purpose="owe", bring="pricing", value=None),
    ]
    ranked = rank(items, FRI, CAL)
    assert [(a.tier, a.item.followup_id) for a in ranked] == [
        (1, 6),
        (2, 5),
        (3, 4),
        (4, 3),
        (5, 2),
        (6, 1),
    ]


# -- why texts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bring", "why"),
    [
        ("three-year pricing.", "they wait on us: three-year pricing"),
        ("the SOC 2\nreport\tand  the DPA", "they wait on us: the SOC 2 report and the DPA"),
        ("", "they wait on us"),
        ("x" * 200, "they wait on us: " + "x" * 59 + "…"),
    ],
)
def test_why_is_one_short_line(bring: str, why: str) -> None:
    assert one(purpose="owe", bring=bring).why == why


# -- split ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "shown", "more"),
    [(None, 5, 0), (0, 0, 5), (2, 2, 3), (5, 5, 0), (12, 5, 0)],
)
def test_split(limit: int | None, shown: int, more: int) -> None:
    ranked = rank([due_item(followup_id=i) for i in range(5)], FRI, CAL)
    first, rest = split(ranked, limit)
    assert (len(first), rest) == (shown, more)
    assert first == ranked[:shown]


def test_split_refuses_a_negative_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        split([], -1)


# -- properties -------------------------------------------------------------------------------

TODAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def due_items(draw: st.DrawFn, today: date, followup_id: int) -> DueItem:
    def near(before: int, after: int) -> date:
        return today + timedelta(days=draw(st.integers(-before, after)))

    return DueItem(
        followup_id=followup_id,
        deal_id=draw(st.integers(1, 5)),
        account=draw(st.sampled_from(["Acme", "Beta", "Gamma"])),
        due=near(30, 0),
        purpose=draw(st.sampled_from(PURPOSES)),
        bring=draw(st.text(max_size=80)),
        milestone=draw(st.none() | st.text(max_size=30)),
        milestone_date=near(10, 40) if draw(st.booleans()) else None,
        channel=draw(st.sampled_from(["email", "call", "task"])),
        who=draw(st.sampled_from(["", "Dana", "Lee"])),
        value=draw(st.none() | st.decimals(min_value=0, max_value=10**12, places=2)),
        stage=draw(st.sampled_from(STAGES)),
        decision=draw(st.sampled_from(DECISIONS)),
        confidence=draw(st.floats(0, 1)),
        strategy=draw(st.sampled_from(STRATEGIES)),
        decision_date=near(40, 60) if draw(st.booleans()) else None,
    )


@st.composite
def mornings(draw: st.DrawFn) -> tuple[date, list[DueItem]]:
    today = draw(TODAYS)
    ids = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=15))
    return today, [draw(due_items(today, i)) for i in ids]


@given(mornings())
def test_rank_is_a_permutation(morning: tuple[date, list[DueItem]]) -> None:
    today, items = morning
    ranked = rank(items, today, CAL)
    by_id = attrgetter("followup_id")
    assert sorted((a.item for a in ranked), key=by_id) == sorted(items, key=by_id)


@given(mornings())
def test_tiers_then_urgency(morning: tuple[date, list[DueItem]]) -> None:
    today, items = morning
    ranked = rank(items, today, CAL)
    for first, second in itertools.pairwise(ranked):
        assert first.tier <= second.tier
        if first.tier == second.tier:
            assert first.urgency >= second.urgency


@given(mornings())
def test_every_item_says_why_in_one_line(morning: tuple[date, list[DueItem]]) -> None:
    today, items = morning
    for ranked in rank(items, today, CAL):
        assert ranked.why.strip() == ranked.why != ""
        assert "\n" not in ranked.why
        assert not ranked.why.endswith(".")
        assert 1 <= ranked.tier <= 6
        assert ranked.days_overdue == (today - ranked.item.due).days


@given(mornings())
def test_parts_are_within_0_and_1_and_add_up(morning: tuple[date, list[DueItem]]) -> None:
    today, items = morning
    for ranked in rank(items, today, CAL):
        parts = ranked.urgency_parts
        assert list(parts) == PART_NAMES
        assert all(0.0 <= part <= 1.0 for part in parts.values())
        assert all(part == round(part, 3) for part in parts.values())
        assert ranked.urgency == round(
            parts["step"]
            + parts["overdue"]
            + parts["value"]
            * parts["stage_odds"]
            * parts["confidence"]
            * parts["verdict"]
            * parts["strategy"],
            3,
        )
        assert ranked.urgency == urgency_of(parts)
        assert 0.0 <= ranked.urgency <= 3.0


@given(mornings(), st.randoms(use_true_random=False))
def test_rank_is_deterministic(morning: tuple[date, list[DueItem]], rnd: random.Random) -> None:
    today, items = morning
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert rank(shuffled, today, CAL) == rank(items, today, CAL)


@given(mornings())
def test_tier_rules_hold(morning: tuple[date, list[DueItem]]) -> None:
    """Each tier says something true about its items (the first rule that fits wins)."""
    today, items = morning
    for ranked in rank(items, today, CAL):
        item = ranked.item
        assert (ranked.tier == 1) == (item.purpose == "owe")
        assert (ranked.tier == 6) == (item.purpose == "check_back")
        if ranked.tier == 2:
            assert item.milestone_date is None or item.milestone_date >= today
        if ranked.tier == 3:
            assert item.due < today
        if ranked.tier in (4, 5):
            assert item.due == today


# -- what a stored row lacks ------------------------------------------------------------------


def _stored(**facts: Any) -> DueItem:
    """`DueItem.with_defaults` from the facts of `due_item()`, some of them replaced."""
    base = due_item()
    known = {name: getattr(base, name) for name in base.__dataclass_fields__}
    return DueItem.with_defaults(**{**known, **facts})


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        ({"stage": None}, {"stage": "lead"}),
        ({"stage": ""}, {"stage": "lead"}),
        ({"decision": None}, {"decision": "pursue"}),
        ({"confidence": None}, {"confidence": 0.5}),
        ({"strategy": None}, {"strategy": "decision_support"}),
        ({"who": None}, {"who": ""}),
        (
            {"stage": None, "decision": None, "confidence": None, "strategy": None},
            {
                "stage": "lead",
                "decision": "pursue",
                "confidence": 0.5,
                "strategy": "decision_support",
            },
        ),
    ],
)
def test_a_row_without_deal_facts_ranks_as_a_lead_pursued_at_even_odds(
    missing: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert _stored(**missing) == replace(due_item(), **expected)


@pytest.mark.parametrize(
    "known",
    [
        {"confidence": 0.0},  # a judged zero is not "unknown"
        {"stage": "closing", "decision": "let_go", "strategy": "selectivity", "confidence": 1.0},
    ],
)
def test_known_deal_facts_are_kept(known: dict[str, Any]) -> None:
    assert _stored(**known) == replace(due_item(), **known)
