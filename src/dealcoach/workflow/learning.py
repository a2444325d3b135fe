"""Where the learner meets the store on the daily path: score deals with the stored model, and
say what the reads may show.

Scoring is plain Python over the stored coefficients (`learn/model.py`), and its result is stored
on the deal row, so the daily reads only read a column. After every write to a deal, `rescore`
scores it again (`workflow/replan.py`). Training lives in `workflow/relearn.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dealcoach.learn.facts import LearningFacts, facts_from, features
from dealcoach.learn.model import Model, gate_reason, score
from dealcoach.store.learning import StoredModel
from dealcoach.store.store import Store

_PARSED: dict[tuple[str, str], Model] = {}  # one parse of a stored model per process


@dataclass(frozen=True)
class Odds:
    """What the reads may say about win probabilities today."""

    usable: bool  # the stored scores come from a model that knows every closed deal
    base_rate: float | None
    reason: str | None  # why there is no probability, when there is none


def odds(store: Store) -> Odds:
    """Whether today's stored scores may be shown: a model that learned from every closed deal."""
    counts = store.learning.closed_counts()
    stored = store.learning.model()
    reason = gate_reason(counts.closed, counts.won, counts.lost)
    if reason is not None:
        return Odds(False, None, reason)
    if stored is None:
        return Odds(False, None, "no model yet; run dealcoach learn")
    if stored.signature != counts.signature:
        return Odds(
            False,
            stored.base_rate,
            "the model is older than the last closed deal; run dealcoach learn",
        )
    return Odds(True, stored.base_rate, None)


def with_odds(row: Mapping[str, Any], found: Odds) -> dict[str, Any]:
    """The deal's row as the reads show it: its stored probability while the model is current;
    else none, with the reason (a closed deal's outcome is known: it has neither)."""
    shown = dict(row)
    if shown.get("status") != "open":
        shown.update(win_probability=None, win_factors=None, win_note=None)
    elif not found.usable:
        shown.update(win_probability=None, win_factors=None, win_note=found.reason)
    elif shown.get("win_probability") is None:
        shown["win_note"] = "not scored yet; run dealcoach learn"
    else:
        shown["win_note"] = None
    return shown


def rescore(store: Store, deal_ids: Iterable[int], *, home_currency: str) -> int:
    """Call inside `db.write()`: score these deals again with the current model (plain Python)."""
    model = current_model(store)
    if model is None:
        return 0
    scores: list[tuple[int, float | None, list[dict[str, Any]]]] = []
    for deal_id in deal_ids:
        row = store.learning.row(deal_id)
        if row is None:
            continue
        if row["status"] != "open":
            scores.append((deal_id, None, []))
            continue
        scores.append(scored(model, row, home_currency))
    store.learning.save_scores(scores)
    return len(scores)


def score_open(store: Store, model: Model, *, home_currency: str) -> int:
    """Call inside `db.write()`: score every open deal with a model just trained."""
    scores = [scored(model, row, home_currency) for row in store.learning.rows(closed=False)]
    store.learning.save_scores(scores)
    store.learning.clear_closed_scores()
    return len(scores)


def current_model(store: Store) -> Model | None:
    """The stored model when it knows every closed deal, parsed once per process."""
    stored = store.learning.model()
    if stored is None or stored.signature != store.learning.closed_counts().signature:
        return None
    return parsed(stored)


def remember(stored: StoredModel, model: Model) -> None:
    """A model just trained and stored: no need to parse it back."""
    _PARSED.clear()
    _PARSED[(stored.signature, stored.model)] = model


def parsed(stored: StoredModel) -> Model:
    key = (stored.signature, stored.model)
    model = _PARSED.get(key)
    if model is None:
        _PARSED.clear()
        model = _PARSED[key] = Model.from_json(json.loads(stored.model))
    return model


def scored(
    model: Model, row: Mapping[str, Any], home_currency: str
) -> tuple[int, float | None, list[dict[str, Any]]]:
    """(deal id, probability, factors) of one open deal's learning row."""
    found = score(model, features(learning_facts(row, home_currency)))
    factors = [{"factor": f.factor, "effect": f.effect} for f in found.factors]
    return int(row["id"]), round(found.probability, 6), factors


def learning_facts(row: Mapping[str, Any], home_currency: str) -> LearningFacts:
    return facts_from(
        row,
        _answers(row.get("answers")),
        home_currency=home_currency,
        touches_replied=int(row.get("touches_replied") or 0),
        touches_unanswered=int(row.get("touches_unanswered") or 0),
    )


def _answers(text: str | None) -> Any:
    """The newest interview as plain records; a document not in dealcoach's own form counts as
    no interview here (the learner never loads pydantic on the daily path)."""
    if not text:
        return None
    from dealcoach.answers.record import NotARecord, from_document

    try:
        return from_document(json.loads(text))
    except (NotARecord, ValueError, TypeError):
        return None
