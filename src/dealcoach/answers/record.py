"""One interview's answers as the domain reads them: plain records, no pydantic.

The answers schema (`answers/schema.py`) checks what a rep types or a file holds, and needs
pydantic (about 80 ms to import). What the store already holds was checked when it was written, so
the planner and the verdict read it back as these records instead: same names, same defaults, the
same vocabulary (`vocabulary.py`). `tests/test_answer_record.py` holds the two together.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from types import NoneType, UnionType
from typing import Any, get_args, get_origin, get_type_hints

from dealcoach.dates import EARLIEST, LATEST
from dealcoach.vocabulary import (
    Budget,
    DealType,
    Journey,
    Owner,
    Role,
    Sector,
    Stage,
    Stance,
    StopReason,
    Strategy,
)


@dataclass(frozen=True)
class DealRecord:
    account: str
    title: str = ""
    value: Decimal | None = None
    currency: str | None = None
    stage: Stage = Stage.lead
    source: str = ""
    type: DealType = DealType.new
    sector: Sector | None = None
    renewal_notice: date | None = None
    strategy: Strategy = Strategy.hybrid
    meeting_date: date | None = None
    meeting_note: str | None = None


@dataclass(frozen=True)
class StakeholderRecord:
    name: str
    title: str = ""
    role: Role | None = None
    met: bool = False
    stance: Stance | None = None


@dataclass(frozen=True)
class StepRecord:
    step: str
    owner: Owner = Owner.buyer
    bring: str = ""
    date: date | None = None


@dataclass(frozen=True)
class WhenRecord:
    decision_date: date | None = None
    compelling_event: str = ""
    budget_cycle: str = ""


@dataclass(frozen=True)
class HowRecord:
    criteria: list[str] = field(default_factory=list)
    metrics: str = ""
    alternatives: list[str] = field(default_factory=list)
    budget: Budget = Budget.unknown
    funding: str = ""


@dataclass(frozen=True)
class ReadinessRecord:
    journey: Journey | None = None
    pain: int | None = None
    fit: bool | None = None


@dataclass(frozen=True)
class NextStepRecord:
    agreed: bool = False
    what: str = ""
    date: date | None = None


@dataclass(frozen=True)
class SignalsRecord:
    stop_reason: StopReason = StopReason.none
    until: date | None = None


@dataclass(frozen=True)
class AnswersRecord:
    """The answers of one interview (`models.Answers` once checked), read-only."""

    deal: DealRecord
    who: list[StakeholderRecord] = field(default_factory=list)
    what: list[StepRecord] = field(default_factory=list)
    when: WhenRecord = field(default_factory=WhenRecord)
    how: HowRecord = field(default_factory=HowRecord)
    readiness: ReadinessRecord = field(default_factory=ReadinessRecord)
    next_step: NextStepRecord = field(default_factory=NextStepRecord)
    signals: SignalsRecord = field(default_factory=SignalsRecord)


class NotARecord(ValueError):
    """The document is not in the form `Answers.to_document` writes: check it with pydantic."""


def from_document(document: Any) -> AnswersRecord:
    """The record of a stored answers document, as `Answers.to_document` wrote it.

    Anything else (a natural-language date, a missing required key, an unknown key) raises
    NotARecord, and the caller reads the document through the answers schema instead.
    """
    return _read(AnswersRecord, document)


def to_document(record: Any) -> Any:
    """The record as `Answers.to_document` writes the same answers: JSON-ready, no None values."""
    if is_dataclass(record):
        return {
            item.name: to_document(value)
            for item in fields(record)
            if (value := getattr(record, item.name)) is not None
        }
    if isinstance(record, list):
        return [to_document(item) for item in record]
    if isinstance(record, StrEnum):
        return record.value
    if isinstance(record, (date, Decimal)):
        return str(record)
    return record


def copy_record(kind: Any, value: Any) -> Any:
    """`value` (checked by the schema) copied into the record type `kind`, field by field."""
    if is_dataclass(kind):
        hints = _hints(kind)
        return kind(
            **{f.name: copy_record(hints[f.name], getattr(value, f.name)) for f in fields(kind)}
        )
    if isinstance(value, list):
        (inner,) = get_args(kind)
        return [copy_record(inner, item) for item in value]
    if get_origin(kind) is UnionType and value is not None:
        (inner,) = [arg for arg in get_args(kind) if arg is not NoneType]
        return copy_record(inner, value)
    return value


def _read(kind: Any, value: Any) -> Any:
    if is_dataclass(kind):
        if not isinstance(value, dict):
            raise NotARecord(kind.__name__)
        hints = _hints(kind)
        if not hints.keys() >= value.keys():
            raise NotARecord(f"unknown key in {kind.__name__}")
        if not value.keys() >= _required(kind):
            raise NotARecord(f"a key missing in {kind.__name__}")
        record = kind(**{name: _read(hints[name], item) for name, item in value.items()})
        _check(record)
        return record
    origin = get_origin(kind)
    if origin is UnionType:
        if value is None and NoneType in get_args(kind):
            return None
        (inner,) = [arg for arg in get_args(kind) if arg is not NoneType]
        return _read(inner, value)
    if origin is list:
        if not isinstance(value, list):
            raise NotARecord("list")
        (inner,) = get_args(kind)
        items = [_read(inner, item) for item in value]
        if "" in items:
            raise NotARecord("an empty item")  # the schema drops them
        return items
    return _scalar(kind, value)


def _scalar(kind: Any, value: Any) -> Any:
    """A value in the form `to_document` writes it, else NotARecord (the schema would change it)."""
    if kind is bool or kind is int:
        if type(value) is not kind:
            raise NotARecord(f"{value!r} for {kind.__name__}")
        return value
    if type(value) is not str:
        raise NotARecord(f"{value!r} for {kind}")
    if kind is str:
        if value != value.strip():
            raise NotARecord("untrimmed text")
        return value
    if kind is date:
        if not _ISO_DATE.fullmatch(value):
            raise NotARecord("date")
        day = date.fromisoformat(value)
        if not EARLIEST <= day <= LATEST:
            raise NotARecord("date out of range")
        return day
    if kind is Decimal:
        if not _NUMBER.fullmatch(value):
            raise NotARecord("number")
        number = Decimal(value)  # as the schema reads it: "2E+6", "-0" and long decimals too
        if not number.is_finite() or number < 0 or number >= MAX_VALUE:
            raise NotARecord("value")
        return number
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        try:
            return kind(value)
        except ValueError:
            raise NotARecord(kind.__name__) from None
    raise NotARecord(f"{value!r} for {kind}")


def _check(record: Any) -> None:
    """The checks of the schema that are not about one value's form."""
    for name in _required(type(record)):
        if getattr(record, name) == "":
            raise NotARecord(f"empty {name}")
    currency = record.currency if isinstance(record, DealRecord) else None
    if currency is not None and not _CURRENCY.fullmatch(currency):
        raise NotARecord("currency")
    pain = record.pain if isinstance(record, ReadinessRecord) else None
    if pain is not None and not 1 <= pain <= 5:
        raise NotARecord("pain")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?")  # what to_document writes
_CURRENCY = re.compile(r"[A-Z]{3}")
MAX_VALUE = Decimal("1e15")  # deal values are below it (the schema says why)


@cache
def _required(kind: type) -> frozenset[str]:
    return frozenset(
        f.name for f in fields(kind) if f.default is MISSING and f.default_factory is MISSING
    )


@cache
def _hints(kind: type) -> dict[str, Any]:
    return get_type_hints(kind)


def step_keys(names: list[str]) -> list[str]:
    """Stable keys for a deal's buyer steps: the normalised name, numbered when repeated."""
    keys: list[str] = []
    for name in names:
        base = re.sub(r"[^0-9a-z]+", "-", " ".join(name.lower().split())).strip("-") or "step"
        key, n = base, 2
        while key in keys:
            key, n = f"{base}-{n}", n + 1
        keys.append(key)
    return keys
