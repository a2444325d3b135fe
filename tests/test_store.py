"""The store against real SQLite files: opening, refusing, migrating, and each read and write."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dealcoach.answers.schema import Answers
from dealcoach.errors import BadInput, NotFound, StoreError
from dealcoach.records import PlannedFollowUp, Reason, Slot, StrategyChoice, Verdict
from dealcoach.store import connection as connection_module
from dealcoach.store import migrations as schema
from dealcoach.store.connection import APPLICATION_ID, MIGRATION_NAMES, SCHEMA_VERSION
from dealcoach.store.store import Store
from dealcoach.vocabulary import Decision, Strategy, TouchKind

TODAY = date(2026, 11, 23)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "dealcoach.db"


@pytest.fixture
def store(db_path: Path) -> Any:
    with Store.open(db_path) as opened:
        yield opened


def answers(account: str = "Acme", **sections: Any) -> Answers:
    """Minimal answers: a `deal` section with the account, plus any other sections given."""
    deal = {"account": account, **sections.pop("deal", {})}
    return Answers.model_validate({"deal": deal, **sections}, context={"today": TODAY})


def raw(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the file behind the store's back, with a separate plain connection."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def followup(key: str, due: date, **changes: Any) -> PlannedFollowUp:
    values: dict[str, Any] = {
        "key": key,
        "due": due,
        "channel": "email",
        "who": "Dana",
        "purpose": "recap",
        "bring": "the mutual plan",
        "milestone": None,
        "outline": "goal, open points, plan",
        "anchor": due.isoformat(),  # by default the date moves with its anchor
    }
    values.update(changes)
    return PlannedFollowUp(**values)


# --------------------------------------------------------------------------- opening


def test_fresh_file_is_private_wal_and_marked(db_path: Path) -> None:
    Store.open(db_path).close()

    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert raw(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert raw(db_path, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert raw(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert raw(db_path, "SELECT migration_set, name FROM _sqlite_migrations") == [
        ("dealcoach", name) for name in MIGRATION_NAMES
    ]
    tables = {row[0] for row in raw(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"deals", "stakeholders", "steps", "interviews", "followups", "touches"} <= tables


def test_connection_settings(store: Store) -> None:
    conn = store.db.sqlite
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_reopening_is_idempotent(db_path: Path) -> None:
    with Store.open(db_path) as first:
        deal_id = first.interviews.save(answers(), today=TODAY, kind="full")
    with Store.open(db_path) as second:
        assert second.deals.get(deal_id)["account"] == "Acme"
    Store.open(db_path).close()

    assert raw(db_path, "SELECT count(*) FROM _sqlite_migrations") == [(len(MIGRATION_NAMES),)]
    assert raw(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_mirrors_in_store_agree_with_migrations() -> None:
    import sqlite_utils

    names = [m.name for m in schema.migrations.pending(sqlite_utils.Database(memory=True))]
    assert tuple(names) == connection_module.MIGRATION_NAMES
    assert schema.APPLICATION_ID == APPLICATION_ID
    assert schema.SCHEMA_VERSION == SCHEMA_VERSION == len(names)


def test_opening_an_up_to_date_database_does_not_import_sqlite_utils(db_path: Path) -> None:
    Store.open(db_path).close()
    code = (
        "import sys; from pathlib import Path; from dealcoach.store.store import Store; "
        "Store.open(Path(sys.argv[1])).close(); print('sqlite_utils' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(db_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "content",
    [
        b"account,value\nAcme,100\n",
        bytes(range(256)) * 8,
        b"SQLite format 3\x00" + b"\xff" * 200,
    ],
    ids=["text", "random-bytes", "sqlite-header-then-garbage"],
)
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)

    with pytest.raises(StoreError) as caught:
        Store.open(path)

    assert (
        caught.value.message == f"{path} is not a dealcoach database; pass --db with another file"
    )
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    before = path.read_bytes()

    with pytest.raises(StoreError, match="is not a dealcoach database; pass --db"):
        Store.open(path)

    assert path.read_bytes() == before
    assert raw(path, "PRAGMA journal_mode") == [("delete",)]


def test_a_sqlite_file_with_another_application_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    before = path.read_bytes()

    with pytest.raises(StoreError, match="not a dealcoach database"):
        Store.open(path)
    assert path.read_bytes() == before


def test_an_empty_file_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    Store.open(path).close()
    assert raw(path, "PRAGMA application_id") == [(APPLICATION_ID,)]


def test_a_database_with_an_unknown_migration_is_newer(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('dealcoach', 'm999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()

    with pytest.raises(StoreError) as caught:
        Store.open(db_path)
    assert caught.value.message == (
        f"{db_path} was written by a newer dealcoach; upgrade dealcoach"
    )


def test_a_database_with_a_higher_user_version_is_newer(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()

    with pytest.raises(StoreError, match="newer dealcoach; upgrade dealcoach"):
        Store.open(db_path)


@pytest.mark.parametrize("below", ["dealcoach.db", "sub/dealcoach.db"])
def test_a_path_under_a_regular_file_is_refused(tmp_path: Path, below: str) -> None:
    """CI runs as root, where chmod cannot make a folder unwritable: a file in the way can."""
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    path = blocker / below

    with pytest.raises(StoreError) as caught:
        Store.open(path)

    assert caught.value.message == (
        f"cannot create {path}: a file is in the way of its folder; pass --db with another path"
    )
    assert blocker.read_text() == "not a folder"


def test_a_full_disk_gives_a_one_line_error(store: Store) -> None:
    """A full disk, simulated by capping the file at its current size."""
    pages = store.db.sqlite.execute("PRAGMA page_count").fetchone()[0]
    store.db.sqlite.execute(f"PRAGMA max_page_count = {pages}")
    big = answers(deal={"title": "x" * 100_000})

    with pytest.raises(StoreError) as caught:
        store.interviews.save(big, today=TODAY, kind="full")

    assert (
        caught.value.message == f"cannot write {store.db.path}: the disk is full; free some space"
    )
    assert store.deals.all() == []


def test_a_folder_as_the_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder; pass --db with a file"):
        Store.open(tmp_path)


RACER = """
import sys
from pathlib import Path
from dealcoach.store.store import Store
print("ready", flush=True)
sys.stdin.readline()
Store.open(Path(sys.argv[1])).close()
print("ok", flush=True)
"""


@pytest.mark.parametrize("round_", range(2))
def test_racing_opens_of_a_fresh_file_all_succeed(tmp_path: Path, round_: int) -> None:
    """Ten processes, already started and imported, open the same new file at once."""
    path = tmp_path / f"race{round_}" / "dealcoach.db"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(10)
    ]
    try:
        for racer in racers:
            assert racer.stdout is not None
            assert racer.stdout.readline().strip() == "ready"
        for racer in racers:
            assert racer.stdin is not None
            racer.stdin.write("go\n")
            racer.stdin.flush()
        results = [racer.communicate(timeout=60) for racer in racers]
    finally:
        for racer in racers:
            if racer.poll() is None:
                racer.kill()
    for racer, (out, err) in zip(racers, results, strict=True):
        assert racer.returncode == 0, err
        assert out.strip() == "ok"
    assert raw(path, "SELECT name FROM _sqlite_migrations") == [(n,) for n in MIGRATION_NAMES]
    assert raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


# --------------------------------------------------------------------------- transactions


def test_write_rolls_back_everything_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.db.write():
        store.interviews.save(answers(), today=TODAY, kind="full")
        raise RuntimeError("boom")

    assert store.deals.all() == []
    assert store.db.sqlite.execute("SELECT count(*) FROM interviews").fetchone()[0] == 0
    assert store.db.sqlite.execute("SELECT count(*) FROM touches").fetchone()[0] == 0
    assert not store.db.sqlite.in_transaction


def test_nested_writes_join_the_outer_transaction(store: Store, db_path: Path) -> None:
    with store.db.write():
        first = store.interviews.save(answers("Acme"), today=TODAY, kind="full")
        with pytest.raises(ValueError), store.db.write():
            store.interviews.save(answers("Beta"), today=TODAY, kind="full")
            raise ValueError("inner only")
        # Not yet visible to another connection: one transaction until the outer block ends.
        assert raw(db_path, "SELECT count(*) FROM deals") == [(0,)]

    assert [deal["id"] for deal in store.deals.all()] == [first]
    assert raw(db_path, "SELECT account FROM deals") == [("Acme",)]


def test_a_busy_database_gives_a_one_line_error(db_path: Path) -> None:
    Store.open(db_path).close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(db_path, busy_timeout_ms=50) as busy, pytest.raises(StoreError) as caught:  # noqa: SIM117
            with busy.db.write():
                pass
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert caught.value.message == "the database is busy (another dealcoach is writing); try again"


# --------------------------------------------------------------------------- interviews


FULL = {
    "deal": {
        "title": "Reading platform",
        "value": "48000.10",
        "currency": "usd",
        "stage": "opportunity",
        "source": "inbound",
        "sector": "public",
        "meeting_date": "2026-11-20",
    },
    "who": [
        {"name": "Dana Ruiz", "role": "champion", "met": True, "stance": "supportive"},
        {"name": "Lee Park", "role": "decision_maker"},
    ],
    "what": [
        {"step": "Teacher survey", "date": "2026-12-01", "bring": "survey template"},
        {"step": "Board  Presentation!", "owner": "both", "date": "2026-12-03"},
    ],
    "when": {"decision_date": "2026-12-15"},
}


def test_save_interview_creates_a_deal(store: Store) -> None:
    deal_id = store.interviews.save(answers("Lincoln USD", **FULL), today=TODAY, kind="full")

    deal = store.deals.get(deal_id)
    assert deal["account"] == "Lincoln USD"
    assert deal["value"] == Decimal("48000.10")
    assert deal["currency"] == "USD"
    assert deal["stage"] == "opportunity"
    assert deal["sector"] == "public"
    assert deal["status"] == "open"
    assert deal["qualified"] == 1
    assert deal["created"] == "2026-11-23"
    assert deal["decision_date"] == "2026-12-15"
    assert store.db.sqlite.execute("SELECT value FROM deals").fetchone()[0] == "48000.10"

    assert [
        (s["position"], s["name"], s["role"], s["met"])
        for s in store.interviews.stakeholders(deal_id)
    ] == [
        (1, "Dana Ruiz", "champion", 1),
        (2, "Lee Park", "decision_maker", 0),
    ]
    assert [(s["key"], s["owner"], s["date"]) for s in store.interviews.steps(deal_id)] == [
        ("teacher-survey", "buyer", "2026-12-01"),
        ("board-presentation", "both", "2026-12-03"),
    ]
    (interview,) = store.interviews.all(deal_id)
    assert (interview["date"], interview["taken_on"], interview["kind"]) == (
        "2026-11-20",
        "2026-11-23",
        "full",
    )
    (touch,) = store.plans.touches(deal_id)
    assert (touch.date, touch.kind, touch.note, touch.two_way) == (
        date(2026, 11, 20),
        TouchKind.meeting,
        "qualify",
        True,
    )
    assert store.interviews.latest_answers(deal_id) == answers("Lincoln USD", **FULL)


def test_requalify_keeps_history_and_replaces_people_and_steps(store: Store) -> None:
    deal_id = store.interviews.save(answers("Acme", **FULL), today=TODAY, kind="full")
    steps_before = {s["key"]: s["id"] for s in store.interviews.steps(deal_id)}
    later = {
        "deal": {"stage": "closing", "meeting_date": "2026-12-04"},
        "who": [{"name": "Sam Lo", "role": "economic_buyer"}],
        "what": [
            {"step": "board presentation", "date": "2026-12-10"},
            {"step": "Security review"},
            {"step": "Security review"},
        ],
        "when": {"decision_date": "2027-01-15"},
    }

    same = store.interviews.save(
        answers("Acme", **later), today=date(2026, 12, 5), kind="answers", deal_id=deal_id
    )

    assert same == deal_id
    assert len(store.deals.all()) == 1
    deal = store.deals.get(deal_id)
    assert (deal["stage"], deal["value"], deal["decision_date"], deal["created"]) == (
        "closing",
        None,
        "2027-01-15",
        "2026-11-23",
    )
    assert [s["name"] for s in store.interviews.stakeholders(deal_id)] == ["Sam Lo"]
    steps = store.interviews.steps(deal_id)
    assert [s["key"] for s in steps] == [
        "board-presentation",
        "security-review",
        "security-review-2",
    ]
    assert steps[0]["id"] == steps_before["board-presentation"]
    assert steps[0]["date"] == "2026-12-10"
    assert [i["kind"] for i in store.interviews.all(deal_id)] == ["full", "answers"]
    facts = store.plans.facts(deal_id, home_currency="USD")
    assert facts.decision_dates == (date(2026, 12, 15), date(2027, 1, 15))
    assert facts.qualified_on == date(2026, 12, 5)
    assert [t.date for t in store.plans.touches(deal_id)] == [date(2026, 11, 20), date(2026, 12, 4)]
    latest = store.interviews.latest_answers(deal_id)
    assert latest is not None and latest.deal.stage == "closing"


def test_the_same_meeting_is_recorded_once(store: Store) -> None:
    deal_id = store.interviews.save(answers(), today=TODAY, kind="full")
    store.interviews.save(answers(), today=TODAY, kind="quick", deal_id=deal_id)

    assert len(store.plans.touches(deal_id)) == 1
    assert len(store.interviews.all(deal_id)) == 2


def test_save_interview_refuses_unknown_deals_and_kinds(store: Store) -> None:
    with pytest.raises(NotFound, match="no deal D7"):
        store.interviews.save(answers(), today=TODAY, kind="full", deal_id=7)
    with pytest.raises(BadInput, match="unknown interview kind"):
        store.interviews.save(answers(), today=TODAY, kind="long")
    assert store.deals.all() == []


def test_latest_answers_of_an_unqualified_deal_is_none(store: Store) -> None:
    deal_id = store.interviews.save(answers(), today=TODAY, kind="full")
    store.db.sqlite.execute("DELETE FROM interviews")
    assert store.interviews.latest_answers(deal_id) is None


# --------------------------------------------------------------------------- facts


def test_facts_collect_what_the_domain_reads(store: Store) -> None:
    ids = [
        store.interviews.save(
            answers(name, deal={"value": value, "currency": currency}), today=TODAY, kind="full"
        )
        for name, value, currency in [
            ("A", 100, "USD"),
            ("B", 300, "USD"),
            ("C", 10_000, "EUR"),
            ("D", 200, "USD"),
            ("E", 5_000, "USD"),
        ]
    ]
    with store.db.write():
        store.db.sqlite.execute("UPDATE deals SET status = 'lost' WHERE account = 'E'")
        store.db.sqlite.execute(
            "UPDATE deals SET snoozed_until = '2026-12-20', decision = 'nurture',"
            " check_back = '2027-02-01' WHERE id = ?",
            (ids[0],),
        )
        for day, kind, note in [
            ("2026-11-25", "email", "second"),
            ("2026-11-24", "call", "first"),
            ("2026-11-25", "note", "third"),
        ]:
            store.db.sqlite.execute(
                "INSERT INTO touches (deal_id, date, kind, note, owe, owe_closed_on)"
                " VALUES (?, ?, ?, ?, 'pricing', '2026-11-26')",
                (ids[0], day, kind, note),
            )
        store.db.sqlite.execute(
            "INSERT INTO followups (deal_id, key, due, status, created, changed)"
            " VALUES (?, 'recap:2026-11-23', '2026-11-24', 'done', '2026-11-23', '2026-11-24')",
            (ids[0],),
        )

    facts = store.plans.facts(ids[0], home_currency="usd")

    assert facts.created == TODAY
    assert facts.answers is not None and facts.answers.deal.account == "A"
    assert [t.note for t in facts.touches] == ["qualify", "first", "second", "third"]
    assert facts.touches[1].owe == "pricing"
    assert facts.touches[1].owe_closed_on == date(2026, 11, 26)
    assert facts.sent_keys == frozenset({"recap:2026-11-23"})
    assert facts.snoozed_until == date(2026, 12, 20)
    assert facts.median_value == Decimal(200)
    assert facts.home_currency == "USD"
    assert facts.stored_check_back == date(2027, 2, 1)
    assert store.plans.facts(ids[1], home_currency="GBP").median_value is None


def test_facts_carry_the_current_decision_date_and_whether_the_deal_is_open(
    store: Store,
) -> None:
    deal_id = store.interviews.save(
        answers(when={"decision_date": "2026-12-15"}), today=TODAY, kind="full"
    )
    assert store.plans.facts(deal_id, home_currency="USD").decision_date == date(2026, 12, 15)
    assert store.plans.facts(deal_id, home_currency="USD").is_open
    # a CRM moved it: the verdict reads the new date, as the deal's row holds it
    with store.db.write():
        store.db.update("deals", deal_id, {"decision_date": "2027-01-20"})
        store.interviews.record_decision_date(deal_id, date(2027, 1, 20), today=TODAY)
    facts = store.plans.facts(deal_id, home_currency="USD")
    assert facts.decision_date == date(2027, 1, 20)
    assert facts.answers is not None and facts.answers.when.decision_date == date(2027, 1, 20)
    store.deals.close(deal_id, "lost", reason="", on=TODAY)
    assert not store.plans.facts(deal_id, home_currency="USD").is_open


def test_facts_carry_the_slots_offered_to_the_other_open_deals(store: Store) -> None:
    ids = [store.interviews.save(answers(name), today=TODAY, kind="full") for name in "ABCDE"]
    offered = {
        ids[0]: "Wed 2026-11-25 10:00 or Thu 2026-11-26 14:00",
        ids[1]: "Fri 2026-11-27 09:30 or Mon 2026-11-30 11:00",
        ids[2]: "Tue 2026-12-01 15:00 or Wed 2026-12-02 16:30",  # a closed deal's
    }
    for deal_id, slots in offered.items():
        bring = f"Recap; propose a next step with two slots: {slots}"
        store.plans.save(deal_id, [followup("recap:2026-11-23", TODAY, bring=bring)], today=TODAY)
    sent = followup("recap:2026-11-23", TODAY, bring=f"two slots: {offered[ids[2]]}")
    store.plans.save(ids[4], [sent], today=TODAY)
    with store.db.write():
        store.db.sqlite.execute("UPDATE deals SET status = 'lost' WHERE id = ?", (ids[2],))
        store.db.sqlite.execute("UPDATE followups SET status = 'done' WHERE deal_id = ?", (ids[4],))
    pair = {deal_id: Slot.found_in(text) for deal_id, text in offered.items()}

    facts = store.plans.facts(ids[3], home_currency="USD")

    assert facts.deal_id == ids[3]
    assert facts.taken_slots == (pair[ids[0]], pair[ids[1]])
    assert store.plans.facts(ids[0], home_currency="USD").taken_slots == (pair[ids[1]],)
    # a plan saved in the same session is seen by the next deal planned (as `next` plans many)
    store.plans.save(ids[1], [], today=TODAY)
    assert store.plans.facts(ids[3], home_currency="USD").taken_slots == (pair[ids[0]],)


# --------------------------------------------------------------------------- names


@pytest.fixture
def named(store: Store) -> dict[str, int]:
    made: dict[str, int] = {}
    for account, title in [
        ("Acme", "Reading"),
        ("Acme", "Math"),
        ("Acme Corp", ""),
        ("Beta Industries", ""),
        ("Betamax", ""),
        ("100% Foods", ""),
        ("A_B Corp", ""),
        ("AxB Corp", ""),
        ("Zeta", ""),
        ("Zenith", ""),
    ]:
        deal_id = store.interviews.save(
            answers(account, deal={"title": title}), today=TODAY, kind="full"
        )
        made[f"{account}/{title}" if title else account] = deal_id
    with store.db.write():
        store.db.sqlite.execute("UPDATE deals SET status = 'won' WHERE id = ?", (made["Zenith"],))
    return made


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", "Beta Industries"),
        ("D4", "Beta Industries"),
        ("d4", "Beta Industries"),
        (" acme corp ", "Acme Corp"),
        ("BETAMAX", "Betamax"),
        ("beta i", "Beta Industries"),
        ("ze", "Zeta"),  # a prefix among open deals wins over closed ones
        ("zen", "Zenith"),  # then among all deals
        ("acme/read", "Acme/Reading"),
        ("Acme/Math", "Acme/Math"),
        ("100%", "100% Foods"),
        ("a_b", "A_B Corp"),
    ],
)
def test_resolve_deal(store: Store, named: dict[str, int], text: str, expected: str) -> None:
    assert store.deals.resolve(text) == named[expected]


def test_an_ambiguous_name_lists_the_candidates(store: Store, named: dict[str, int]) -> None:
    with pytest.raises(NotFound) as caught:
        store.deals.resolve("acme")
    assert caught.value.message == (
        "'acme' matches several deals: D1 Acme/Reading, D2 Acme/Math; use the id or account/title"
    )
    with pytest.raises(
        NotFound, match="'bet' matches several deals: D4 Beta Industries, D5 Betamax"
    ):
        store.deals.resolve("bet")


def test_an_unknown_name_says_how_to_fix_it(store: Store, named: dict[str, int]) -> None:
    with pytest.raises(NotFound) as caught:
        store.deals.resolve("corp")
    assert caught.value.message == (
        "no deal matches 'corp'; candidates: D3 Acme Corp, D7 A_B Corp, D8 AxB Corp"
    )
    with pytest.raises(NotFound, match=r"^no deal D99; see dealcoach list$"):
        store.deals.resolve("D99")
    for wildcard in ("%", "_", "a%", "ax_", "1_0"):
        with pytest.raises(NotFound):
            store.deals.resolve(wildcard)
    with pytest.raises(NotFound, match="no deal name given"):
        store.deals.resolve("  ")


def test_candidates_are_capped_at_five(store: Store) -> None:
    for n in range(7):
        store.interviews.save(answers(f"Shop {n}"), today=TODAY, kind="full")
    with pytest.raises(NotFound) as caught:
        store.deals.resolve("shop")
    assert caught.value.message.count(", D") == 4
    assert "+2 more" in caught.value.message


# --------------------------------------------------------------------------- the plan


def test_same_anchor_keeps_the_due_date_so_overdue_stays_overdue(store: Store) -> None:
    deal_id = store.interviews.save(answers(), today=TODAY, kind="full")
    store.plans.save(deal_id, [followup("cadence:1", date(2026, 11, 24), anchor="h1")], today=TODAY)
    later = date(2026, 11, 27)
    kept = store.plans.save(deal_id, [followup("cadence:1", later, anchor="h1")], today=later)
    assert kept[0]["due"] == "2026-11-24"
    moved = store.plans.save(deal_id, [followup("cadence:1", later, anchor="h2")], today=later)
    assert moved[0]["due"] == "2026-11-27"


def test_reschedule_moves_overdue_rows_to_the_new_date(store: Store) -> None:
    deal_id = store.interviews.save(answers(), today=TODAY, kind="full")
    store.plans.save(deal_id, [followup("recap:x", date(2026, 11, 24), anchor="m")], today=TODAY)
    later = date(2026, 12, 1)
    same = store.plans.save(deal_id, [followup("recap:x", later, anchor="m")], today=later)
    assert same[0]["due"] == "2026-11-24"
    rows = store.plans.save(
        deal_id, [followup("recap:x", later, anchor="m")], today=later, reschedule=True
    )
    assert rows[0]["due"] == "2026-12-01"


def test_save_plan_upserts_by_key(store: Store) -> None:
    deal_id = store.interviews.save(answers(), today=TODAY, kind="full")
    first = store.plans.save(
        deal_id,
        [
            followup("recap:2026-11-23", date(2026, 11, 24)),
            followup("before:board", date(2026, 12, 1)),
            followup("cadence:1", date(2026, 11, 30)),
        ],
        today=TODAY,
    )
    assert [row["key"] for row in first] == ["recap:2026-11-23", "cadence:1", "before:board"]
    ids = {row["key"]: row["id"] for row in first}
    with store.db.write():
        store.db.sqlite.execute(
            "UPDATE followups SET status = 'done', sent_on = '2026-11-24' WHERE id = ?",
            (ids["recap:2026-11-23"],),
        )
        store.db.sqlite.execute(
            "UPDATE followups SET snoozed_until = '2026-12-02' WHERE id = ?",
            (ids["before:board"],),
        )
    done_before = store.plans.followup(ids["recap:2026-11-23"])

    later = date(2026, 11, 25)
    second = store.plans.save(
        deal_id,
        [
            followup("before:board", date(2026, 12, 2), bring="the case study"),
            followup("after:board", date(2026, 12, 7)),
            followup("recap:2026-11-23", date(2026, 11, 26)),
        ],
        today=later,
    )

    by_key = {row["key"]: row for row in second}
    assert set(by_key) == {"before:board", "after:board", "recap:2026-11-23"}
    board = by_key["before:board"]
    assert board["id"] == ids["before:board"]
    assert (board["due"], board["bring"], board["snoozed_until"]) == (
        "2026-12-02",
        "the case study",
        "2026-12-02",
    )
    assert (board["sequence"], board["changed"], board["created"]) == (
        1,
        "2026-11-25",
        "2026-11-23",
    )
    assert by_key["after:board"]["sequence"] == 0
    assert by_key["after:board"]["created"] == "2026-11-25"
    assert by_key["recap:2026-11-23"]["id"] not in ids.values()  # a new row; the sent one is frozen
    assert store.plans.followup(ids["recap:2026-11-23"]) == done_before
    dropped = store.plans.followup(ids["cadence:1"])
    assert (dropped["status"], dropped["sequence"], dropped["changed"]) == (
        "dropped",
        1,
        "2026-11-25",
    )

    third = store.plans.save(
        deal_id,
        [
            followup("before:board", date(2026, 12, 2), bring="the case study"),
            followup("after:board", date(2026, 12, 7)),
            followup("recap:2026-11-23", date(2026, 11, 26)),
            followup("cadence:1", date(2026, 11, 30)),
        ],
        today=date(2026, 11, 26),
    )
    again = {row["key"]: row for row in third}
    assert again["before:board"] == board  # unchanged: no new sequence, no new changed date
    revived = again["cadence:1"]
    assert (revived["id"], revived["status"], revived["sequence"]) == (
        ids["cadence:1"],
        "planned",
        2,
    )
    assert store.plans.planned(deal_id) == third


def test_save_plan_refuses_repeated_keys(store: Store) -> None:
    deal_id = store.interviews.save(answers(), today=TODAY, kind="full")
    with pytest.raises(ValueError, match="repeats"):
        store.plans.save(deal_id, [followup("a", TODAY), followup("a", TODAY)], today=TODAY)


def test_an_unknown_followup_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no follow-up F9"):
        store.plans.followup(9)


# --------------------------------------------------------------------------- the verdict


def test_save_verdict_announces_a_change_once(store: Store) -> None:
    deal_id = store.interviews.save(answers(), today=TODAY, kind="full")
    choice = StrategyChoice(Strategy.acceleration, "small deal")
    pursue = Verdict(
        Decision.pursue, 0.8, (Reason("next_step", "call on Dec 3"),), date(2026, 12, 3)
    )
    nurture = Verdict(
        Decision.nurture,
        0.6,
        (Reason("stop_reason", "back-burnered"),),
        date(2027, 2, 1),
        check_back=date(2027, 2, 1),
    )

    assert store.plans.save_verdict(deal_id, pursue, choice, today=TODAY) is None
    assert store.plans.save_verdict(deal_id, pursue, choice, today=date(2026, 11, 25)) is None
    assert store.deals.get(deal_id)["verdict_since"] == "2026-11-23"

    previous = store.plans.save_verdict(deal_id, nurture, choice, today=date(2026, 11, 27))
    assert previous == {
        "decision": "pursue",
        "reasons": [{"signal": "next_step", "detail": "call on Dec 3"}],
    }
    deal = store.deals.get(deal_id)
    assert (deal["decision"], deal["verdict_since"], deal["check_back"]) == (
        "nurture",
        "2026-11-27",
        "2027-02-01",
    )
    assert (deal["resolved_strategy"], deal["strategy_why"]) == ("acceleration", "small deal")
    assert store.plans.stored_verdict(deal_id) == nurture
    assert store.plans.save_verdict(deal_id, nurture, choice, today=date(2026, 11, 28)) is None


def test_unknown_deal_reads_are_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match=r"^no deal D3; see dealcoach list$"):
        store.deals.get(3)
    with pytest.raises(NotFound):
        store.plans.facts(3, home_currency="USD")


def test_deals_filters_by_status(store: Store) -> None:
    first = store.interviews.save(answers("A", deal={"value": 5}), today=TODAY, kind="full")
    second = store.interviews.save(answers("B"), today=TODAY, kind="full")
    with store.db.write():
        store.db.sqlite.execute("UPDATE deals SET status = 'won' WHERE id = ?", (second,))
    assert [d["id"] for d in store.deals.all("open")] == [first]
    assert [d["id"] for d in store.deals.all()] == [first, second]
    assert store.deals.all("open")[0]["value"] == Decimal(5)


def test_the_partial_unique_index_allows_repeated_keys_only_off_plan(store: Store) -> None:
    deal_id = store.interviews.save(answers(), today=TODAY, kind="full")
    insert = (
        "INSERT INTO followups (deal_id, key, due, status, created, changed)"
        " VALUES (?, 'k', '2026-12-01', ?, '2026-11-23', '2026-11-23')"
    )
    with store.db.write():
        for status in ("done", "dropped", "dropped", "planned"):
            store.db.sqlite.execute(insert, (deal_id, status))
    with pytest.raises(sqlite3.IntegrityError), store.db.write():
        store.db.sqlite.execute(insert, (deal_id, "planned"))


def test_the_files_we_create_stay_private(tmp_path: Path) -> None:
    """The -wal and -shm files SQLite makes take the database's mode."""
    path = tmp_path / "deep" / "er" / "dealcoach.db"
    with Store.open(path) as opened:
        opened.interviews.save(answers(), today=TODAY, kind="full")
        for side in path.parent.iterdir():
            assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0, side.name
