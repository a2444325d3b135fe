"""The pipeline review a sales manager would hold: what the open deals are worth by month, how far
to trust the numbers, what predicts a win, which deals were let go and which went quiet.

Pure: the workflow hands in the deals as plain records and the stored model's report; everything
here is arithmetic on them, so the review works (with stage odds) before there is a model.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dealcoach.domain.agenda import DEFAULT_STAGE, STAGE_ODDS

SILENT_SIGNALS = ("ghosted", "quiet_after_decision", "stalled")
LEARNED, STAGE = "learned", "stage odds"


@dataclass(frozen=True)
class OpenDeal:
    """An open deal as the review reads it (value in the home currency, or None)."""

    deal_id: int
    account: str
    value: float | None
    stage: str | None
    decision_date: date | None
    probability: float | None  # learned, from a current model; else None
    decision: str | None
    reasons: tuple[tuple[str, str], ...] = ()  # (signal, detail) of the stored verdict
    strategy: str | None = None


@dataclass(frozen=True)
class ClosedDeal:
    deal_id: int
    account: str
    status: str  # won | lost | let_go
    stage: str | None
    strategy: str | None
    ceiling: int | None  # unanswered follow-ups the let-go rule allowed this deal
    closed_on: date | None
    came_back: date | None = None  # the first answer after it was let go


def odds_of(deal: OpenDeal) -> tuple[float, str]:
    """The probability the forecast uses, and where it comes from."""
    if deal.probability is not None:
        return deal.probability, LEARNED
    return STAGE_ODDS.get(deal.stage or DEFAULT_STAGE, STAGE_ODDS[DEFAULT_STAGE]), STAGE


def forecast(deals: Sequence[OpenDeal], today: date) -> dict[str, Any]:
    """Open deals by month of decision date: count, value, and Σ value × probability, each month
    saying whether its probabilities were learned or are the stage odds."""
    months: dict[str, dict[str, Any]] = {}
    for deal in deals:
        key = deal.decision_date.strftime("%Y-%m") if deal.decision_date else "undated"
        month = months.setdefault(
            key,
            {"month": key, "deals": 0, "value": 0.0, "expected": 0.0, LEARNED: 0, STAGE: 0},
        )
        probability, basis = odds_of(deal)
        month["deals"] += 1
        month[basis] += 1
        if deal.value is not None:
            month["value"] += deal.value
            month["expected"] += deal.value * probability
    rows = []
    this_month = today.strftime("%Y-%m")
    for key in sorted(months, key=lambda k: (k == "undated", k)):
        month = months[key]
        basis = LEARNED if month[STAGE] == 0 else STAGE if month[LEARNED] == 0 else "mixed"
        rows.append(
            {
                "month": key,
                "past": key != "undated" and key < this_month,
                "deals": month["deals"],
                "value": round(month["value"], 2),
                "expected": round(month["expected"], 2),
                "basis": basis,
                "learned_deals": month[LEARNED],
                "stage_odds_deals": month[STAGE],
            }
        )
    return {
        "months": rows,
        "deals": len(deals),
        "value": round(sum(r["value"] for r in rows), 2),
        "expected": round(sum(r["expected"] for r in rows), 2),
    }


def calibration(model: Mapping[str, Any] | None, closed: Sequence[ClosedDeal]) -> dict[str, Any]:
    """The mirror: the model's out-of-sample predictions against what happened, and the stage
    odds the agenda assumes against the rep's real win rate per stage."""
    deals: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    for deal in closed:
        if deal.stage in STAGE_ODDS:
            deals[deal.stage] += 1
            wins[deal.stage] += deal.status == "won"
    stages = [
        {
            "stage": stage,
            "assumed": odds,
            "actual": round(wins[stage] / deals[stage], 4) if deals[stage] else None,
            "deals": deals[stage],
            "won": wins[stage],
        }
        for stage, odds in STAGE_ODDS.items()
    ]
    buckets = [dict(b) for b in (model or {}).get("calibration", [])]
    return {"model": buckets, "stages": stages}


def let_go_audit(closed: Sequence[ClosedDeal], deals: Sequence[OpenDeal]) -> dict[str, Any]:
    """Deals let go, per strategy and ceiling, those that answered after all, and the open deals
    the verdict says to let go that are still open."""
    groups: dict[tuple[str, int | None], list[ClosedDeal]] = defaultdict(list)
    let_go = [d for d in closed if d.status == "let_go"]
    for deal in let_go:
        groups[(deal.strategy or "unknown", deal.ceiling)].append(deal)
    rows = [
        {
            "strategy": strategy,
            "ceiling": ceiling,
            "deals": len(group),
            "came_back": sum(1 for d in group if d.came_back is not None),
        }
        for (strategy, ceiling), group in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        )
    ]
    back = [
        {
            "deal_id": d.deal_id,
            "account": d.account,
            "closed_on": d.closed_on.isoformat() if d.closed_on else None,
            "came_back_on": d.came_back.isoformat() if d.came_back else None,
        }
        for d in let_go
        if d.came_back is not None
    ]
    still_open = [
        {"deal_id": d.deal_id, "account": d.account} for d in deals if d.decision == "let_go"
    ]
    return {
        "deals": len(let_go),
        "by_strategy": rows,
        "came_back": back,
        "verdict_let_go_still_open": still_open,
    }


def silent(deals: Sequence[OpenDeal]) -> list[dict[str, Any]]:
    """Open deals the verdict finds silent (ghosted, quiet after the decision date, stalled)."""
    found = []
    for deal in deals:
        for signal, detail in deal.reasons:
            if signal in SILENT_SIGNALS:
                found.append(
                    {
                        "deal_id": deal.deal_id,
                        "account": deal.account,
                        "signal": signal,
                        "detail": detail,
                    }
                )
                break
    found.sort(key=lambda d: (SILENT_SIGNALS.index(d["signal"]), d["deal_id"]))
    return found


def decisions_passed(deals: Sequence[OpenDeal], today: date) -> list[dict[str, Any]]:
    """Open deals whose decision date is behind us, the oldest first."""
    passed = [d for d in deals if d.decision_date is not None and d.decision_date < today]
    passed.sort(key=lambda d: (d.decision_date, d.deal_id))
    return [
        {
            "deal_id": d.deal_id,
            "account": d.account,
            "decision_date": d.decision_date.isoformat() if d.decision_date else None,
            "days": (today - d.decision_date).days if d.decision_date else None,
        }
        for d in passed
    ]


def review(
    today: date,
    deals: Sequence[OpenDeal],
    closed: Sequence[ClosedDeal],
    model: Mapping[str, Any] | None,
    note: str | None,
) -> dict[str, Any]:
    """The whole review as one JSON-ready document."""
    report = model or {}
    return {
        "date": today.isoformat(),
        "model": {
            "learned": model is not None,
            "note": note,
            "base_rate": report.get("base_rate"),
            "closed": (report.get("counts") or {}).get("closed"),
            "auc": (report.get("metrics") or {}).get("auc"),
            "brier": (report.get("metrics") or {}).get("brier"),
            "trained_on": report.get("trained_on"),
        },
        "forecast": forecast(deals, today),
        "calibration": calibration(model, closed),
        "factors": [dict(f) for f in report.get("top_factors", [])],
        "let_go": let_go_audit(closed, deals),
        "silent": silent(deals),
        "decisions_passed": decisions_passed(deals, today),
    }
