"""Telling a damaged database from a bug: the pages (`quick_check`, `integrity_check`), the
tables and columns the commands need, and the words of SQLite's errors that mean damage.

Looked at only when something failed, or by `backup`, `restore` and `doctor`: never on the
path of an ordinary command that works.
"""

from __future__ import annotations

import sqlite3

# The tables and columns the commands read, as the migrations leave them; looked at only after a
# command failed, to tell a damaged schema from a bug (tests/test_care.py checks the mirror).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "deals": ("id", "account", "title", "value", "currency", "stage", "source", "type", "sector",
              "strategy", "status", "close_reason", "closed_on", "created", "updated",
              "qualified", "decision_date", "snoozed_until", "kept_until", "external_source",
              "external_id", "crm_owner", "crm_next_step", "decision", "confidence", "reasons",
              "valid_until", "check_back", "verdict_since", "resolved_strategy", "strategy_why",
              "fields", "win_probability", "win_factors"),
    "followups": ("id", "deal_id", "key", "due", "channel", "who", "purpose", "bring",
                  "milestone", "milestone_date", "outline", "anchor", "covers", "counts",
                  "status", "snoozed_until", "sent_on", "created", "changed", "sequence"),
    "interviews": ("id", "deal_id", "date", "taken_on", "kind", "answers", "decision_date"),
    "models": ("id", "trained", "signature", "base_rate", "model"),
    "stakeholders": ("id", "deal_id", "position", "name", "title", "role", "met", "stance"),
    "steps": ("id", "deal_id", "position", "key", "step", "owner", "bring", "date"),
    "touches": ("id", "deal_id", "date", "kind", "inbound", "replied", "who", "note",
                "followup_id", "followup_key", "owe", "owe_closed_on", "away_until", "signal",
                "signal_until"),
}  # fmt: skip
DAMAGE_SIGNS = ("no such table", "no such column", "malformed", "corrupt", "has no column")


def damage_of(conn: sqlite3.Connection, pragma: str) -> str:
    """What `PRAGMA quick_check` or `integrity_check` found, in a few words; empty when ok."""
    found = [" ".join(str(row[0]).split()) for row in conn.execute(f"PRAGMA {pragma}(3)")]
    return "" if found == ["ok"] else "; ".join(found)[:160]


def missing_schema(conn: sqlite3.Connection) -> list[str]:
    """The tables (`deals`) and columns (`deals.account`) that a damaged file has lost."""
    found: dict[str, set[str]] = {}
    for table, column in conn.execute(
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p"
        " WHERE m.type = 'table'"
    ):
        found.setdefault(table, set()).add(column)
    missing: list[str] = []
    for table, columns in TABLE_COLUMNS.items():
        if table not in found:
            missing.append(table)
        else:
            missing.extend(f"{table}.{c}" for c in columns if c not in found[table])
    return missing


# The cells the store reads back as dates, JSON or numbers: a value that does not parse was
# written outside dealcoach (or damaged), and would crash the command that reads it.
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "deals": ("closed_on", "created", "updated", "decision_date", "snoozed_until", "kept_until",
              "valid_until", "check_back", "verdict_since"),
    "followups": ("due", "milestone_date", "snoozed_until", "sent_on", "created",
                  "changed"),
    "interviews": ("date", "taken_on", "decision_date"),
    "steps": ("date",),
    "touches": ("date", "owe_closed_on", "away_until", "signal_until"),
}  # fmt: skip
JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "deals": ("reasons",),
    "followups": ("covers",),
    "interviews": ("answers",),
}
NUMBER_COLUMNS: dict[str, tuple[str, ...]] = {"deals": ("confidence",)}


def unreadable_cells(conn: sqlite3.Connection) -> list[str]:
    """`table.column (N rows)` for every column holding values the store cannot read back."""
    tests = [
        *(
            (t, c, f"typeof({c}) != 'text' OR date({c}) IS NOT {c}")
            for t, cs in DATE_COLUMNS.items()
            for c in cs
        ),
        *(
            (t, c, f"typeof({c}) != 'text' OR NOT json_valid({c})")
            for t, cs in JSON_COLUMNS.items()
            for c in cs
        ),
        *(
            (t, c, f"typeof({c}) NOT IN ('integer', 'real')")
            for t, cs in NUMBER_COLUMNS.items()
            for c in cs
        ),
    ]
    found: list[str] = []
    for table, column, bad in tests:
        (count,) = conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL AND {column} != ''"
            f" AND ({bad})"
        ).fetchone()
        if count:
            found.append(f"{table}.{column} ({count} row{'s' if count > 1 else ''})")
    return found
