"""The answers as plain records (`answer_record`) say exactly what the answers schema says.

The planner and the verdict read stored answers as records, without pydantic; the schema
(`models.Answers`) checks what comes in. If the two ever disagreed, a deal would be judged on
answers other than the ones the rep gave: these tests compare them field by field.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import MISSING, fields, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from dealcoach.answers import record as ar
from dealcoach.answers import schema as models
from dealcoach.store.store import Store
from tests.clirun import rows
from tests.strategies import TODAY, answer_documents

PAIRS = [
    (models.Answers, ar.AnswersRecord),
    (models.DealAnswers, ar.DealRecord),
    (models.Stakeholder, ar.StakeholderRecord),
    (models.BuyerStep, ar.StepRecord),
    (models.When, ar.WhenRecord),
    (models.How, ar.HowRecord),
    (models.Readiness, ar.ReadinessRecord),
    (models.NextStep, ar.NextStepRecord),
    (models.Signals, ar.SignalsRecord),
]


@pytest.mark.parametrize(("model", "record"), PAIRS, ids=[m.__name__ for m, _ in PAIRS])
def test_each_record_has_the_schemas_fields_and_defaults(
    model: type[BaseModel], record: type[Any]
) -> None:
    ours = {f.name: f for f in fields(record)}
    assert list(ours) == list(model.model_fields)
    for name, info in model.model_fields.items():
        field = ours[name]
        if info.is_required():
            assert field.default is MISSING and field.default_factory is MISSING, name
            continue
        default = field.default if field.default_factory is MISSING else field.default_factory()
        expected = info.get_default(call_default_factory=True)
        if isinstance(expected, BaseModel):
            expected = ar._read(type(default), expected.model_dump(mode="json", exclude_none=True))
        assert default == expected, name


def _same(record: Any, model: Any) -> None:
    """Every value of the record equals the schema's, with the same type (enums, dates, Decimal)."""
    if is_dataclass(record):
        for item in fields(record):
            _same(getattr(record, item.name), getattr(model, item.name))
    elif isinstance(record, list):
        assert len(record) == len(model)
        for mine, theirs in zip(record, model, strict=True):
            _same(mine, theirs)
    else:
        assert (type(record), record) == (type(model), model)


def _schema(document: dict[str, Any]) -> models.Answers:
    return models.Answers.model_validate(document, context={"today": TODAY})


@given(answer_documents())
def test_a_stored_document_reads_as_the_schema_reads_it(document: dict[str, Any]) -> None:
    answers = _schema(document)
    record = ar.from_document(json.loads(json.dumps(answers.to_document())))
    _same(record, answers)
    assert ar.to_document(record) == answers.to_document()  # `show --json` prints either


MESSY = [
    ("deal", "account", "  Acme  "),
    ("deal", "currency", "usd"),
    ("deal", "currency", ""),
    ("deal", "value", 48000),
    ("deal", "value", "48,000"),
    ("deal", "value", "1E+3"),
    ("deal", "value", "-5"),
    ("deal", "value", "1000000000000000"),
    ("deal", "meeting_date", "in 2 weeks"),
    ("deal", "meeting_date", "2026-1-5"),
    ("deal", "meeting_date", "1900-01-01"),
    ("deal", "stage", "Closing"),
    ("deal", "surprise", "x"),
    ("how", "criteria", "price, adoption"),
    ("how", "criteria", ["price", ""]),
    ("how", "criteria", [" price"]),
    ("readiness", "pain", 7),
    ("readiness", "pain", True),
    ("readiness", "fit", "yes"),
    ("next_step", "agreed", 1),
    ("signals", "until", "next July"),
    ("when", "decision_date", None),
]


@pytest.mark.parametrize(("section", "key", "value"), MESSY)
def test_a_document_not_in_stored_form_is_left_to_the_schema(
    section: str, key: str, value: Any
) -> None:
    """Either the record refuses it (and the schema reads it) or both read it the same."""
    document: dict[str, Any] = {"deal": {"account": "Acme"}}
    document[section] = {**document.get(section, {}), key: value}
    try:
        record = ar.from_document(document)
    except ar.NotARecord:
        return
    _same(record, _schema(document))


@given(
    st.sampled_from(MESSY),
    answer_documents(),
)
def test_messy_values_never_read_differently(
    mess: tuple[str, str, Any], base: dict[str, Any]
) -> None:
    section, key, value = mess
    document = json.loads(json.dumps(base))
    document.setdefault(section, {})[key] = value
    try:
        record = ar.from_document(document)
    except ar.NotARecord:
        return
    try:
        answers = _schema(document)
    except ValidationError:
        pytest.fail(f"the record read a document the schema refuses: {mess}")
    _same(record, answers)


def test_the_store_reads_an_imported_messy_interview_through_the_schema(tmp_path: Path) -> None:
    """`import` stores the answers text as given; the planner still sees the schema's reading."""
    db = tmp_path / "deals.db"
    document = {
        "deal": {"account": " Acme ", "currency": "eur", "value": "48,000"},
        "how": {"criteria": "price, adoption"},
        "when": {"decision_date": "2027-01-04"},
    }
    with Store.open(db) as store, store.db.write():
        deal_id = store.interviews.save(_schema(document), today=TODAY, kind="answers")
    with sqlite3.connect(db) as conn:  # what `import --from dealcoach` may store
        conn.execute(
            "UPDATE interviews SET answers = ? WHERE deal_id = ?", (json.dumps(document), deal_id)
        )
    assert json.loads(rows(db, "SELECT answers FROM interviews")[0][0]) == document
    with Store.open(db) as store:
        record = store.interviews.latest_record(deal_id)
        answers = store.interviews.latest_answers(deal_id)
    assert record is not None and answers is not None
    _same(record, answers)
    assert record.deal.currency == "EUR" and record.how.criteria == ["price", "adoption"]
    assert record.when.decision_date == date(2027, 1, 4)


@pytest.mark.parametrize(
    "value", ["2e6", "1E+3", "-0", "0.0000001", "1.1234567890123"]
)  # 1_000 is refused (tests/test_amounts.py)
def test_every_value_the_schema_accepts_is_read_back_from_the_store(
    tmp_path: Path, value: str
) -> None:
    """Exponents and long decimals are stored as pydantic writes them ("2E+6"); the planner
    must still read them (a refusal here was an internal error on every daily command)."""
    answers = _schema({"deal": {"account": "Acme", "value": value}})
    db = tmp_path / "deals.db"
    with Store.open(db) as store, store.db.write():
        deal_id = store.interviews.save(answers, today=TODAY, kind="answers")
    with Store.open(db) as store:
        record = store.interviews.latest_record(deal_id)
    assert record is not None
    _same(record, answers)
    _same(models.record_of(answers), answers)


@given(
    answer_documents(), st.sampled_from(["2e6", "-0", "0.0000001", "12.5", "3.14159265358979323"])
)
def test_record_of_reads_every_checked_document(document: dict[str, Any], value: str) -> None:
    document["deal"]["value"] = value
    answers = _schema(document)
    _same(models.record_of(answers), answers)
    assert ar.to_document(models.record_of(answers)) == answers.to_document()  # show --json
