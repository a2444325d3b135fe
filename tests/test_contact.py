"""The let-go rule (contact.py): the ceiling per strategy and the ghosting test, tested directly."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from dealcoach.domain import contact
from dealcoach.domain.settings import DEFAULT_CADENCES, Cadence
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.home.holidays import holidays_of
from dealcoach.records import Touch
from dealcoach.vocabulary import TouchKind

from .strategies import TODAY, facts_for


def deal(source: str = "", who: tuple[tuple[str, str | None], ...] = ()) -> dict[str, Any]:
    people = [{"name": name, **({"role": role} if role else {})} for name, role in who]
    return {"deal": {"account": "Acme", "source": source}, "who": people}


def answers_of(doc: dict[str, Any]) -> Any:
    answers = facts_for(doc).answers
    assert answers is not None
    return answers


CHAMPION_AND_SIGNER = (("Dana", "champion"), ("Lee", "decision_maker"))


@pytest.mark.parametrize(
    ("strategy", "source", "other_known", "expected"),
    [
        # the strategy's own ceiling (the defaults in the settings)
        ("acceleration", "outbound", False, 3),
        ("decision_support", "outbound", False, 3),
        ("selectivity", "outbound", False, 2),
        # one more for a lead who came to us
        ("acceleration", "inbound", False, 4),
        ("selectivity", " Inbound ", False, 3),
        ("decision_support", "referral", False, 3),
        # decision support writes once more to a second person; the others do not
        ("decision_support", "outbound", True, 4),
        ("decision_support", "inbound", True, 5),
        ("acceleration", "outbound", True, 3),
        ("selectivity", "inbound", True, 3),
    ],
)
def test_the_ceiling_per_strategy(
    strategy: str, source: str, other_known: bool, expected: int
) -> None:
    cad = DEFAULT_CADENCES[strategy]
    answers = answers_of(deal(source))
    assert contact.ceiling(cad, answers, other_known=other_known) == expected


def test_the_ceiling_follows_the_settings() -> None:
    cad = Cadence(ceiling=6, other_stakeholder=2)
    answers = answers_of(deal("inbound"))
    assert contact.ceiling(cad, answers, other_known=True) == 6 + 1 + 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [((), 3), ((("Dana", "champion"),), 3), (CHAMPION_AND_SIGNER, 4)],
)
def test_a_deals_ceiling_knows_whether_a_second_person_is_known(
    who: tuple[tuple[str, str | None], ...], expected: int
) -> None:
    answers = answers_of(deal("outbound", who))
    assert contact.deal_ceiling(DEFAULT_CADENCES["decision_support"], answers) == expected


def _silence(days_ago: list[int], limit: int, *more: Touch, **extra: Any) -> contact.Silence:
    touches = tuple(
        Touch(TODAY - timedelta(days=d), TouchKind.email, id=i + 1) for i, d in enumerate(days_ago)
    )
    facts = facts_for(deal("outbound"), touches + more, **extra)
    cal = WorkCalendar(holidays_of("US")).for_deal([])
    return contact.silence(contact.contact_state(facts, cal), limit, TODAY, cal)


def test_below_the_ceiling_the_buyer_is_not_ghosting() -> None:
    assert _silence([20, 10], 3) == contact.Silence(ghosted=False)


def test_at_the_ceiling_the_buyer_still_has_the_answer_window() -> None:
    # TODAY is a Monday: the last touch, sent today, may be answered until Wednesday
    assert TODAY.weekday() == 0
    found = _silence([20, 10, 0], 3)
    assert found == contact.Silence(ghosted=False, answer_by=date(2026, 11, 25))


def test_past_the_answer_window_the_buyer_is_ghosting() -> None:
    assert _silence([20, 10, 4], 3) == contact.Silence(ghosted=True)


def test_a_pause_running_today_holds_the_test() -> None:
    away = Touch(TODAY, TouchKind.note, away_until=TODAY + timedelta(days=5))
    assert _silence([20, 10, 4], 3) == contact.Silence(ghosted=True)
    held = _silence([20, 10, 4], 3, away)
    assert not held.ghosted
    # judged again the working day after the pause ends, not months later (issue 13, item 5)
    assert held.answer_by is not None and TODAY + timedelta(days=5) < held.answer_by
    assert (held.answer_by - (TODAY + timedelta(days=5))).days <= 3


def test_touches_sent_during_a_pause_are_not_attempts() -> None:
    assert _silence([20, 10, 4], 3, snoozed_until=TODAY - timedelta(days=5)) == contact.Silence(
        ghosted=False
    )


def test_an_away_notice_is_a_pause_never_an_answer() -> None:
    # an auto-reply logged as inbound with --away-until: the count goes on, the reply date stays
    auto_reply = Touch(
        TODAY - timedelta(days=3),
        TouchKind.email,
        inbound=True,
        away_until=TODAY - timedelta(days=1),
    )
    assert _silence([20, 10, 4], 3, auto_reply) == contact.Silence(ghosted=True)
    facts = facts_for(deal("outbound"), (auto_reply,))
    state = contact.contact_state(facts, WorkCalendar())
    assert not state.answered and state.last_two_way == facts.created
    assert state.attempts == ()  # nor is it an attempt of ours


def test_the_state_names_the_pause_that_held_back_the_count() -> None:
    held = Touch(TODAY - timedelta(days=20), TouchKind.email, id=1)
    counted = Touch(TODAY - timedelta(days=5), TouchKind.email, id=2)
    away = Touch(
        TODAY - timedelta(days=21), TouchKind.note, away_until=TODAY - timedelta(days=10), id=3
    )
    facts = facts_for(deal("outbound"), (held, counted, away))
    state = contact.contact_state(facts, WorkCalendar())
    assert state.attempts == (counted,)
    assert state.shifted_by is not None
    assert state.shifted_by.why == f"the contact was away until {TODAY - timedelta(days=10)}"
    unshifted = contact.contact_state(facts_for(deal("outbound"), (held, counted)), WorkCalendar())
    assert unshifted.shifted_by is None and len(unshifted.attempts) == 2
