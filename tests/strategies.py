"""Hypothesis strategies for answers and histories, shared by the pure-logic tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from dealcoach.answers.schema import Answers, record_of
from dealcoach.records import DealFacts, Touch
from dealcoach.vocabulary import TouchKind

TODAY = date(2026, 11, 23)

ROLES = [
    None,
    "decision_maker",
    "economic_buyer",
    "champion",
    "influencer",
    "user",
    "procurement",
    "blocker",
]
STOPS = ["none", "new_direction", "lost_funding", "back_burner", "need_not_served", "chose_other"]
NAMES = ["Dana", "Lee", "Ana", "Raj", "Kim"]


def _day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@st.composite
def answer_documents(draw: st.DrawFn, *, stop: str | None = None) -> dict[str, Any]:
    who = []
    for name in draw(st.lists(st.sampled_from(NAMES), max_size=4, unique=True)):
        person: dict[str, Any] = {"name": name, "met": draw(st.booleans())}
        role = draw(st.sampled_from(ROLES))
        if role:
            person["role"] = role
        who.append(person)
    what = []
    for i in range(draw(st.integers(0, 4))):
        step: dict[str, Any] = {
            "step": draw(st.sampled_from(["Survey", "Board", "Security review", "PO", "Demo"]))
            + f" {i}",
            "owner": draw(st.sampled_from(["buyer", "us", "both"])),
            "bring": draw(st.sampled_from(["", "Case study", "Security answers"])),
        }
        if draw(st.booleans()):
            step["date"] = _day(draw(st.integers(-20, 90)))
        what.append(step)
    doc: dict[str, Any] = {
        "deal": {
            "account": "Acme",
            "title": draw(st.sampled_from(["", "Platform"])),
            "value": draw(st.sampled_from([None, 0, 5000, 48000, 900000])),
            "stage": draw(
                st.sampled_from(["lead", "qualified", "prospect", "opportunity", "closing"])
            ),
            "source": draw(st.sampled_from(["inbound", "outbound", "referral", ""])),
            "type": draw(st.sampled_from(["new", "expansion", "renewal"])),
            "strategy": draw(
                st.sampled_from(["hybrid", "acceleration", "decision_support", "selectivity"])
            ),
            "meeting_date": _day(draw(st.integers(-10, 0))),
        },
        "who": who,
        "what": what,
        "how": {
            "criteria": draw(
                st.lists(st.sampled_from(["price", "adoption"]), max_size=2, unique=True)
            ),
            "metrics": draw(st.sampled_from(["", "Scores up 10 %"])),
            "alternatives": draw(
                st.lists(st.sampled_from(["do nothing", "Rival"]), max_size=2, unique=True)
            ),
            "budget": draw(st.sampled_from(["approved", "needs_approval", "unknown", "none"])),
        },
        "readiness": {},
        "next_step": {"agreed": draw(st.booleans())},
        "signals": {"stop_reason": stop or draw(st.sampled_from(STOPS))},
    }
    doc["deal"] = {k: v for k, v in doc["deal"].items() if v is not None}
    if doc["deal"]["type"] == "renewal" and draw(st.booleans()):
        doc["deal"]["renewal_notice"] = _day(draw(st.integers(-40, 200)))
    if draw(st.booleans()):
        doc["when"] = {"decision_date": _day(draw(st.integers(-5, 400)))}
    if draw(st.booleans()):
        doc["readiness"] = {
            "pain": draw(st.integers(1, 5)),
            "fit": draw(st.booleans()),
            "journey": draw(st.sampled_from(["recognizing", "exploring", "comparing", "deciding"])),
        }
    return doc


@st.composite
def histories(draw: st.DrawFn) -> tuple[Touch, ...]:
    touches = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(list(TouchKind)))
        touches.append(
            Touch(
                date=TODAY - timedelta(days=draw(st.integers(0, 30))),
                kind=kind,
                inbound=draw(st.booleans()) and draw(st.booleans()),
                replied=draw(st.booleans()) and draw(st.booleans()),
                who=draw(st.sampled_from(["", *NAMES])),
                id=i + 1,
            )
        )
    return tuple(touches)


def facts_for(doc: dict[str, Any], touches: tuple[Touch, ...] = (), **extra: Any) -> DealFacts:
    answers = record_of(
        Answers.model_validate(doc, context={"today": TODAY})
    )  # as the store reads it
    return DealFacts(
        created=TODAY - timedelta(days=30),
        answers=answers,
        touches=touches,
        qualified_on=TODAY,
        **extra,
    )
