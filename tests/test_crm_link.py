"""A CRM import links to the deal already qualified by hand instead of duplicating it (issue 15)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.interop.crm import CrmDeal
from dealcoach.interop.crm_actions import crm_actions, describe

from .clirun import EXAMPLES, TODAY, invoke

HUBSPOT = EXAMPLES / "hubspot-deals.csv"
LINCOLN = ("Lincoln Unified School District", "Reading platform for 12 schools")
HEAD = "Record ID,Deal Name,Deal Stage,Close Date,Amount,Currency,Associated Company\n"


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    return dealcoach_home / "dealcoach.db"


def ok(*args: str) -> Any:
    result = invoke("--today", TODAY, *args)
    assert result.exit_code == 0, result.stderr
    return result


def deals(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT id, account, title, external_source, external_id FROM deals ORDER BY id"
        ).fetchall()


def csv(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "crm.csv"
    path.write_text(HEAD + "".join(f"{line}\n" for line in lines))
    return str(path)


def qualify_lincoln() -> None:
    ok("qualify", "--answers", str(EXAMPLES / "healthy-district.toml"))


def test_the_hubspot_example_links_to_the_deal_qualified_by_hand(db: Path) -> None:
    qualify_lincoln()
    interviews = json.loads(ok("show", "D1", "--json").stdout)["interviews"]
    dry = ok("import", str(HUBSPOT), "--from", "hubspot", "--dry-run")
    linked = [line for line in dry.stdout.splitlines() if line.startswith("link")]
    assert len(linked) == 1 and "D1 9001" in linked[0], dry.stdout
    created = [line for line in dry.stdout.splitlines() if line.startswith("create")]
    assert "9001" not in " ".join(created)
    assert deals(db)[0][3:] == (None, None)  # the dry run wrote nothing
    result = ok("import", str(HUBSPOT), "--from", "hubspot")
    assert "1 linked" in result.stderr
    rows = deals(db)
    assert rows[0] == (1, *LINCOLN, "hubspot", "9001")
    assert [r[1:3] for r in rows].count(LINCOLN) == 1  # no second Lincoln
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT crm_owner FROM deals WHERE id = 1").fetchone() == ("Alex Rep",)
    shown = json.loads(ok("show", "D1", "--json").stdout)
    assert shown["interviews"][: len(interviews)] == interviews  # the rep's interview stays
    again = ok("import", str(HUBSPOT), "--from", "hubspot")
    assert "0 new" in again.stderr and len(deals(db)) == len(rows)


def test_case_and_spaces_around_still_link(db: Path, tmp_path: Path) -> None:
    qualify_lincoln()
    ok(
        "import",
        csv(
            tmp_path,
            "77,  reading PLATFORM for 12 schools ,Closed Won,2027-01-15,48000,USD, lincoln unified school district",
        ),
        "--from",
        "hubspot",
    )
    rows = deals(db)
    assert len(rows) == 1 and rows[0][3:] == ("hubspot", "77")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM deals WHERE id = 1").fetchone() == ("won",)


def test_a_different_title_is_added_with_a_warning(db: Path, tmp_path: Path) -> None:
    qualify_lincoln()
    result = ok(
        "import",
        csv(
            tmp_path,
            "77,Library licences,Qualified To Buy,2027-01-15,9000,USD,Lincoln Unified School District",
        ),
        "--from",
        "hubspot",
    )
    assert len(deals(db)) == 2
    warning = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1 and "D1" in warning[0] and "77" in warning[0], result.stderr


def test_an_account_differing_in_inner_spacing_is_a_near_duplicate(
    db: Path, tmp_path: Path
) -> None:
    qualify_lincoln()
    result = ok(
        "import",
        csv(
            tmp_path,
            "77,Reading platform for 12 schools,Qualified To Buy,2027-01-15,9000,USD,Lincoln  Unified School District",
        ),
        "--from",
        "hubspot",
        "--dry-run",
    )
    assert result.stdout.startswith("create")
    assert "D1" in result.stderr and "warning" in result.stderr


def test_two_matching_deals_never_link(db: Path, tmp_path: Path) -> None:
    qualify_lincoln()
    qualify_lincoln()
    result = ok(
        "import",
        csv(tmp_path, f"77,{LINCOLN[1]},Qualified To Buy,2027-01-15,9000,USD,{LINCOLN[0]}"),
        "--from",
        "hubspot",
    )
    assert [r[3:] for r in deals(db)] == [(None, None), (None, None), ("hubspot", "77")]
    assert "D1" in result.stderr and "D2" in result.stderr


def test_a_closed_deal_or_one_with_an_external_id_is_never_linked(db: Path, tmp_path: Path) -> None:
    qualify_lincoln()
    ok("close", "D1", "lost")
    ok(
        "import",
        csv(tmp_path, f"77,{LINCOLN[1]},Qualified To Buy,2027-01-15,9000,USD,{LINCOLN[0]}"),
        "--from",
        "hubspot",
    )
    assert [r[3:] for r in deals(db)] == [(None, None), ("hubspot", "77")]
    path = csv(tmp_path, f"78,{LINCOLN[1]},Qualified To Buy,2027-01-15,9000,USD,{LINCOLN[0]}")
    ok("import", path, "--from", "hubspot")
    assert [r[3:] for r in deals(db)] == [(None, None), ("hubspot", "77"), ("hubspot", "78")]


# -- the pure decision ---------------------------------------------------------------------------------


def crm_deal(external_id: str, account: str, title: str | None) -> CrmDeal:
    return CrmDeal(
        "f.csv",
        2,
        external_id,
        account,
        title,
        "100",
        "USD",
        "lead",
        "open",
        None,
        None,
        None,
        None,
    )


def open_deal(
    deal_id: int, account: str, title: str | None, external_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": deal_id, "account": account, "title": title, "value": None, "currency": None,
        "stage": "lead", "status": "open", "decision_date": None, "qualified": 1,
        "crm_owner": None, "crm_next_step": None, "external_source": "hubspot" if external_id else None,
        "external_id": external_id,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("account", "title", "kind"),
    [
        ("Acme", "Widgets", "link"),
        (" ACME ", "widgets ", "link"),
        ("Acme", "Gadgets", "create"),
        ("Acme Corp", "Widgets", "create"),
        ("Ac me", "Widgets", "create"),
    ],
)
def test_what_links(account: str, title: str, kind: str) -> None:
    [action] = crm_actions(
        [crm_deal("9", account, title)],
        {},
        "hubspot",
        date(2026, 11, 23),
        [open_deal(3, "Acme", "Widgets")],
    )
    assert action.kind == kind
    if kind == "link":
        assert action.deal_id == 3
        assert action.values["external_id"] == "9" and action.values["external_source"] == "hubspot"
        assert describe(action).startswith("link       D3 9")


def test_one_deal_links_to_one_row_only() -> None:
    rows = [crm_deal("9", "Acme", "Widgets"), crm_deal("10", "acme", "widgets")]
    actions = crm_actions(
        rows, {}, "hubspot", date(2026, 11, 23), [open_deal(3, "Acme", "Widgets")]
    )
    assert [a.kind for a in actions] == ["link", "create"]
    assert [n["id"] for n in actions[1].near] == [3]


def test_near_duplicates_are_named() -> None:
    existing = [
        open_deal(3, "Acme", "Widgets"),
        open_deal(4, "ACME ", "Gizmos", "55"),
        open_deal(5, "Globex", "Widgets"),
    ]
    [action] = crm_actions(
        [crm_deal("9", "acme", "Sprockets")], {}, "hubspot", date(2026, 11, 23), existing
    )
    assert action.kind == "create" and [n["id"] for n in action.near] == [3, 4]


@given(
    account=st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=12),
    title=st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=12),
    pad=st.sampled_from(["", " ", "  ", "\t"]),
    upper=st.booleans(),
    rows=st.integers(min_value=1, max_value=4),
)
def test_any_case_and_padding_links_once(
    account: str, title: str, pad: str, upper: bool, rows: int
) -> None:
    """Whatever the case and surrounding spaces, the one matching deal links to the first row
    only; the rows after it are added and name it as a near-duplicate."""
    spelled = (account.upper() if upper else account.lower(), title.swapcase())
    crm = [crm_deal(str(n), pad + spelled[0] + pad, spelled[1] + pad) for n in range(rows)]
    actions = crm_actions(crm, {}, "hubspot", date(2026, 11, 23), [open_deal(3, account, title)])
    if account.casefold() != spelled[0].casefold() or title.casefold() != spelled[1].casefold():
        return  # case mapping that does not round-trip (rare letters): not the same name
    assert [a.kind for a in actions] == ["link"] + ["create"] * (rows - 1)
    assert all([n["id"] for n in a.near] == [3] for a in actions[1:])
