"""What the buyer's timeline still allows a follow-up to say: dates ahead, deliverables not sent.

A close-the-loop note sent on Feb 9 that says "answer now because of Feb 1" tells the buyer we
stopped listening; so does bringing again what they received last week. The planner asks here
whether a text cites a date already past on the day it goes out, and what has been delivered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from dealcoach.records import DealFacts

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DAY = re.compile(
    rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})\b\.?(?:,?\s+(?P<year>\d{{4}}))?",
    re.IGNORECASE,
)
_SMALL_WORDS = frozenset({"a", "an", "the", "our", "their", "for", "of", "and", "to", "on", "with"})


def cited_dates(text: str, around: date) -> list[date]:
    """The calendar dates a text names: ISO dates, and `Feb 1` / `1 February 2027` forms.

    A date without a year is the one nearest to `around` (the day the buyer said it).
    """
    found = []
    for match in _ISO.finditer(text):
        found.append(_date(*(int(part) for part in match.groups())))
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for match in pattern.finditer(text):
            month = _MONTHS[match["month"].lower()]
            day = int(match["day"])
            if match["year"]:
                found.append(_date(int(match["year"]), month, day))
                continue
            years = (around.year - 1, around.year, around.year + 1)
            near = [d for d in (_date(year, month, day) for year in years) if d is not None]
            found.append(min(near, key=lambda d: abs((d - around).days), default=None))
    return [d for d in found if d is not None]


def cites_past(text: str, day: date, around: date) -> bool:
    """Whether `text` names a date before `day`: a reason to act that no longer holds then."""
    return any(cited < day for cited in cited_dates(text, around))


def delivered(facts: DealFacts, sent_brings: Iterable[str]) -> list[str]:
    """What the buyer has already received: owes closed (`done` on the owe, or `--delivered`)
    and the deliverables of follow-ups marked done."""
    closed = [t.owe for t in facts.touches if t.owe and t.owe_closed_on is not None]
    return [text for text in (*closed, *sent_brings) if _words(text)]


def already_sent(deliverable: str, sent: Iterable[str]) -> bool:
    """Whether a deliverable is one of those sent: the same words, or all of one's words in the
    other ("three-year pricing" and "Three-year pricing sheet"); a sent text that names only a
    small part of the deliverable ("privacy" of a whole security pack) is not the deliverable."""
    mine = _words(deliverable)
    if not mine:
        return False
    return any(
        mine <= other or (other <= mine and 2 * len(other) >= len(mine))
        for other in map(_words, sent)
        if other
    )


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[0-9a-z]+", text.casefold())) - _SMALL_WORDS


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
