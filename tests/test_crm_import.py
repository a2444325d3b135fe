"""`dealcoach import --from hubspot|pipedrive|salesforce`: standard exports in, re-imports update."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dealcoach.interop.crm import parse_crm_date, stage_key

from .clirun import EXAMPLES, TODAY, invoke

HUBSPOT = """\
Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Currency,Associated Company,Create Date,Pipeline,Last Activity Date
101,Reading platform,Decision Maker Bought-In,2027-01-15,Alex Rep,48000,USD,Lincoln Unified,2026-10-02 09:14,Sales Pipeline,2026-11-20
102,Forecasting add-on,qualified to buy,2027-02-27,Alex Rep,"12,000.50",eur,Northwind,2026-11-05,Sales Pipeline,
103,Scanners,Closed Won,2026-11-10,Alex Rep,9900,USD,Fabrikam,2026-07-01,Sales Pipeline,
"""

PIPEDRIVE = """\
Deal - ID,Deal - Title,Deal - Organization,Deal - Value,Deal - Currency,Deal - Stage,Deal - Status,Deal - Expected close date,Deal - Deal created,Deal - Owner,Person - Name
7,Telematics,Contoso,86500,USD,Negotiations Started,open,2026-12-18,2026-08-19 14:45:00,Alex Rep,Kim
8,Pilot,Tailspin,,,Lead In,open,,2026-11-21 15:20:00,Alex Rep,
9,Renewal,Adatum,5000,USD,Proposal Made,lost,2026-11-01,2026-06-01 08:00:00,Alex Rep,Lee
"""

SALESFORCE = """\
Opportunity ID,Opportunity Name,Account Name,Amount,Opportunity Currency,Stage,Close Date,Created Date,Opportunity Owner,Next Step,Probability (%)
006A1,Data platform,Globex,120000,USD,Id. Decision Makers,1/31/2027,10/1/2026,Alex Rep,Send security pack,60
006A2,Support tier,Initech,8000,USD,Prospecting,3/15/2027,11/20/2026,Alex Rep,,10
006A3,Migration,Umbrella,30000,USD,Closed Lost,11/2/2026,5/5/2026,Alex Rep,,0
"""

# external id -> (account, title, value, currency, stage, status, decision_date, created)
EXPECTED: dict[str, dict[str, tuple[Any, ...]]] = {
    "hubspot": {
        "101": ("Lincoln Unified", "Reading platform", "48000", "USD", "opportunity", "open", "2027-01-15", "2026-10-02"),
        "102": ("Northwind", "Forecasting add-on", "12000.50", "EUR", "qualified", "open", "2027-02-27", "2026-11-05"),
        "103": ("Fabrikam", "Scanners", "9900", "USD", None, "won", "2026-11-10", "2026-07-01"),
    },
    "pipedrive": {
        "7": ("Contoso", "Telematics", "86500", "USD", "closing", "open", "2026-12-18", "2026-08-19"),
        "8": ("Tailspin", "Pilot", None, None, "lead", "open", None, "2026-11-21"),
        "9": ("Adatum", "Renewal", "5000", "USD", "opportunity", "lost", "2026-11-01", "2026-06-01"),
    },
    "salesforce": {
        "006A1": ("Globex", "Data platform", "120000", "USD", "opportunity", "open", "2027-01-31", "2026-10-01"),
        "006A2": ("Initech", "Support tier", "8000", "USD", "lead", "open", "2027-03-15", "2026-11-20"),
        "006A3": ("Umbrella", "Migration", "30000", "USD", None, "lost", "2026-11-02", "2026-05-05"),
    },
}  # fmt: skip
FILES = {"hubspot": HUBSPOT, "pipedrive": PIPEDRIVE, "salesforce": SALESFORCE}
EXTRA = {"salesforce": ["--date-format", "%m/%d/%Y"]}


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    return dealcoach_home / "dealcoach.db"


def run(*args: str) -> Any:
    return invoke("--today", TODAY, *args)


def ok(*args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result


def write(tmp_path: Path, text: str, name: str = "deals.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def deals(db: Path) -> dict[str, tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT external_id, account, title, value, currency, stage, status, decision_date,"
            " created FROM deals ORDER BY id"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def problem_lines(result: Any) -> list[str]:
    """A choice out of its list is a usage error (exit 2); every other problem exits 1."""
    usage = "dealcoach: unknown " in result.stderr
    assert result.exit_code == (2 if usage else 1), result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert all(line.startswith("dealcoach: ") for line in lines)
    return [line.removeprefix("dealcoach: ") for line in lines]


@pytest.mark.parametrize("crm", list(FILES))
def test_each_crm_standard_export(db: Path, tmp_path: Path, crm: str) -> None:
    path = write(tmp_path, FILES[crm])
    result = ok("import", path, "--from", crm, *EXTRA.get(crm, []))
    assert result.stdout == ""
    assert "3 new, 0 updated, 0 unchanged" in result.stderr
    assert deals(db) == EXPECTED[crm]
    with sqlite3.connect(db) as conn:
        meta = conn.execute(
            "SELECT DISTINCT external_source, qualified, decision FROM deals"
        ).fetchall()
        assert meta == [(crm, 0, None)]
        assert conn.execute("SELECT COUNT(*) FROM followups").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM interviews").fetchone() == (0,)


def test_an_excel_bom_and_lf_line_ends_are_fine(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HUBSPOT.encode("utf-8"))
    ok("import", str(path), "--from", "hubspot")
    assert deals(db) == EXPECTED["hubspot"]


def test_imported_deals_wait_under_unqualified_in_next(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, HUBSPOT), "--from", "hubspot")
    agenda = json.loads(ok("next", "--json").stdout)
    assert [item["account"] for item in agenda["unqualified"]] == ["Lincoln Unified", "Northwind"]
    assert agenda["due"] == []
    show = json.loads(ok("show", "D1", "--json").stdout)
    assert show["plan"] == []


def test_a_snoozed_unqualified_deal_is_quiet_until_its_date(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, HUBSPOT), "--from", "hubspot")
    ok("snooze", "D1", "--until", "2026-12-15")
    for day, listed in [
        ("2026-12-14", ["Northwind"]),
        ("2026-12-15", ["Lincoln Unified", "Northwind"]),
    ]:
        result = invoke("--today", day, "next", "--json")
        assert result.exit_code == 0, result.stderr
        agenda = json.loads(result.stdout)
        assert [item["account"] for item in agenda["unqualified"]] == listed


def test_re_import_updates_instead_of_duplicating(db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, HUBSPOT)
    ok("import", path, "--from", "hubspot")
    again = ok("import", path, "--from", "hubspot")
    assert "0 new, 0 updated, 3 unchanged" in again.stderr
    assert len(deals(db)) == 3
    changed = HUBSPOT.replace("qualified to buy", "Contract Sent").replace("48000", "50000")
    result = ok("import", write(tmp_path, changed, "later.csv"), "--from", "hubspot")
    assert "0 new, 2 updated, 1 unchanged" in result.stderr
    now = deals(db)
    assert now["101"][2] == "50000" and now["102"][4] == "closing"
    assert len(now) == 3


def test_re_import_never_touches_the_interview_and_a_later_close_date_is_a_push(
    db: Path, tmp_path: Path
) -> None:
    ok("import", write(tmp_path, HUBSPOT), "--from", "hubspot")
    ok("qualify", "D1", "--answers", str(EXAMPLES / "healthy-district.toml"))
    with sqlite3.connect(db) as conn:
        interview = conn.execute("SELECT * FROM interviews").fetchall()
        people = conn.execute("SELECT * FROM stakeholders").fetchall()
    first = json.loads(ok("show", "D1", "--json").stdout)
    assert first["deal"]["decision_date"] == "2027-01-04"  # the rep's answer
    assert "date_pushed" not in [r["signal"] for r in first["verdict"]["reasons"]]
    pushed = HUBSPOT.replace("2027-01-15", "2027-03-01").replace("Lincoln Unified", "Lincoln USD")
    ok("import", write(tmp_path, pushed, "pushed.csv"), "--from", "hubspot")
    after = json.loads(ok("show", "D1", "--json").stdout)
    assert after["deal"]["decision_date"] == "2027-03-01"
    assert after["deal"]["account"] == "Lincoln USD"
    assert "date_pushed" in [r["signal"] for r in after["verdict"]["reasons"]]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT * FROM interviews ORDER BY id").fetchall()
        assert rows[: len(interview)] == interview  # the interview itself is unchanged
        assert [(r[4], r[6]) for r in rows] == [("answers", "2027-01-04"), ("import", "2027-03-01")]
        assert conn.execute("SELECT * FROM stakeholders").fetchall() == people
        stored = json.loads(rows[-1][5])
        original = json.loads(interview[0][5])
        assert stored["who"] == original["who"] and stored["what"] == original["what"]
        assert stored["when"]["decision_date"] == "2027-03-01"
    again = ok("import", write(tmp_path, pushed, "pushed.csv"), "--from", "hubspot")
    assert "3 unchanged" in again.stderr  # the same file twice is not a second push


def test_won_in_the_crm_closes_an_open_deal_and_open_never_reopens(
    db: Path, tmp_path: Path
) -> None:
    ok("import", write(tmp_path, HUBSPOT), "--from", "hubspot")
    ok("close", "D2", "let-go")
    won = HUBSPOT.replace("Decision Maker Bought-In", "Closed Won")
    ok("import", write(tmp_path, won, "won.csv"), "--from", "hubspot")
    now = deals(db)
    assert now["101"][5] == "won"
    assert now["101"][4] == "opportunity"  # closing leaves the stage as it was
    assert now["102"][5] == "let_go"  # the rep's decision stays


def test_dry_run_prints_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    ok("list")
    before = dump(db)
    result = ok("import", write(tmp_path, HUBSPOT), "--from", "hubspot", "--dry-run")
    assert result.stdout.splitlines() == [
        "create     101  Lincoln Unified / Reading platform (opportunity, open, 48000 USD, decision 2027-01-15)",
        "create     102  Northwind / Forecasting add-on (qualified, open, 12000.50 EUR, decision 2027-02-27)",
        "create     103  Fabrikam / Scanners (no stage, won, 9900 USD, decision 2026-11-10)",
    ]
    assert "nothing written" in result.stderr
    assert dump(db) == before
    ok("import", write(tmp_path, HUBSPOT), "--from", "hubspot")
    before = dump(db)
    pushed = HUBSPOT.replace("2027-01-15", "2027-03-01")
    result = ok("import", write(tmp_path, pushed, "p.csv"), "--from", "hubspot", "--dry-run")
    assert result.stdout.splitlines() == [
        "update     D1 101  Lincoln Unified: decision_date 2027-01-15 → 2027-03-01 (pushed)"
    ]
    assert dump(db) == before


def test_unknown_stage_lists_the_known_ones_and_map_stage_fixes_it(
    db: Path, tmp_path: Path
) -> None:
    text = HUBSPOT.replace("Decision Maker Bought-In", "Demo Booked").replace(
        "qualified to buy", "demo booked"
    )
    path = write(tmp_path, text)
    lines = problem_lines(run("import", path, "--from", "hubspot"))
    assert lines == [
        f"{path}: lines 2, 3: unknown stage 'Demo Booked'; HubSpot's known stages are "
        "Appointment Scheduled, Qualified To Buy, Presentation Scheduled, Decision Maker "
        'Bought-In, Contract Sent, Closed Won, Closed Lost; map it with --map-stage "Demo '
        'Booked=STAGE" (STAGE: lead, qualified, prospect, opportunity, closing, won, lost)'
    ]
    assert not db.exists() or deals(db) == {}
    ok("import", path, "--from", "hubspot", "--map-stage", "Demo Booked=prospect")
    assert [row[4] for row in deals(db).values()] == ["prospect", "prospect", None]


def test_map_reads_a_field_from_another_column(db: Path, tmp_path: Path) -> None:
    text = HUBSPOT.replace("Associated Company", "Organisation")
    path = write(tmp_path, text)
    ok("import", path, "--from", "hubspot", "--map", "organisation=account")
    assert deals(db)["101"][0] == "Lincoln Unified"


def test_a_missing_account_falls_back_to_the_title(db: Path, tmp_path: Path) -> None:
    text = HUBSPOT.replace(",Lincoln Unified,", ",,")
    ok("import", write(tmp_path, text), "--from", "hubspot")
    assert deals(db)["101"][0] == "Reading platform"


@pytest.mark.parametrize(
    ("change", "extra", "expected"),
    [
        (
            ("2027-01-15", "01/15/2027"),
            [],
            "deals.csv line 2: Close Date '01/15/2027' is not an ISO date (YYYY-MM-DD); pass --date-format, e.g. %m/%d/%Y",
        ),
        (
            ("2027-01-15", "15/01/2027"),
            ["--date-format", "%m/%d/%Y"],
            "deals.csv line 2: Close Date '15/01/2027' does not match --date-format %m/%d/%Y",
        ),
        (("2027-01-15", "2027-02-30"), [], "deals.csv line 2: Close Date '2027-02-30' is not a real date"),
        (("\n102,", "\n101,"), [], "deals.csv line 3: Record ID 101 repeats line 2"),
        (("48000", "$48k"), [], "deals.csv line 2: Amount '$48k' is not an amount such as 48000"),
        (("eur", "euro"), [], "deals.csv line 3: Currency 'euro' is not a three-letter currency code"),
        (("\n103,", "\n,"), [], "deals.csv line 4: Record ID is empty"),
        (
            ("Record ID,", "Deal ID,"),
            [],
            "deals.csv line 1: missing column 'Record ID' (HubSpot's deal id)",
        ),
        (
            (",", ";"),
            [],
            "deals.csv line 1: no known columns; is it comma-separated? (the header has semicolons)",
        ),
    ],
)  # fmt: skip
def test_crm_errors_name_the_line_and_change_nothing(
    db: Path, tmp_path: Path, change: tuple[str, str], extra: list[str], expected: str
) -> None:
    ok("list")
    before = dump(db)
    path = write(tmp_path, HUBSPOT.replace(*change))
    lines = problem_lines(run("import", path, "--from", "hubspot", *extra))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{tmp_path}/{expected}"), lines
    assert dump(db) == before


def test_every_bad_row_is_reported_at_once(db: Path, tmp_path: Path) -> None:
    text = (
        HUBSPOT.replace("2027-01-15", "soon")
        .replace("12,000.50", "lots")
        .replace("2026-07-01", "07/01/2026")
    )
    lines = problem_lines(run("import", write(tmp_path, text), "--from", "hubspot"))
    assert [line.split(": ", 1)[0].rsplit(" ", 1)[-1] for line in lines] == ["2", "3", "4"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--map", "Amount"], "--map 'Amount': write it as 'Column Name=field'"),
        (["--map", "Amount=price"], "unknown field 'price'"),
        (["--map-stage", "Demo=maybe"], "unknown stage 'maybe'"),
        (["--date-format", "mm/dd/yyyy"], "has no % field"),
        (["--from", "zoho"], "unknown --from 'zoho'"),
    ],
)
def test_option_errors(db: Path, tmp_path: Path, option: list[str], message: str) -> None:
    args = ["import", write(tmp_path, HUBSPOT)]
    if option[0] != "--from":
        args += ["--from", "hubspot"]
    lines = problem_lines(run(*args, *option))
    assert len(lines) == 1 and message in lines[0], lines


def test_map_options_need_a_crm(db: Path, tmp_path: Path) -> None:
    lines = problem_lines(run("import", write(tmp_path, HUBSPOT), "--map", "A=account"))
    assert "are for CRM files" in lines[0]


# -- the pure parts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("2026-11-23", None, date(2026, 11, 23)),
        ("2026-11-23 10:15", None, date(2026, 11, 23)),
        ("2026-11-23T10:15:00Z", None, date(2026, 11, 23)),
        ("2026-11-23T10:15:00.123+01:00", None, date(2026, 11, 23)),
        ("11/23/2026", "%m/%d/%Y", date(2026, 11, 23)),
        ("23/11/2026", "%d/%m/%Y", date(2026, 11, 23)),
        ("2026-11-23", "%d/%m/%Y", date(2026, 11, 23)),  # ISO is always understood
    ],
)
def test_crm_dates(text: str, fmt: str | None, expected: date) -> None:
    assert parse_crm_date(text, fmt) == expected


@pytest.mark.parametrize("text", ["11/23/2026", "23.11.2026", "Nov 23, 2026", "1969-12-31"])
def test_crm_dates_are_never_guessed(text: str) -> None:
    with pytest.raises(ValueError):
        parse_crm_date(text, None)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Closed Won", "closedwon"),
        ("closed - won", "closedwon"),
        ("Proposal/Price Quote", "proposalpricequote"),
    ],
)
def test_stage_names_ignore_case_spaces_and_punctuation(name: str, key: str) -> None:
    assert stage_key(name) == key


# -- the example script ------------------------------------------------------------------------------


def test_import_hubspot_example(tmp_path: Path, dealcoach_home: Path) -> None:
    env = {
        **os.environ,
        "DEALCOACH": str(Path(sys.executable).parent / "dealcoach"),
        "DEALCOACH_HOME": str(dealcoach_home),
        "DEALCOACH_TODAY": TODAY,
    }
    done = subprocess.run(
        ["sh", str(EXAMPLES / "import-hubspot.sh")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("create ") == 5
    assert "imported 5 new, 0 updated, 0 unchanged from HubSpot" in done.stderr
    assert "Lincoln Unified School District" in done.stdout
    with sqlite3.connect(dealcoach_home / "dealcoach.db") as conn:
        assert conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT external_id) FROM deals WHERE external_source = 'hubspot'"
        ).fetchone() == (5, 5)


def test_the_crm_owner_and_next_step_are_kept(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "sf.csv"
    path.write_text(
        "Opportunity ID,Account Name,Opportunity Name,Amount,Stage,Close Date,"
        "Opportunity Owner,Next Step\n"
        "006A,Globex,Widgets,9000,Qualification,2027-01-15,Alex Rep,Send the security answers\n"
    )
    result = invoke("--today", TODAY, "import", str(path), "--from", "salesforce")
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select crm_owner, crm_next_step from deals").fetchall() == [
            ("Alex Rep", "Send the security answers")
        ]
