"""The morning's queries across all deals: what `next` re-judges, lists and announces.

Each is one indexed query over every open deal; the rules that pick among the rows (how long a
decision is announced, when a deal is stale) are the domain's and come in as parameters.
"""

from __future__ import annotations

from datetime import date, timedelta

from dealcoach.store.connection import Connection, Row


class Morning:
    """Read-only queries of the morning agenda, on the connection the deals share."""

    def __init__(self, db: Connection) -> None:
        self._db = db

    def deals_to_rejudge(self, today: date) -> list[int]:
        """Open, qualified deals whose stored verdict may have changed by today (indexed)."""
        rows = self._db.rows(
            "SELECT id FROM deals WHERE status = 'open' AND qualified = 1"
            " AND (decision IS NULL OR valid_until <= ?) ORDER BY id",
            (today.isoformat(),),
        )
        return [row["id"] for row in rows]

    def deals_with_overdue(self, today: date) -> list[int]:
        """Open deals with a planned follow-up due before today (what `next --replan` moves)."""
        rows = self._db.rows(
            "SELECT DISTINCT f.deal_id AS id FROM followups f JOIN deals d ON d.id = f.deal_id"
            " WHERE f.status = 'planned' AND f.due < ? AND d.status = 'open' ORDER BY f.deal_id",
            (today.isoformat(),),
        )
        return [row["id"] for row in rows]

    def due_followups(self, today: date) -> list[Row]:
        """Planned follow-ups of open deals due by today and not snoozed past it."""
        stamp = today.isoformat()
        return self._db.rows(
            "SELECT f.id, f.deal_id, f.key, f.due, f.channel, f.who, f.purpose, f.bring,"
            " f.milestone, f.milestone_date, f.outline, d.account, d.value, d.currency,"
            " d.stage, d.decision, d.confidence, d.resolved_strategy, d.decision_date,"
            " d.win_probability, d.win_factors"
            " FROM followups f JOIN deals d ON d.id = f.deal_id"
            " WHERE f.status = 'planned' AND f.due <= ? AND d.status = 'open'"
            " AND (f.snoozed_until IS NULL OR f.snoozed_until <= ?)"
            " AND (d.snoozed_until IS NULL OR d.snoozed_until <= ?)"
            " ORDER BY f.due, f.id",
            (stamp, stamp, stamp),
        )

    def next_due_date(self, today: date) -> str | None:
        """The first day after today on which a follow-up comes due (snoozes counted)."""
        row = self._db.row(
            "SELECT MIN(MAX(f.due, COALESCE(f.snoozed_until, f.due))) AS next"
            " FROM followups f JOIN deals d ON d.id = f.deal_id"
            " WHERE f.status = 'planned' AND d.status = 'open'"
            " AND MAX(f.due, COALESCE(f.snoozed_until, f.due)) > ?",
            (today.isoformat(),),
        )
        return row["next"] if row else None

    def decided_deals(self, today: date, *, announce_days: int) -> list[Row]:
        """Open deals the verdict would let go or nurture, that the rep has not kept or snoozed.

        A let-go stays listed until the rep acts; a nurture only for `announce_days` after the
        verdict came (the domain's `agenda.ANNOUNCE_DAYS`).
        """
        stamp = today.isoformat()
        recent = (today - timedelta(days=announce_days)).isoformat()
        return self._db.rows(
            "SELECT id, account, decision, reasons, verdict_since FROM deals"
            " WHERE status = 'open' AND decision IN ('let_go', 'nurture')"
            " AND (kept_until IS NULL OR kept_until <= ?)"
            " AND (snoozed_until IS NULL OR snoozed_until <= ?)"
            " AND (decision = 'let_go' OR verdict_since >= ?)"
            " ORDER BY verdict_since DESC, id",
            (stamp, stamp, recent),
        )

    def stale_candidates(self, today: date) -> list[Row]:
        """Open qualified deals with nothing ahead: no planned follow-up, no buyer step to come;
        not while kept or snoozed (quiet until the date, everywhere)."""
        stamp = today.isoformat()
        return self._db.rows(
            "SELECT d.id, d.account, d.stage, d.decision, d.reasons, d.verdict_since,"
            " COALESCE((SELECT MAX(t.date) FROM touches t WHERE t.deal_id = d.id), d.created)"
            " AS last_touch FROM deals d"
            " WHERE d.status = 'open' AND d.qualified = 1"
            " AND (d.kept_until IS NULL OR d.kept_until <= ?)"
            " AND (d.snoozed_until IS NULL OR d.snoozed_until <= ?)"
            " AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.deal_id = d.id"
            "   AND f.status = 'planned')"
            " AND NOT EXISTS (SELECT 1 FROM steps s WHERE s.deal_id = d.id AND s.date >= ?)"
            " ORDER BY d.id",
            (stamp, stamp, stamp),
        )

    def unqualified_deals(self, today: date) -> list[Row]:
        """Open deals no interview has qualified yet (such as deals added from a CRM); a snoozed
        one stays quiet until its date, as everywhere else."""
        return self._db.rows(
            "SELECT id, account, created FROM deals WHERE status = 'open' AND qualified = 0"
            " AND (snoozed_until IS NULL OR snoozed_until <= ?) ORDER BY id",
            (today.isoformat(),),
        )
