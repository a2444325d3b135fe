"""The database schema, as sqlite-utils migrations: append new ones, never edit a released one.

`connection.Connection.open` runs `migrations.apply()` inside its own `BEGIN IMMEDIATE`, so
sqlite-utils' per-migration `atomic()` becomes a savepoint of that one locked transaction and two
processes opening a fresh file cannot race. Every migration ends by setting `PRAGMA user_version` to its own number, so
read-only commands can check the schema version without importing sqlite-utils.
"""

from __future__ import annotations

import sqlite_utils

APPLICATION_ID = 0x4443_4F41  # "DCOA": marks a file as a dealcoach database
SCHEMA_VERSION = 3  # the number of migrations below, mirrored in PRAGMA user_version

migrations = sqlite_utils.Migrations("dealcoach")


def _set_version(db: sqlite_utils.Database, number: int) -> None:
    """PRAGMA takes no bound parameters; `number` is a literal of this module, never user text."""
    db.execute(f"PRAGMA user_version = {int(number)}")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The whole first schema: deals with their stored verdict, the interview history, the plan."""
    db.execute(f"PRAGMA application_id = {int(APPLICATION_ID)}")
    db.executescript(
        """
        CREATE TABLE deals (
            id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            title TEXT,
            value TEXT,
            currency TEXT,
            stage TEXT,
            source TEXT,
            type TEXT,
            sector TEXT,
            strategy TEXT,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'won', 'lost', 'let_go')),
            close_reason TEXT,
            closed_on TEXT,
            created TEXT NOT NULL,
            updated TEXT,
            qualified INTEGER NOT NULL,
            decision_date TEXT,
            snoozed_until TEXT,
            kept_until TEXT,
            external_source TEXT,
            external_id TEXT,
            crm_owner TEXT,
            crm_next_step TEXT,
            decision TEXT,
            confidence REAL,
            reasons TEXT,
            valid_until TEXT,
            check_back TEXT,
            verdict_since TEXT,
            resolved_strategy TEXT,
            strategy_why TEXT
        );
        CREATE INDEX deals_status_valid_until ON deals (status, valid_until);
        CREATE INDEX deals_account ON deals (account);
        CREATE UNIQUE INDEX deals_external ON deals (external_source, external_id)
            WHERE external_id IS NOT NULL;

        CREATE TABLE stakeholders (
            id INTEGER PRIMARY KEY,
            deal_id INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            title TEXT,
            role TEXT,
            met INTEGER NOT NULL DEFAULT 0,
            stance TEXT
        );
        CREATE INDEX stakeholders_deal ON stakeholders (deal_id, position);

        CREATE TABLE steps (
            id INTEGER PRIMARY KEY,
            deal_id INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            key TEXT NOT NULL,
            step TEXT NOT NULL,
            owner TEXT,
            bring TEXT,
            date TEXT,
            UNIQUE (deal_id, key)
        );

        CREATE TABLE interviews (
            id INTEGER PRIMARY KEY,
            deal_id INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            taken_on TEXT NOT NULL,
            kind TEXT NOT NULL,
            answers TEXT NOT NULL,
            decision_date TEXT
        );
        CREATE INDEX interviews_deal ON interviews (deal_id, taken_on);

        CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            deal_id INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            due TEXT NOT NULL,
            channel TEXT,
            who TEXT,
            purpose TEXT,
            bring TEXT,
            milestone TEXT,
            milestone_date TEXT,
            outline TEXT,
            anchor TEXT,
            covers TEXT,
            counts INTEGER NOT NULL DEFAULT 1,
            status TEXT NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'done', 'dropped')),
            snoozed_until TEXT,
            sent_on TEXT,
            created TEXT NOT NULL,
            changed TEXT NOT NULL,
            sequence INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX followups_planned_key ON followups (deal_id, key)
            WHERE status = 'planned';
        CREATE INDEX followups_status_due ON followups (status, due);
        CREATE INDEX followups_deal ON followups (deal_id);

        CREATE TABLE touches (
            id INTEGER PRIMARY KEY,
            deal_id INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            kind TEXT NOT NULL,
            inbound INTEGER NOT NULL DEFAULT 0,
            replied INTEGER NOT NULL DEFAULT 0,
            who TEXT,
            note TEXT,
            followup_id INTEGER REFERENCES followups (id) ON DELETE SET NULL,
            followup_key TEXT,
            owe TEXT,
            owe_closed_on TEXT,
            away_until TEXT,
            signal TEXT,
            signal_until TEXT
        );
        CREATE INDEX touches_deal_date ON touches (deal_id, date);
        """
    )
    _set_version(db, 1)


@migrations()
def m002_followup_and_account_indexes(db: sqlite_utils.Database) -> None:
    """Per-deal plan reads and deal names by account without scanning (measured in benchmarks/)."""
    db.executescript(
        """
        CREATE INDEX followups_deal_status_due ON followups (deal_id, status, due);
        CREATE INDEX deals_open_account ON deals (account COLLATE NOCASE) WHERE status = 'open';
        """
    )
    _set_version(db, 2)


@migrations()
def m003_fields_and_win_probability(db: sqlite_utils.Database) -> None:
    """Issue 14: a CRM's custom columns on the deal; the learned model, and each open deal's win
    probability scored with it (stored, so the daily reads never score)."""
    db.executescript(
        """
        ALTER TABLE deals ADD COLUMN fields TEXT;
        ALTER TABLE deals ADD COLUMN win_probability REAL;
        ALTER TABLE deals ADD COLUMN win_factors TEXT;
        CREATE TABLE models (
            id INTEGER PRIMARY KEY,
            trained TEXT NOT NULL,
            signature TEXT NOT NULL,
            base_rate REAL NOT NULL,
            model TEXT NOT NULL
        );
        """
    )
    _set_version(db, 3)
