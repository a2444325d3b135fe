"""Every released schema version opens in this dealcoach with every row kept.

tests/fixtures/schema-vN.db is a database written by the release whose schema was version N
(three example deals, a done follow-up, an owed item, a closed deal). Never regenerate one: add a
new fixture for each new schema version instead.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from dealcoach.store.connection import SCHEMA_VERSION

from .clirun import invoke

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-v*.db"))
TABLES = ["deals", "stakeholders", "steps", "interviews", "followups", "touches"]


def contents(db: Path) -> dict[str, list[dict[str, object]]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return {
            t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in TABLES
        }


def test_there_is_a_fixture_for_every_version() -> None:
    versions = {int(p.stem.removeprefix("schema-v")) for p in FIXTURES}
    assert versions == set(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_an_old_database_upgrades_keeping_every_row(fixture: Path, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(fixture, db)
    db.chmod(0o600)  # as dealcoach made it; git checks fixtures out 0644
    before = contents(db)
    result = invoke("--db", str(db), "doctor", "--json")
    assert result.exit_code == 0, result.stdout
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["schema"]["detail"] == f"version {SCHEMA_VERSION}"
    after = contents(db)
    for table in TABLES:
        assert len(after[table]) == len(before[table])
        for old, new in zip(before[table], after[table], strict=True):
            assert {k: new[k] for k in old} == old, f"{table} row {old['id']} changed"
    agenda = invoke("--db", str(db), "--today", "2026-11-25", "next", "--json")
    assert agenda.exit_code == 0 and json.loads(agenda.stdout)["due"]
