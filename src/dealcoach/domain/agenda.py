"""The morning agenda: today's due follow-ups of all deals, in tiers, each with a one-line why.

Tiers come first because a blended number hides why something is urgent; the urgency only
orders items within a tier. An item goes in the first tier it qualifies for:

1. the buyer is waiting on us (purpose ``owe``; the bring text is what we owe);
2. a deliverable for a buyer step within 3 business days: an item (not ``after_step``) that
   brings something for a step dated today up to 3 working days ahead;
3. our overdue follow-ups (due before today);
4. deals in closing, or whose decision date is still ahead in today's month;
5. everything else due today;
6. nurture check-backs that have come (purpose ``check_back``: a decision, not a follow-up, so
   it is never lifted into tiers 2-5).

Urgency, within a tier: ``urgency = step + overdue + value × stage_odds × confidence × verdict
× strategy``, or, when the deal has a learned win probability, ``step + overdue + value ×
win_probability × verdict`` (the expected value: the learned probability replaces the hand-set
stage odds, confidence and strategy weights, and the parts show ``win_probability`` instead), from parts that each lie in 0..1 (so the urgency lies in 0..3) and that
``next --json`` shows as ``urgency_parts``. ``step`` = 1 / (1 + working days until the buyer
step the item serves), 0 with no dated step or a past one; ``overdue`` = min(working days
overdue, 3) / 3; ``value`` = value / (value + 50,000) in the rep's home currency (0 when
unknown or not comparable); ``stage_odds`` lead 0.1, qualified 0.2, prospect 0.3, opportunity
0.5, closing 0.8; ``confidence`` the verdict's 0..1 confidence; ``verdict`` pursue 1.0, nurture
0.5, let_go 0.2; ``strategy`` acceleration 1.0, decision_support 0.9, selectivity 0.7. Each part
is rounded to 3 decimals and the urgency is computed from the rounded parts, then rounded, so a
rep can redo the sum from the JSON. Ties go to the earlier due date, then the lower follow-up id.

Pure: no I/O, no printing; the caller supplies today and the working calendar.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dealcoach.domain.workdays import WorkCalendar

__all__ = [
    "ANNOUNCE_DAYS",
    "DEFAULT_CONFIDENCE",
    "DEFAULT_DECISION",
    "DEFAULT_STAGE",
    "DEFAULT_STRATEGY",
    "OVERDUE_CAP",
    "STAGE_ODDS",
    "STEP_WINDOW",
    "STRATEGY_WEIGHT",
    "VALUE_HALF",
    "VERDICT_WEIGHT",
    "AgendaItem",
    "DueItem",
    "rank",
    "split",
    "urgency_of",
]

STEP_WINDOW = 3  # working days ahead in which a buyer step lifts its deliverable to tier 2
OVERDUE_CAP = 3  # working days overdue that count in the score; more is no more urgent
VALUE_HALF = Decimal(50_000)  # the value that scores 0.5: big deals count more, but saturate
# Calendar days a new nurture verdict stays announced on the morning screen: a week, so a rep who
# skips a few mornings still sees it (a let-go stays listed until the rep acts on it).
ANNOUNCE_DAYS = 7
# What the ranking assumes for what a deal does not say yet (a deal imported and never judged):
# the first stage, pursued, even confidence, the strategy for a deal we know little about.
DEFAULT_STAGE = "lead"
DEFAULT_DECISION = "pursue"
DEFAULT_CONFIDENCE = 0.5
DEFAULT_STRATEGY = "decision_support"
STAGE_ODDS: dict[str, float] = {
    "lead": 0.1,
    "qualified": 0.2,
    "prospect": 0.3,
    "opportunity": 0.5,
    "closing": 0.8,
}
VERDICT_WEIGHT: dict[str, float] = {"pursue": 1.0, "nurture": 0.5, "let_go": 0.2}
STRATEGY_WEIGHT: dict[str, float] = {
    "acceleration": 1.0,
    "decision_support": 0.9,
    "selectivity": 0.7,
}
# Past this many working days, 1 / (1 + n) rounds to 0.000: no need to count further.
_STEP_HORIZON = 2000
_WHY_TEXT_MAX = 60
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class DueItem:
    """One follow-up due today or earlier, with the deal facts the ranking reads."""

    followup_id: int
    deal_id: int
    account: str
    due: date
    purpose: str  # recap | before_step | after_step | discovery | cadence | close_loop | escalate | check_back | renewal | our_step | owe
    bring: str
    milestone: str | None  # the buyer step it serves
    milestone_date: date | None  # that step's date, when known
    channel: str  # email | call | task
    who: str
    value: Decimal | None  # in the rep's home currency; None when not comparable
    stage: str  # lead | qualified | prospect | opportunity | closing
    decision: str  # pursue | nurture | let_go
    confidence: float  # 0..1
    strategy: str  # acceleration | decision_support | selectivity
    decision_date: date | None
    win_probability: float | None = None  # learned from the rep's closed deals, when a model exists
    win_factors: tuple[tuple[str, float], ...] = ()  # (factor, effect in points), strongest first

    @classmethod
    def with_defaults(
        cls,
        *,
        followup_id: int,
        deal_id: int,
        account: str,
        due: date,
        purpose: str,
        bring: str,
        milestone: str | None,
        milestone_date: date | None,
        channel: str,
        who: str | None,
        value: Decimal | None,
        stage: str | None,
        decision: str | None,
        confidence: float | None,
        strategy: str | None,
        decision_date: date | None,
        win_probability: float | None = None,
        win_factors: tuple[tuple[str, float], ...] = (),
    ) -> DueItem:
        """An item from stored facts, some of them missing: the defaults above fill the gaps."""
        return cls(
            followup_id=followup_id,
            deal_id=deal_id,
            account=account,
            due=due,
            purpose=purpose,
            bring=bring,
            milestone=milestone,
            milestone_date=milestone_date,
            channel=channel,
            who=who or "",
            value=value,
            stage=stage or DEFAULT_STAGE,
            decision=decision or DEFAULT_DECISION,
            confidence=float(confidence if confidence is not None else DEFAULT_CONFIDENCE),
            strategy=strategy or DEFAULT_STRATEGY,
            decision_date=decision_date,
            win_probability=win_probability,
            win_factors=win_factors,
        )


@dataclass(frozen=True)
class AgendaItem:
    """A ranked item: its tier, why it is there, and the parts its urgency is made of."""

    item: DueItem
    tier: int  # 1..6
    why: str  # one short line a rep reads at a glance
    days_overdue: int  # calendar days, 0 when due today
    urgency: float  # higher first, within a tier; rounded to 3 decimals
    urgency_parts: dict[str, float] = field(hash=False)  # each rounded to 3 decimals


def rank(items: Sequence[DueItem], today: date, cal: WorkCalendar) -> list[AgendaItem]:
    """Tier and score every item; sorted by (tier, -urgency, due, followup_id).

    Follow-up ids are unique, so the order does not depend on the order of `items`. An item
    due after today (the caller should not send one) ranks as if due today, with no overdue.
    """
    ranked = [_agenda_item(item, today, cal) for item in items]
    ranked.sort(key=lambda a: (a.tier, -a.urgency, a.item.due, a.item.followup_id))
    return ranked


def split(ranked: list[AgendaItem], limit: int | None) -> tuple[list[AgendaItem], int]:
    """The first `limit` items and how many more there are, for the "+N more" line."""
    if limit is None:
        return list(ranked), 0
    if limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")
    return ranked[:limit], max(len(ranked) - limit, 0)


def urgency_of(parts: dict[str, float]) -> float:
    """The documented sum, from the (rounded) parts, so that JSON readers can redo it."""
    if "win_probability" in parts:
        weight = parts["value"] * parts["win_probability"] * parts["verdict"]
        return round(parts["step"] + parts["overdue"] + weight, 3)
    weight = (
        parts["value"]
        * parts["stage_odds"]
        * parts["confidence"]
        * parts["verdict"]
        * parts["strategy"]
    )
    return round(parts["step"] + parts["overdue"] + weight, 3)


# -- tiers ------------------------------------------------------------------------------------


def _agenda_item(item: DueItem, today: date, cal: WorkCalendar) -> AgendaItem:
    days_overdue = max((today - item.due).days, 0)
    step_days = _step_days(item, today, cal)
    parts = _parts(item, today, cal, step_days)
    tier, why = _tier(item, today, days_overdue, step_days)
    return AgendaItem(item, tier, why, days_overdue, urgency_of(parts), parts)


def _step_days(item: DueItem, today: date, cal: WorkCalendar) -> int | None:
    """Working days until the item's step (0 when it is today, or on a day off before the next
    working day); None with no step ahead."""
    if item.milestone_date is None or item.milestone_date < today:
        return None
    return _count_workdays(today, item.milestone_date, cal, _STEP_HORIZON)


def _tier(item: DueItem, today: date, days_overdue: int, step_days: int | None) -> tuple[int, str]:
    if item.purpose == "owe":
        owed = _short(item.bring)
        return 1, f"they wait on us: {owed}" if owed else "they wait on us"
    if item.purpose == "check_back":
        return 6, "check-back date has come"
    if _serves_step_soon(item, step_days):
        why = _step_why(item, today, step_days)
        if days_overdue:
            why += f"; {_overdue_text(days_overdue)}"
        return 2, why
    if item.due < today:
        return 3, _overdue_text(days_overdue)
    closing = item.stage == "closing"
    deciding = (
        item.decision_date is not None
        and item.decision_date >= today
        and (item.decision_date.year, item.decision_date.month) == (today.year, today.month)
    )
    if closing or deciding:
        said = []
        if closing:
            said.append("closing")
        if deciding:
            assert item.decision_date is not None
            when = "today" if item.decision_date == today else _month_day(item.decision_date)
            said.append(f"decision expected {when}")
        return 4, ", ".join(said)
    if item.due > today:
        return 5, f"due {_month_day(item.due)}"
    return 5, "due today"


def _serves_step_soon(item: DueItem, step_days: int | None) -> bool:
    """Tier 2: the deliverable ahead of a step, or something we bring for a step within 3 days."""
    if item.purpose == "after_step" or not item.bring.strip():
        return False
    return step_days is not None and step_days <= STEP_WINDOW


def _step_why(item: DueItem, today: date, step_days: int | None) -> str:
    whose = "our" if item.purpose == "our_step" else "their"
    step = _short(item.milestone or "") or "next step"
    if step_days is None or item.milestone_date is None:
        return f"before {whose} {step}"
    if item.milestone_date == today:
        return f"{whose} {step} is today"
    if step_days == 0:  # a weekend or a holiday before the next working day
        return f"{whose} {step} is {_weekday_date(item.milestone_date)}"
    plural = "s" if step_days != 1 else ""
    return (
        f"{whose} {step} is {_weekday_date(item.milestone_date)} ({step_days} working day{plural})"
    )


# -- urgency ----------------------------------------------------------------------------------


def _parts(
    item: DueItem, today: date, cal: WorkCalendar, step_days: int | None
) -> dict[str, float]:
    overdue = _count_workdays(item.due, today, cal, OVERDUE_CAP) if item.due < today else 0
    if item.win_probability is not None:  # the expected value, from the learned probability
        learned = {
            "step": 0.0 if step_days is None else 1 / (1 + step_days),
            "overdue": overdue / OVERDUE_CAP,
            "value": _value_scale(item.value),
            "win_probability": _unit(item.win_probability),
            "verdict": _weight(VERDICT_WEIGHT, item.decision, "decision"),
        }
        return {name: round(part, 3) for name, part in learned.items()}
    raw = {
        "step": 0.0 if step_days is None else 1 / (1 + step_days),
        "overdue": overdue / OVERDUE_CAP,
        "value": _value_scale(item.value),
        "stage_odds": _weight(STAGE_ODDS, item.stage, "stage"),
        "confidence": _unit(item.confidence),
        "verdict": _weight(VERDICT_WEIGHT, item.decision, "decision"),
        "strategy": _weight(STRATEGY_WEIGHT, item.strategy, "strategy"),
    }
    return {name: round(part, 3) for name, part in raw.items()}


def _value_scale(value: Decimal | None) -> float:
    """Grows with value and saturates: a 10x bigger deal must not bury everything else."""
    if value is None or not value.is_finite() or value <= 0:
        return 0.0
    return float(value / (value + VALUE_HALF))


def _unit(number: float) -> float:
    if math.isnan(number):
        return 0.0
    return min(max(float(number), 0.0), 1.0)


def _weight(table: dict[str, float], key: str, what: str) -> float:
    """Unknown names are a bug upstream: fail loudly rather than rank a deal silently low."""
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"unknown {what} {key!r}; expected one of {', '.join(table)}") from None


def _count_workdays(start: date, end: date, cal: WorkCalendar, cap: int) -> int:
    """Working days after `start` up to and including `end` (as `cal.between`), at most `cap`."""
    count, day = 0, start
    while day < end and count < cap:
        day += timedelta(days=1)
        if cal.is_workday(day):
            count += 1
    return count


# -- words ------------------------------------------------------------------------------------


def _overdue_text(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''} overdue"


def _short(text: str) -> str:
    """One line, at most a screen's glance wide: user text may hold newlines and essays."""
    line = re.sub(r"\s+", " ", text).strip().rstrip(" .")
    if len(line) > _WHY_TEXT_MAX:
        line = line[: _WHY_TEXT_MAX - 1].rstrip() + "…"
    return line


def _month_day(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day:02d}"


def _weekday_date(day: date) -> str:
    """English whatever the locale: `Thu Dec 03`."""
    return f"{_DAYS[day.weekday()]} {_month_day(day)}"


def stale(
    candidates: Sequence[Mapping[str, Any]], today: date, limits: Mapping[str, int]
) -> list[dict[str, Any]]:
    """Deals with nothing ahead and no touch for longer than their stage allows (per-stage days
    from config.toml), each with `quiet_days` and `allowed` for the reason line."""
    found = []
    for row in candidates:
        quiet = (today - date.fromisoformat(row["last_touch"])).days
        allowed = limits.get(row["stage"] or DEFAULT_STAGE, 30)
        if quiet > allowed:
            found.append({**row, "quiet_days": quiet, "allowed": allowed})
    return found
