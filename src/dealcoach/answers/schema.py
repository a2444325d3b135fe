"""The answers schema (a public contract: keys may be added, never renamed), checked by pydantic.

What comes in (an answers file, the interview, an import) goes through it; the domain reads
the stored answers back as plain records (`answers/record.py`); both name their values from
`vocabulary.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from dealcoach.answers.amounts import AmountError, read_amount
from dealcoach.answers.record import MAX_VALUE, AnswersRecord, copy_record
from dealcoach.dates import check_range, parse_date
from dealcoach.errors import BadDate
from dealcoach.vocabulary import (
    Budget,
    DealType,
    Journey,
    NumberFormat,
    Owner,
    Role,
    Sector,
    Stage,
    Stance,
    StopReason,
    Strategy,
)


def _read_date(value: Any, info: ValidationInfo) -> Any:
    """Dates in answers may be natural phrases, read against the run's `today`."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, date) and not isinstance(value, datetime):
            return check_range(value)
        if isinstance(value, str):
            return parse_date(value, (info.context or {}).get("today") or date.today())
    except BadDate as exc:
        raise ValueError(exc.message) from None
    raise ValueError("expected a date such as 2026-12-03 or 'in 2 weeks'")


def _read_value(value: Any, info: ValidationInfo) -> Any:
    """An amount as the rep writes it (`answers/amounts.py`), read with the run's number_format."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        number_format = NumberFormat((info.context or {}).get("number_format") or "us")
        try:
            number = read_amount(value, number_format).value
        except AmountError as exc:
            raise ValueError(f"{value.strip()!r}: {exc}") from None
    else:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError("expected a number such as 48000") from None
    if not number.is_finite():
        raise ValueError("expected a finite number")
    if number < 0:
        raise ValueError("must be 0 or more")
    if number >= MAX_VALUE:
        raise ValueError("is too large (at most 999,999,999,999,999)")
    return number


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


DateIn = Annotated[date | None, BeforeValidator(_read_date)]
Text = Annotated[str, BeforeValidator(_text)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False, validate_default=False)


class DealAnswers(Section):
    account: Text = Field(min_length=1)
    title: Text = ""
    value: Annotated[Decimal | None, BeforeValidator(_read_value)] = None
    currency: Text | None = None
    stage: Stage = Stage.lead
    source: Text = ""
    type: DealType = DealType.new
    sector: Sector | None = None
    renewal_notice: DateIn = None
    strategy: Strategy = Strategy.hybrid
    meeting_date: DateIn = None
    meeting_note: Text | None = None  # added key: what happened in the meeting, kept on its touch

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if not value:
            return None
        if len(value) != 3 or not value.isalpha() or not value.isascii():
            raise ValueError("expected a three-letter currency code such as USD or EUR")
        return value.upper()


class Stakeholder(Section):
    name: Text = Field(min_length=1)
    title: Text = ""
    role: Role | None = None
    met: bool = False
    stance: Stance | None = None


class BuyerStep(Section):
    step: Text = Field(min_length=1)
    owner: Owner = Owner.buyer
    bring: Text = ""
    date: DateIn = None


class When(Section):
    decision_date: DateIn = None
    compelling_event: Text = ""
    budget_cycle: Text = ""


class How(Section):
    criteria: list[Text] = Field(default_factory=list)
    metrics: Text = ""
    alternatives: list[Text] = Field(default_factory=list)
    budget: Budget = Budget.unknown
    funding: Text = ""

    @field_validator("criteria", "alternatives", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("criteria", "alternatives")
    @classmethod
    def _drop_empty(cls, value: list[str]) -> list[str]:
        return [item for item in value if item]


class Readiness(Section):
    journey: Journey | None = None
    pain: int | None = Field(default=None, ge=1, le=5, strict=True)
    fit: bool | None = None


class NextStep(Section):
    agreed: bool = False
    what: Text = ""
    date: DateIn = None


class Signals(Section):
    stop_reason: StopReason = StopReason.none
    until: DateIn = None  # the buyer's own date, e.g. "no budget until July" (added key)


class Answers(Section):
    """One interview, as the answers file and the interactive interview both produce it."""

    deal: DealAnswers
    who: list[Stakeholder] = Field(default_factory=list)
    what: list[BuyerStep] = Field(default_factory=list)
    when: When = Field(default_factory=When)
    how: How = Field(default_factory=How)
    readiness: Readiness = Field(default_factory=Readiness)
    next_step: NextStep = Field(default_factory=NextStep)
    signals: Signals = Field(default_factory=Signals)

    def to_document(self) -> dict[str, Any]:
        """The answers as a JSON-ready document, in the answers-file schema."""
        return self.model_dump(mode="json", exclude_none=True)


__all__ = [
    "Answers",
    "BuyerStep",
    "DateIn",
    "DealAnswers",
    "How",
    "NextStep",
    "Readiness",
    "Section",
    "Signals",
    "Stakeholder",
    "Text",
    "When",
]


def record_of(answers: Answers) -> AnswersRecord:
    """The plain record of answers this schema has checked: its values as they are, never refused."""
    return copy_record(AnswersRecord, answers)
