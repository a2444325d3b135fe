"""A follow-up's identity: the stored text of every kind of key, formatted and parsed in one place."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.answers.record import step_keys
from dealcoach.domain.followup_keys import DISCOVERY_GAPS, FollowUpKey, Kind

# Each kind, built by its constructor, and the exact text stored for it (a contract: plans
# already stored match their follow-ups by this text).
EVERY_KIND = [
    (FollowUpKey.recap(date(2026, 11, 20)), "recap:2026-11-20"),
    (FollowUpKey.before("security-review"), "before:security-review"),
    (FollowUpKey.after("board-2"), "after:board-2"),
    (FollowUpKey.task("po"), "task:po"),
    (FollowUpKey.renewal(120), "renewal:120"),
    (FollowUpKey.owe(17), "owe:17"),
    (FollowUpKey.discovery("close_plan"), "discovery:close_plan"),
    (FollowUpKey.discovery("no_power"), "discovery:no_power"),
    (FollowUpKey.discovery("no_dates"), "discovery:no_dates"),
    (FollowUpKey.discovery("no_criteria"), "discovery:no_criteria"),
    (FollowUpKey.cadence(3), "cadence:3"),
    (FollowUpKey.close_loop(), "cadence:close-loop"),
    (FollowUpKey.escalate(), "escalate"),
    (FollowUpKey.check_back(), "check_back"),
]


def test_every_kind_is_covered() -> None:
    assert {key.kind for key, _ in EVERY_KIND} == set(Kind)


@pytest.mark.parametrize(("key", "text"), EVERY_KIND, ids=[text for _, text in EVERY_KIND])
def test_format_and_parse_round_trip(key: FollowUpKey, text: str) -> None:
    assert str(key) == text
    assert FollowUpKey.parse(text) == key
    assert str(FollowUpKey.parse(text)) == text


def test_the_anchor_reads_back_typed() -> None:
    assert FollowUpKey.parse("owe:17").touch_id == 17
    assert FollowUpKey.parse("renewal:90").days_before_notice == 90
    assert FollowUpKey.parse("recap:2026-11-20").meeting == date(2026, 11, 20)
    assert FollowUpKey.parse("before:demo").step_key == "demo"
    assert FollowUpKey.parse("task:demo").step_key == "demo"
    assert FollowUpKey.parse("cadence:2").step_key is None
    assert FollowUpKey.parse("recap:2026-11-20").touch_id is None
    assert FollowUpKey.parse("owe:17").meeting is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "recap",  # its meeting date is missing
        "recap:",
        "recap:2026-11-31",
        "recap:20261120",  # a date, but not as stored
        "owe:x",
        "owe:07",
        "owe:0",
        "renewal:-30",
        "before:",
        "before:Security review",
        "discovery:no_budget",
        "cadence:0",
        "cadence:close_loop",
        "escalate:now",
        "check_back:",
        "reminder:1",
        "Recap:2026-11-20",
    ],
)
def test_a_text_no_rule_makes_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a follow-up key"):
        FollowUpKey.parse(text)


_STEP_NAMES = st.lists(st.text(max_size=20), min_size=1, max_size=5)


@st.composite
def keys(draw: st.DrawFn) -> FollowUpKey:
    """Any key the planner can make."""
    kind = draw(st.sampled_from(list(Kind)))
    if kind is Kind.recap:
        return FollowUpKey.recap(draw(st.dates(date(1900, 1, 1), date(9999, 12, 31))))
    if kind in (Kind.before, Kind.after, Kind.task):
        return FollowUpKey(kind, draw(st.sampled_from(step_keys(draw(_STEP_NAMES)))))
    if kind is Kind.renewal:
        return FollowUpKey.renewal(draw(st.integers(1, 10_000)))
    if kind is Kind.owe:
        return FollowUpKey.owe(draw(st.integers(1, 2**63 - 1)))
    if kind is Kind.discovery:
        return FollowUpKey.discovery(draw(st.sampled_from(DISCOVERY_GAPS)))
    if kind is Kind.cadence:
        return draw(
            st.just(FollowUpKey.close_loop()) | st.builds(FollowUpKey.cadence, st.integers(1, 50))
        )
    return FollowUpKey(kind)


@given(keys())
def test_any_key_the_planner_makes_round_trips(key: FollowUpKey) -> None:
    assert FollowUpKey.parse(str(key)) == key


_KIND_AND_ANYTHING = st.tuples(st.sampled_from([k.value for k in Kind]), st.text(max_size=12))


@given(st.text(max_size=30) | keys().map(str) | _KIND_AND_ANYTHING.map(":".join))
def test_any_text_that_parses_formats_back_to_itself(text: str) -> None:
    try:
        key = FollowUpKey.parse(text)
    except ValueError:
        return
    assert str(key) == text
