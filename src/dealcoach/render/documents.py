"""Every JSON document dealcoach prints, one serialiser per contract.

These shapes are public contracts (`--json` of qualify, next, log, done, show, list, plan and
doctor): tests assert them exactly, so a key changes here or nowhere. The documents are plain
dicts written by `text.write_json`; nothing here imports rich.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dealcoach.records import Outcome, Touch, Verdict
    from dealcoach.render.views import Card, Check, PipelineLine

Row = Mapping[str, Any]


def stored_reasons(raw: str | None) -> list[dict[str, str]]:
    """A verdict's reasons as the store keeps them (a JSON list of signal and detail)."""
    return json.loads(raw) if raw else []


def custom_fields(row: Row) -> dict[str, str]:
    """The deal's custom fields from the CRM, an object ({} when none)."""
    from dealcoach.interop.fields import load

    return load(row.get("fields"))


# -- qualify ------------------------------------------------------------------------------------


def deal_json(row: Row) -> dict[str, Any]:
    value = row.get("value")
    return {
        "id": row["id"],
        "account": row["account"],
        "title": row.get("title") or "",
        "value": None if value in (None, "") else str(value),
        "currency": row.get("currency"),
        "stage": row.get("stage"),
        "status": row.get("status"),
        "source": row.get("source") or "",
        "type": row.get("type"),
        "sector": row.get("sector"),
        "strategy": row.get("strategy"),
        "strategy_used": row.get("resolved_strategy"),
        "strategy_why": row.get("strategy_why"),
        "decision_date": row.get("decision_date"),
        "created": row.get("created"),
        **win_json(row),
    }


def win_json(row: Row) -> dict[str, Any]:
    """The learned win probability of an open deal, its factors, and why there is none."""
    probability = row.get("win_probability")
    factors = row.get("win_factors")
    if isinstance(factors, str):
        factors = json.loads(factors)
    return {
        "win_probability": probability,
        "win_factors": list(factors or []) if probability is not None else [],
        "win_note": row.get("win_note"),
    }


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "decision": verdict.decision.value,
        "confidence": round(verdict.confidence, 2),
        "reasons": [{"signal": r.signal, "detail": r.detail} for r in verdict.reasons],
        "valid_until": verdict.valid_until.isoformat() if verdict.valid_until else None,
        "check_back": verdict.check_back.isoformat() if verdict.check_back else None,
    }


def followup_json(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "key": row["key"],
        "due": str(row["due"]),
        "channel": row["channel"],
        "who": row.get("who") or None,
        "purpose": row["purpose"],
        "bring": row["bring"],
        "milestone": row.get("milestone") or None,
        "outline": row.get("outline") or "",
    }


def qualify_json(deal: Row, outcome: Outcome) -> dict[str, Any]:
    return {
        "deal": deal_json(deal),
        "verdict": verdict_json(outcome.verdict),
        "plan": [followup_json(row) for row in outcome.plan],
    }


# -- next ---------------------------------------------------------------------------------------


def agenda_item_json(ranked: Any) -> dict[str, Any]:
    item = ranked.item
    return {
        "id": item.followup_id,
        "deal_id": item.deal_id,
        "account": item.account,
        "due": item.due.isoformat(),
        "days_overdue": ranked.days_overdue,
        "purpose": item.purpose,
        "bring": item.bring,
        "milestone": item.milestone,
        "channel": item.channel,
        "who": item.who or None,
        "tier": ranked.tier,
        "why": ranked.why,
        "urgency": ranked.urgency,
        "urgency_parts": ranked.urgency_parts,
        "win_probability": item.win_probability,
        "win_factors": [{"factor": f, "effect": e} for f, e in item.win_factors],
    }


def decided_json(row: Row) -> dict[str, Any]:
    return {
        "deal_id": row["id"],
        "account": row["account"],
        "decision": row.get("decision"),
        "reasons": stored_reasons(row.get("reasons")),
        "since": row.get("verdict_since"),
    }


def next_json(
    today: date,
    ranked: list[Any],
    decided: list[Row],
    stale: list[Row],
    unqualified: list[Row],
    next_due: str | None,
) -> dict[str, Any]:
    """The `next --json` contract."""
    return {
        "date": today.isoformat(),
        "due": [agenda_item_json(r) for r in ranked],
        "let_go": [decided_json(r) for r in decided if r["decision"] == "let_go"],
        "nurture": [decided_json(r) for r in decided if r["decision"] == "nurture"],
        "stale": [
            {
                **decided_json(r),
                "reasons": [
                    {
                        "signal": "stalled",
                        "detail": f"no touch for {r['quiet_days']} days (a {r['stage']} allows {r['allowed']})",
                    }
                ],
                "since": r["last_touch"],
            }
            for r in stale
        ],
        "unqualified": [
            {
                "deal_id": r["id"],
                "account": r["account"],
                "decision": None,
                "reasons": [
                    {"signal": "not_qualified", "detail": f"run dealcoach qualify D{r['id']}"}
                ],
                "since": r["created"],
            }
            for r in unqualified
        ],
        "next_due": next_due,
    }


# -- log, done ------------------------------------------------------------------------------------


def touch_record_json(touch: Touch) -> dict[str, Any]:
    """One touch, the same in `show --json` and in `log` / `done --json`."""
    return {
        "id": touch.id,
        "date": touch.date.isoformat(),
        "kind": touch.kind.value,
        "inbound": touch.inbound,
        "replied": touch.replied,
        "who": touch.who or None,
        "note": touch.note,
        "followup_id": touch.followup_id,
        "followup_key": touch.followup_key,
        "owe": touch.owe or None,
        "owe_closed_on": touch.owe_closed_on.isoformat() if touch.owe_closed_on else None,
        "away_until": touch.away_until.isoformat() if touch.away_until else None,
        "signal": touch.signal.value if touch.signal is not None else None,
        "signal_until": touch.signal_until.isoformat() if touch.signal_until else None,
    }


def touch_json(touch: Touch, deal_id: int, outcome: Outcome) -> dict[str, Any]:
    """The `log --json` / `done --json` contract: the touch, the verdict and its change."""
    previous = outcome.previous
    return {
        "touch": {**touch_record_json(touch), "deal_id": deal_id},
        "verdict": verdict_json(outcome.verdict),
        "change": (
            None
            if previous is None
            else {
                "from": previous["decision"],
                "to": outcome.verdict.decision.value,
                "reasons": [
                    {"signal": c.signal, "detail": c.detail, "change": c.change}
                    for c in outcome.changes
                ],
            }
        ),
        "next": followup_json(outcome.plan[0]) if outcome.plan else None,
    }


# -- show, list, plan -------------------------------------------------------------------------------


def show_json(card: Card) -> dict[str, Any]:
    """The `show --json` contract: qualify's keys plus the answers and the whole history."""
    from dealcoach.answers.record import to_document  # only `show` needs it, not `next`

    deal = deal_json(card.deal)
    deal["status"] = card.deal.get("status")
    deal["close_reason"] = card.deal.get("close_reason")
    deal["closed_on"] = card.deal.get("closed_on")
    deal["fields"] = custom_fields(card.deal)
    verdict: dict[str, Any] | None = None
    if card.verdict is not None:
        verdict = {**verdict_json(card.verdict), "since": card.deal.get("verdict_since")}
    return {
        "deal": deal,
        "verdict": verdict,
        "plan": [followup_json(row) for row in card.plan],
        "answers": to_document(card.answers) if card.answers is not None else None,
        "touches": [touch_record_json(touch) for touch in card.touches],
        "interviews": [
            {
                "id": row["id"],
                "date": row["date"],
                "taken_on": row["taken_on"],
                "kind": row["kind"],
                "decision_date": row.get("decision_date"),
            }
            for row in card.interviews
        ],
    }


def list_json(lines: Iterable[PipelineLine]) -> list[dict[str, Any]]:
    """The `list --json` contract: deal fields plus the verdict and the next follow-up."""
    out = []
    for line in lines:
        confidence = line.deal.get("confidence")
        out.append(
            {
                **deal_json(line.deal),
                "decision": line.deal.get("decision"),
                "confidence": round(float(confidence), 2) if confidence is not None else None,
                "next_due": line.next_due,
                "next_bring": line.next["bring"] if line.next is not None else None,
                "open_followups": line.open_followups,
                "fields": custom_fields(line.deal),
            }
        )
    return out


def plan_json(deal: Row, plan: Sequence[Row]) -> dict[str, Any]:
    """The `plan --json` contract: the strategy the plan follows, and the plan."""
    return {
        "deal_id": deal["id"],
        "strategy": deal.get("resolved_strategy"),
        "strategy_why": deal.get("strategy_why"),
        "plan": [followup_json(row) for row in plan],
    }


# -- doctor -----------------------------------------------------------------------------------------


def doctor_json(checks: Sequence[Check]) -> dict[str, Any]:
    """The `doctor --json` contract: healthy or not, and every check with its fix."""
    return {"ok": all(c.ok for c in checks), "checks": [asdict(c) for c in checks]}
