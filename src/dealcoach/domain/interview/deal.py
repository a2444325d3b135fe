"""The deal's own questions: account, value, stage, source, kind, the meeting just held, the strategy.

The full interview's `deal` and `strategy` sections and the quick update's `meeting` section: all
write the `deal` part of the answers document.
"""

from __future__ import annotations

from dealcoach.answers.schema import DealAnswers
from dealcoach.domain.interview.questions import (
    OTHER,
    SECTOR_TITLES,
    SOURCE_TITLES,
    STAGE_TITLES,
    STRATEGY_TITLES,
    TYPE_TITLES,
    Say,
    Steps,
    model_field,
    plain_text,
    required_text,
)
from dealcoach.domain.interview.sheet import Sheet
from dealcoach.vocabulary import DealType, Stage, Strategy


def ask_deal(sheet: Sheet) -> Steps:
    """The deal itself: account, what they would buy, value, stage, source, kind, sector, meeting."""
    deal = sheet.deal()
    yield from sheet.ask_text(
        deal,
        "account",
        "deal.account",
        "Account?",
        "the buyer's organisation; required",
        required_text("the account name is needed"),
    )
    yield from sheet.ask_text(
        deal,
        "title",
        "deal.title",
        "What would they buy?",
        "a few words; Enter to skip",
        plain_text,
    )
    value = yield from sheet.ask_text(
        deal,
        "value",
        "deal.value",
        "Estimated value?",
        "a number, e.g. 48000; Enter to skip",
        model_field(DealAnswers, "value", sheet.today, sheet.number_format),
    )
    if value is not None:
        yield Say(f"→ {value}", "echo")  # `1.234` read with the number_format: seen at once
        yield from sheet.ask_text(
            deal,
            "currency",
            "deal.currency",
            "Currency?",
            "3 letters, e.g. USD; Enter to skip",
            model_field(DealAnswers, "currency", sheet.today),
        )
    yield from sheet.ask_select(
        deal, "stage", "deal.stage", "Stage?", STAGE_TITLES, fallback=Stage.lead.value
    )
    previous = deal.get("source")
    source = yield from sheet.ask_select(
        deal,
        "source",
        "deal.source",
        "Where did it come from?",
        {**SOURCE_TITLES, OTHER: "somewhere else…"},
    )
    if source == OTHER:
        typed_before = previous not in SOURCE_TITLES and previous != OTHER
        sheet.put(deal, "source", previous if typed_before else None)
        yield from sheet.ask_text(
            deal,
            "source",
            "deal.source",
            "Where from?",
            "a few words, e.g. trade show; Enter to skip",
            plain_text,
        )
    kind = yield from sheet.ask_select(
        deal, "type", "deal.type", "Kind of deal?", TYPE_TITLES, fallback=DealType.new.value
    )
    yield from sheet.ask_select(deal, "sector", "deal.sector", "Sector?", SECTOR_TITLES)
    if kind == DealType.renewal.value:
        yield from sheet.ask_date(
            deal,
            "renewal_notice",
            "deal.renewal_notice",
            "Last day they can give notice?",
            "e.g. 2027-03-31, in 4 months; Enter to skip",
        )
    elif "renewal_notice" in deal:
        sheet.put(deal, "renewal_notice", None)
    yield from _meeting_date(sheet)


def _meeting_date(sheet: Sheet) -> Steps:
    """The date of the meeting just held (never after today; Enter keeps it)."""
    yield from sheet.ask_date(
        sheet.deal(),
        "meeting_date",
        "deal.meeting_date",
        "Date of the meeting?",
        "Enter keeps it; or e.g. 2026-11-20",
        not_after=sheet.today,
    )


def ask_meeting(sheet: Sheet) -> Steps:
    """The quick update's "meeting": a line about what happened, and when."""
    yield from sheet.ask_text(
        sheet.deal(),
        "meeting_note",
        "deal.meeting_note",
        "What happened?",
        "one line; Enter to skip",
        plain_text,
    )
    yield from _meeting_date(sheet)


def ask_strategy(sheet: Sheet) -> Steps:
    """How dealcoach paces the follow-ups of this deal."""
    yield from sheet.ask_select(
        sheet.deal(),
        "strategy",
        "deal.strategy",
        "Follow-up strategy?",
        STRATEGY_TITLES,
        fallback=Strategy.hybrid.value,
    )


# -- the quick update's sections (everything not asked is kept from the previous answers)
