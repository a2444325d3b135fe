"""What the learner reads and keeps: the deals as training and scoring rows, the stored model, and
each open deal's win probability.

The model is one row of `models` (the newest wins), with the signature of the closed deals it
learned from: when that no longer matches the closed deals, the model is out of date and no
command reads it. Scores live on the deal row so that the daily reads never score.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from dealcoach.store.connection import Connection, Row

# the touch counts the learner reads: answered (inbound, or an outbound touch that got a reply)
# and unanswered (an outbound email or call without one); notes are the rep's own
_DEAL_ROWS = """
SELECT d.id, d.status, d.value, d.currency, d.type, d.source, d.sector, d.strategy,
       d.resolved_strategy, d.stage, d.external_source, d.crm_owner, d.created,
       d.decision_date, d.fields,
       (SELECT i.answers FROM interviews i WHERE i.deal_id = d.id
         ORDER BY i.taken_on DESC, i.id DESC LIMIT 1) AS answers,
       (SELECT count(*) FROM touches t WHERE t.deal_id = d.id
         AND (t.inbound OR t.replied)) AS touches_replied,
       (SELECT count(*) FROM touches t WHERE t.deal_id = d.id
         AND NOT t.inbound AND NOT t.replied AND t.kind != 'note') AS touches_unanswered
FROM deals d
"""


@dataclass(frozen=True)
class StoredModel:
    trained: str
    signature: str
    base_rate: float
    model: str  # the model's JSON text, read by learn.model


@dataclass(frozen=True)
class ClosedCounts:
    closed: int
    won: int
    lost: int  # lost and let go
    signature: str


class Learning:
    """The learner's rows, its stored model and the deals' scores, on one connection."""

    def __init__(self, db: Connection) -> None:
        self._db = db
        self._model: StoredModel | None = None
        self._model_read = False
        self._counts: tuple[tuple[int, int], ClosedCounts] | None = None

    def closed_counts(self) -> ClosedCounts:
        """How many deals closed, how, and a signature that changes whenever the set does.

        Read again only after a write (ours, or another process's commit): `next` asks once per
        deal it judges again."""
        stamp = (
            self._db.sqlite.total_changes,
            self._db.execute("PRAGMA data_version").fetchone()[0],
        )
        if self._counts is not None and self._counts[0] == stamp:
            return self._counts[1]
        row = self._db.row(
            "SELECT count(*) AS closed, total(status = 'won') AS won, total(id) AS ids,"
            " total(CASE WHEN status = 'won' THEN id ELSE 0 END) AS won_ids,"
            " max(closed_on) AS last"
            " FROM deals WHERE status != 'open'"
        )
        assert row is not None
        closed, won = int(row["closed"]), int(row["won"])
        signature = f"{closed}:{won}:{int(row['ids'])}:{int(row['won_ids'])}:{row['last'] or ''}"
        counts = ClosedCounts(closed, won, closed - won, signature)
        self._counts = (stamp, counts)
        return counts

    def let_go_count(self) -> int:
        row = self._db.row("SELECT count(*) AS n FROM deals WHERE status = 'let_go'")
        return int(row["n"]) if row else 0

    def current_base_rate(self) -> float | None:
        """The base rate of the stored model while it knows every closed deal; else None."""
        stored = self.model()
        if stored is None or stored.signature != self.closed_counts().signature:
            return None
        return stored.base_rate

    def rows(self, *, closed: bool) -> Iterator[Row]:
        """The closed deals (training) or the open ones (scoring), with what the learner reads."""
        where = "WHERE d.status != 'open'" if closed else "WHERE d.status = 'open'"
        for row in self._db.execute(_DEAL_ROWS + where + " ORDER BY d.id"):
            yield _learning_row(row)

    def row(self, deal_id: int) -> Row | None:
        found = self._db.execute(_DEAL_ROWS + "WHERE d.id = ?", (deal_id,)).fetchone()
        return None if found is None else _learning_row(found)

    def model(self) -> StoredModel | None:
        """The newest stored model, read once per open store."""
        if not self._model_read:
            row = self._db.row(
                "SELECT trained, signature, base_rate, model FROM models ORDER BY id DESC LIMIT 1"
            )
            self._model = None if row is None else StoredModel(**row)
            self._model_read = True
        return self._model

    def save_model(self, model: StoredModel) -> None:
        """Call inside `db.write()`: the model replaces the one before."""
        self._db.execute("DELETE FROM models")
        self._db.insert(
            "models",
            {
                "trained": model.trained,
                "signature": model.signature,
                "base_rate": model.base_rate,
                "model": model.model,
            },
        )
        self._model, self._model_read = model, True

    def forget_model(self) -> None:
        """Call inside `db.write()`: no model (too few closed deals), so no scores either."""
        self._db.execute("DELETE FROM models")
        self._db.execute(
            "UPDATE deals SET win_probability = NULL, win_factors = NULL"
            " WHERE win_probability IS NOT NULL OR win_factors IS NOT NULL"
        )
        self._model, self._model_read = None, True

    def save_scores(self, scores: Iterable[tuple[int, float | None, Sequence[Row]]]) -> None:
        """Call inside `db.write()`: (deal id, probability, factors) for each deal scored."""
        self._db.tuples().executemany(
            "UPDATE deals SET win_probability = ?, win_factors = ? WHERE id = ?",
            (
                (
                    probability,
                    json.dumps(list(factors), ensure_ascii=False) if factors else None,
                    deal_id,
                )
                for deal_id, probability, factors in scores
            ),
        )

    def review_open(self) -> list[Row]:
        """The open deals as the pipeline review reads them."""
        return self._db.rows(
            "SELECT id, account, value, currency, stage, decision_date, win_probability,"
            " decision, reasons, resolved_strategy FROM deals WHERE status = 'open' ORDER BY id"
        )

    def review_closed(self) -> list[Row]:
        """The closed deals, each with the first answer that came after it closed (if any)."""
        return self._db.rows(
            "SELECT d.id, d.account, d.status, d.stage, d.resolved_strategy, d.closed_on,"
            " (SELECT min(t.date) FROM touches t WHERE t.deal_id = d.id"
            "   AND (t.inbound OR t.replied) AND t.date > d.closed_on) AS came_back"
            " FROM deals d WHERE d.status != 'open' ORDER BY d.id"
        )

    def below(self, probability: float) -> set[int]:
        """The open deals scored under this probability."""
        rows = self._db.execute(
            "SELECT id FROM deals WHERE status = 'open' AND win_probability < ?", (probability,)
        )
        return {int(row[0]) for row in rows}

    def clear_closed_scores(self) -> None:
        """A closed deal carries no win probability: its outcome is known."""
        self._db.execute(
            "UPDATE deals SET win_probability = NULL, win_factors = NULL"
            " WHERE status != 'open' AND win_probability IS NOT NULL"
        )


def _learning_row(row: Row) -> Row:
    found = dict(row)
    found["fields"] = _fields(found.get("fields"))
    return found


def _fields(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
