"""The buyer's decision: when, how they judge, how ready they are, the next step, what could stop it.

The full interview's `when`, `how`, `readiness`, `next_step` and `signals` sections, and the quick
update's `decision` (the same decision date) and `next_step` and `signals` (the same questions).
"""

from __future__ import annotations

from dealcoach.domain.interview.questions import (
    BUDGET_TITLES,
    FIT_TITLES,
    JOURNEY_TITLES,
    STOP_TITLES,
    Steps,
    comma_list,
    date_or_none,
    pain_scale,
    plain_text,
)
from dealcoach.domain.interview.sheet import Sheet
from dealcoach.vocabulary import NURTURE_STOPS, Budget, StopReason


def ask_when(sheet: Sheet) -> Steps:
    """When they decide, and why by then."""
    when = sheet.section("when")
    yield from _decision_date(sheet)
    yield from sheet.ask_text(
        when,
        "compelling_event",
        "when.compelling_event",
        "Compelling event?",
        "why by then, e.g. budget vote on Dec 15; Enter to skip",
        plain_text,
    )
    yield from sheet.ask_text(
        when,
        "budget_cycle",
        "when.budget_cycle",
        "Budget cycle?",
        "e.g. July fiscal year; Enter to skip",
        plain_text,
    )


def _decision_date(sheet: Sheet) -> Steps:
    """The date they decide by: asked in the full interview's "when" and in the quick update."""
    yield from sheet.ask_date(
        sheet.section("when"),
        "decision_date",
        "when.decision_date",
        "Decision date?",
        "e.g. in 3 weeks, 2026-12-15; Enter to skip",
        check="decision",
    )


def ask_how(sheet: Sheet) -> Steps:
    """How they will decide: criteria, expected result, alternatives, budget, funding."""
    how = sheet.section("how")
    yield from sheet.ask_text(
        how,
        "criteria",
        "how.criteria",
        "How will they judge the offer?",
        "criteria, comma-separated; Enter to skip",
        comma_list,
    )
    yield from sheet.ask_text(
        how,
        "metrics",
        "how.metrics",
        "What result do they expect?",
        "measurable, e.g. reading scores up 10 %; Enter to skip",
        plain_text,
    )
    yield from sheet.ask_text(
        how,
        "alternatives",
        "how.alternatives",
        "Alternatives?",
        "comma-separated, e.g. do nothing, Competitor B; Enter to skip",
        comma_list,
    )
    yield from sheet.ask_select(
        how, "budget", "how.budget", "Budget?", BUDGET_TITLES, skip_value=Budget.unknown.value
    )
    yield from sheet.ask_text(
        how,
        "funding",
        "how.funding",
        "Funding source?",
        "e.g. Title I; Enter to skip",
        plain_text,
    )


def ask_readiness(sheet: Sheet) -> Steps:
    """How ready they are: where in their journey, how much it hurts, whether they fit."""
    readiness = sheet.section("readiness")
    yield from sheet.ask_select(
        readiness,
        "journey",
        "readiness.journey",
        "Where are they in their journey?",
        JOURNEY_TITLES,
    )
    yield from sheet.ask_text(
        readiness,
        "pain",
        "readiness.pain",
        "How much does the problem hurt?",
        "1 = barely … 5 = urgent; Enter to skip",
        pain_scale,
    )
    yield from sheet.ask_select(
        readiness,
        "fit",
        "readiness.fit",
        "Do they fit our ideal customer?",
        FIT_TITLES,
        to_choice=lambda stored: None if stored is None else ("yes" if stored else "no"),
        from_choice=lambda raw: raw == "yes",
    )


def ask_next_step(sheet: Sheet) -> Steps:
    """The concrete next step they agreed to, if any."""
    nxt = sheet.section("next_step")
    if sheet.quick:
        # The step that was next is usually the meeting just held: don't offer it again.
        held = date_or_none(sheet.deal().get("meeting_date")) or sheet.today
        previous = date_or_none(nxt.get("date"))
        if previous is not None and previous <= held:
            for name in ("agreed", "what", "date"):
                sheet.put(nxt, name, None)
    agreed = yield from sheet.ask_confirm(
        "next_step.agreed", "Did they agree to a concrete next step?", bool(nxt.get("agreed"))
    )
    if nxt.get("agreed") != agreed:
        sheet.put(nxt, "agreed", agreed)
    if agreed:
        yield from sheet.ask_text(
            nxt,
            "what",
            "next_step.what",
            "What is it?",
            "e.g. board presentation; Enter to skip",
            plain_text,
        )
        yield from sheet.ask_date(nxt, "date", "next_step.date", "When?", check="step")
    else:
        for name in ("what", "date"):
            if name in nxt:
                sheet.put(nxt, name, None)


def ask_signals(sheet: Sheet) -> Steps:
    """What could stop the deal, and, for a pause, until when."""
    signals = sheet.section("signals")
    reason = yield from sheet.ask_select(
        signals,
        "stop_reason",
        "signals.stop_reason",
        "Anything that could stop the deal?",
        STOP_TITLES,
        fallback=StopReason.none.value,
    )
    if reason in {stop.value for stop in NURTURE_STOPS}:
        yield from sheet.ask_date(
            signals,
            "until",
            "signals.until",
            "Until when?",
            "e.g. in 3 months, 2027-07-01; Enter if they didn't say",
        )
    elif "until" in signals:
        sheet.put(signals, "until", None)


def ask_decision(sheet: Sheet) -> Steps:
    """The quick update's "decision": only the decision date."""
    yield from _decision_date(sheet)
