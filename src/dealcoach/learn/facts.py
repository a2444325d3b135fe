"""What the learner knows of a deal, as it stood while the deal was open, and the features read
from it.

One `LearningFacts` per deal, built from plain store rows, the newest interview's answers and the
deal's touch counts. `features()` turns it into named raw features: a text value is a category, a
number is binned by the trainer, None is "unknown". Nothing here knows the outcome: the status is
carried beside the features, never inside them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dealcoach.answers.record import AnswersRecord
from dealcoach.vocabulary import POWER_ROLES, Role

Raw = str | float | None  # a category, a number, or unknown

# the feature names the learner reads, with the words a rep sees beside a factor
BUILT_IN: dict[str, str] = {
    "value": "deal size",
    "type": "deal type",
    "source": "source",
    "sector": "sector",
    "strategy": "strategy",
    "stage": "stage",
    "crm": "CRM",
    "owner": "owner",
    "cycle_days": "days from creation to decision date",
    "qualified": "qualified in an interview",
    "stakeholders": "people known",
    "power_met": "a signer met",
    "champion": "a champion",
    "steps_dated": "dated buyer steps",
    "budget": "budget",
    "alternatives": "alternatives named",
    "pain": "pain",
    "fit": "fit",
    "journey": "buyer's journey",
    "touches_replied": "touches answered",
    "touches_unanswered": "touches unanswered",
}
FIELD_PREFIX = "field:"  # a CRM custom field's feature: "field:" + its header name

# custom columns named like a field dealcoach already reads (or like the outcome itself): kept in
# `fields`, never a feature, never overriding the built-in
_RESERVED_WORDS = {
    "id",
    "recordid",
    "externalid",
    "account",
    "accountname",
    "company",
    "companyname",
    "associatedcompany",
    "organization",
    "title",
    "name",
    "dealname",
    "opportunityname",
    "value",
    "amount",
    "currency",
    "stage",
    "dealstage",
    "status",
    "dealstatus",
    "decisiondate",
    "closedate",
    "expectedclosedate",
    "created",
    "createdate",
    "createddate",
    "dealcreated",
    "owner",
    "dealowner",
    "opportunityowner",
    "nextstep",
    "won",
    "lost",
    "iswon",
    "isclosed",
    "isclosedwon",
    "closed",
    "outcome",
    "result",
}
# dealcoach's own deal fields that no CRM import reads: reserved only under their exact name, so
# that a CRM's "Deal Type" (new or existing business) is learned from while a column "type" is not
_OWN_WORDS = {"type", "source", "sector", "strategy"}
_OUTCOME_WORDS = re.compile(r"closedwon|closedlost|lostreason|wonreason|reasonlost|reasonwon|iswon")


def field_key(name: str) -> str:
    """A header name without case, spaces or punctuation, and without a CRM's `Deal - ` prefix."""
    key = re.sub(r"[\W_]+", "", name.casefold())
    for prefix in ("deal", "opportunity"):
        if key.startswith(prefix) and key[len(prefix) :] in _RESERVED_WORDS:
            return key[len(prefix) :]
    return key


def unused_reason(name: str) -> str | None:
    """Why a custom field is never a feature, or None when it may be one."""
    key = field_key(name)
    exact = re.sub(r"[\W_]+", "", name.casefold())
    if not key:
        return "no name"
    if _OUTCOME_WORDS.search(key):
        return "written once the outcome was known"
    if key in _RESERVED_WORDS or exact in _OWN_WORDS:
        return "named like a field dealcoach reads"
    return None


def usable_field(name: str) -> bool:
    """A custom field may be a feature unless it is named like a built-in field or the outcome."""
    return unused_reason(name) is None


@dataclass(frozen=True)
class LearningFacts:
    """One deal for the learner: the outcome apart, the rest as it stood while it was open."""

    deal_id: int
    status: str  # open | won | lost | let_go
    value: float | None = None  # in the home currency; None when unknown or in another currency
    type: str | None = None
    source: str | None = None
    sector: str | None = None
    strategy: str | None = None
    stage: str | None = None
    crm: str | None = None
    owner: str | None = None
    created: date | None = None
    decision_date: date | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    answers: AnswersRecord | None = None
    touches_replied: int = 0
    touches_unanswered: int = 0

    @property
    def won(self) -> bool:
        return self.status == "won"


def facts_from(
    row: Mapping[str, Any],
    answers: AnswersRecord | None,
    *,
    home_currency: str,
    touches_replied: int = 0,
    touches_unanswered: int = 0,
) -> LearningFacts:
    """A deal's store row (its `fields` already a dict) with its newest answers and touch counts."""
    value = row.get("value")
    currency = row.get("currency")
    amount: float | None = None
    if value is not None and (currency is None or currency == home_currency):
        number = float(Decimal(str(value)))
        amount = number if math.isfinite(number) and number >= 0 else None
    return LearningFacts(
        deal_id=int(row["id"]),
        status=str(row["status"]),
        value=amount,
        type=row.get("type"),
        source=row.get("source"),
        sector=row.get("sector"),
        strategy=row.get("resolved_strategy") or row.get("strategy"),
        stage=row.get("stage"),
        crm=row.get("external_source"),
        owner=row.get("crm_owner"),
        created=_day(row.get("created")),
        decision_date=_day(row.get("decision_date")),
        fields=dict(row.get("fields") or {}),
        answers=answers,
        touches_replied=touches_replied,
        touches_unanswered=touches_unanswered,
    )


def features(facts: LearningFacts) -> dict[str, Raw]:
    """The deal's raw features by name: categories as text, counts and amounts as numbers."""
    found: dict[str, Raw] = {
        "value": math.log10(1 + facts.value) if facts.value is not None else None,
        "type": facts.type,
        "source": _word(facts.source),
        "sector": facts.sector,
        "strategy": facts.strategy,
        "stage": facts.stage,
        "crm": facts.crm,
        "owner": _word(facts.owner),
        "cycle_days": _cycle(facts.created, facts.decision_date),
        "touches_replied": float(facts.touches_replied),
        "touches_unanswered": float(facts.touches_unanswered),
    }
    answers = facts.answers
    found["qualified"] = "yes" if answers is not None else "no"
    if answers is not None:
        roles = [(p.role, p.met) for p in answers.who]
        found["stakeholders"] = float(len(answers.who))
        found["power_met"] = "yes" if any(r in POWER_ROLES and met for r, met in roles) else "no"
        found["champion"] = "yes" if any(r == Role.champion for r, _ in roles) else "no"
        found["steps_dated"] = float(sum(1 for s in answers.what if s.date is not None))
        found["budget"] = answers.how.budget.value
        found["alternatives"] = float(len(answers.how.alternatives))
        pain = answers.readiness.pain
        found["pain"] = str(pain) if pain is not None else None
        fit = answers.readiness.fit
        found["fit"] = None if fit is None else ("yes" if fit else "no")
        journey = answers.readiness.journey
        found["journey"] = journey.value if journey is not None else None
    for name, text in facts.fields.items():
        if usable_field(name):
            found[FIELD_PREFIX + name] = _number_or_word(text)
    return found


def describe(feature: str) -> str:
    """The words a rep reads for a feature's name."""
    if feature.startswith(FIELD_PREFIX):
        return feature[len(FIELD_PREFIX) :]
    return BUILT_IN.get(feature, feature)


_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?")


def _number_or_word(text: str) -> Raw:
    """A custom cell: a number when it reads as one (thousands commas allowed), else its text."""
    cleaned = text.strip()
    if not cleaned:
        return None
    plain = (
        cleaned.replace(",", "")
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned)
        else cleaned
    )
    if _NUMBER.fullmatch(plain):
        number = float(plain)
        if math.isfinite(number):
            return number
    return cleaned.casefold()[:200]


def _word(text: str | None) -> str | None:
    return text.strip().casefold() or None if text else None


def _cycle(created: date | None, decision: date | None) -> float | None:
    if created is None or decision is None:
        return None
    return float((decision - created).days)


def _day(text: Any) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None
