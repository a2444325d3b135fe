"""Training: on `learn`, and after every write that changes the closed deals, so that no command
reads a model older than the last closed deal.

This is the only workflow that loads scikit-learn (through `learn/train.py`). A new model can
raise or clear a deal's `low_odds`: those deals are judged again in the same write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dealcoach.domain.verdict import LOW_ODDS_SHARE
from dealcoach.learn.facts import FIELD_PREFIX, features, unused_reason
from dealcoach.learn.model import gate_reason
from dealcoach.store.learning import StoredModel
from dealcoach.store.store import Store
from dealcoach.workflow.learning import current_model, learning_facts, remember, score_open
from dealcoach.workflow.replan import replan

if TYPE_CHECKING:
    from dealcoach.workflow.context import Context


@dataclass(frozen=True)
class Learned:
    """What a training did: the report for `learn`, or the reason there is no model."""

    report: dict[str, Any] | None
    reason: str | None
    scored: int = 0  # open deals scored


def learn(ctx: Context) -> Learned:
    """Train now on every closed deal and score every open one (the `learn` command)."""
    with ctx.open_store() as store, store.db.write():
        return train_now(ctx, store)


def refresh(ctx: Context, store: Store) -> Learned | None:
    """Call inside `db.write()` after the closed deals may have changed: retrain when they did.

    None when the model was already current, or there was none and still cannot be.
    """
    counts = store.learning.closed_counts()
    stored = store.learning.model()
    if stored is not None and stored.signature == counts.signature:
        store.learning.clear_closed_scores()
        return None
    if stored is None and gate_reason(counts.closed, counts.won, counts.lost) is not None:
        return None
    return train_now(ctx, store)


def rescore_all(ctx: Context, store: Store) -> None:
    """Call inside `db.write()` after an import: retrain if deals closed, else score every open
    deal with the current model (imports write many deals at once, so all are scored)."""
    if refresh(ctx, store) is None:
        model = current_model(store)
        if model is not None:
            score_open(store, model, home_currency=ctx.settings.home_currency)


def train_now(ctx: Context, store: Store) -> Learned:
    """Call inside `db.write()`: the model, the open deals' scores and their verdicts change
    together."""
    home_currency, today = ctx.settings.home_currency, ctx.today
    counts = store.learning.closed_counts()
    low_before = _low_odds_deals(store)
    reason = gate_reason(counts.closed, counts.won, counts.lost)
    if reason is not None:
        store.learning.forget_model()
        _rejudge(ctx, store, low_before)
        counts_only = {
            "closed": counts.closed,
            "won": counts.won,
            "lost": counts.lost,
            "let_go": store.learning.let_go_count(),
        }
        base = counts.won / counts.closed if counts.closed else None
        return Learned({"counts": counts_only, "base_rate": base}, reason)
    from dealcoach.learn.train import Example, train  # scikit-learn: the learning path only

    examples = []
    unused: dict[str, str] = {}
    for row in store.learning.rows(closed=True):
        facts = learning_facts(row, home_currency)
        for name in facts.fields:
            if name not in unused and (why := unused_reason(name)) is not None:
                unused[name] = why
        examples.append(
            Example(
                features=features(facts),
                won=row["status"] == "won",
                let_go=row["status"] == "let_go",
                stage=row["stage"],
            )
        )
    learned = train(examples, trained_on=today)
    if learned.model is None:  # the trainer's own gate agrees with the counts; kept as a guard
        store.learning.forget_model()
        return Learned(dict(learned.report), learned.reason)
    report = dict(learned.report)
    report["left_out"] = [
        *report.get("left_out", []),
        *({"feature": FIELD_PREFIX + name, "why": why} for name, why in sorted(unused.items())),
    ]
    stored = StoredModel(
        trained=today.isoformat(),
        signature=counts.signature,
        base_rate=learned.model.base_rate,
        model=json.dumps(learned.model.to_json(), ensure_ascii=False),
    )
    store.learning.save_model(stored)
    remember(stored, learned.model)
    scored = score_open(store, learned.model, home_currency=home_currency)
    _rejudge(ctx, store, low_before ^ _low_odds_deals(store))
    return Learned(report, None, scored)


def _low_odds_deals(store: Store) -> set[int]:
    """The open deals whose stored probability is under half the current base rate."""
    base_rate = store.learning.current_base_rate()
    if base_rate is None:
        return set()
    return store.learning.below(base_rate * LOW_ODDS_SHARE)


def _rejudge(ctx: Context, store: Store, deal_ids: Iterable[int]) -> None:
    for deal_id in sorted(deal_ids):
        replan(store, deal_id, ctx.today, ctx.settings, ctx.calendar)
