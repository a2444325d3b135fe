"""Custom fields: a CRM's columns that map to no field, kept on the deal, shown and exported."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.interop import fields as custom

from .clirun import EXAMPLES, TODAY, invoke

HEADER = "Record ID,Deal Name,Deal Stage,Associated Company,Company name,stage,Region,Tier,Notes"
FIRST = f"""\
{HEADER}
101,Reading platform,Qualified To Buy,Lincoln Unified,Lincoln Holdings,lost,EMEA,Gold,
102,Scanners,Contract Sent,Fabrikam,,,APAC,,call back
"""


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


def stored(db: Path) -> dict[str, Any]:
    """external id -> the stored fields text."""
    with sqlite3.connect(db) as conn:
        got = conn.execute("SELECT external_id, fields FROM deals ORDER BY id").fetchall()
    return dict(got)


def fields_of(db: Path) -> dict[str, dict[str, str]]:
    return {key: json.loads(text) if text else {} for key, text in stored(db).items()}


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


# -- CRM import ------------------------------------------------------------------------------------


def test_every_column_no_field_reads_is_kept_under_its_header_name(
    db: Path, tmp_path: Path
) -> None:
    ok("import", write(tmp_path, FIRST), "--from", "hubspot")
    assert fields_of(db) == {
        "101": {"Company name": "Lincoln Holdings", "stage": "lost", "Region": "EMEA", "Tier": "Gold"},
        "102": {"Region": "APAC", "Notes": "call back"},
    }  # fmt: skip
    assert list(fields_of(db)["101"]) == ["Company name", "stage", "Region", "Tier"]  # file order


def test_a_column_named_like_a_field_never_overrides_it(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, FIRST), "--from", "hubspot")
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT account, stage, status FROM deals WHERE external_id = '101'")
        assert row.fetchone() == ("Lincoln Unified", "qualified", "open")


def test_a_mapped_column_is_a_field_not_a_custom_one(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, FIRST), "--from", "hubspot", "--map", "Region=owner")
    with sqlite3.connect(db) as conn:
        owners = conn.execute("SELECT crm_owner FROM deals ORDER BY id").fetchall()
    assert owners == [("EMEA",), ("APAC",)]
    assert all("Region" not in kept for kept in fields_of(db).values())


def test_a_deal_without_other_columns_stores_null(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, "Record ID,Deal Name\n1,Solo\n"), "--from", "hubspot")
    assert stored(db) == {"1": None}


def test_a_reimport_replaces_removes_and_keeps(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, FIRST), "--from", "hubspot")
    again = """\
Record ID,Deal Name,Deal Stage,Associated Company,Region,Tier,Segment
101,Reading platform,Qualified To Buy,Lincoln Unified,NA,,Public
102,Scanners,Contract Sent,Fabrikam,APAC,,
"""
    dry = ok("import", write(tmp_path, again, "again.csv"), "--from", "hubspot", "--dry-run")
    assert "D1 101  Lincoln Unified: fields 'Region', 'Tier', 'Segment'\n" in dry.stdout
    assert "D2" not in dry.stdout  # unchanged: its Tier was empty already
    ok("import", write(tmp_path, again, "again.csv"), "--from", "hubspot")
    assert fields_of(db) == {
        # Region replaced, Tier removed (empty cell), Segment added; the columns the new file
        # lacks (Company name, stage, Notes) stay as they were
        "101": {"Company name": "Lincoln Holdings", "stage": "lost", "Region": "NA", "Segment": "Public"},
        "102": {"Region": "APAC", "Notes": "call back"},
    }  # fmt: skip


def test_a_link_to_a_deal_entered_by_hand_takes_the_fields(db: Path, tmp_path: Path) -> None:
    ok("qualify", "--answers", str(EXAMPLES / "healthy-district.toml"))
    ok("import", str(EXAMPLES / "hubspot-deals.csv"), "--from", "hubspot")
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT external_id, fields FROM deals WHERE id = 1").fetchone()
    assert row[0] == "9001"
    assert json.loads(row[1]) == {
        "Pipeline": "Sales Pipeline",
        "Deal Type": "newbusiness",
        "Last Activity Date": "2026-11-20 16:02",
    }


def test_json_crm_files_keep_other_keys_as_text(db: Path, tmp_path: Path) -> None:
    records = [
        {"Record ID": "1", "Deal Name": "A", "Seats": 40, "Tags": ["x"], "Gone": None},
        {"Record ID": "2", "Deal Name": "B", "Partner": "Contoso"},
    ]
    ok("import", write(tmp_path, json.dumps(records), "deals.json"), "--from", "hubspot")
    assert fields_of(db) == {"1": {"Seats": "40", "Tags": '["x"]'}, "2": {"Partner": "Contoso"}}


def test_a_column_of_ten_thousand_distinct_values_imports(db: Path, tmp_path: Path) -> None:
    lines = ["Record ID,Deal Name,Reference"]
    lines += [f"{n},Deal {n},ref-{n:05d}" for n in range(10_000)]
    ok("import", write(tmp_path, "\n".join(lines) + "\n"), "--from", "hubspot")
    kept = fields_of(db)
    assert len(kept) == 10_000
    assert {v["Reference"] for v in kept.values()} == {f"ref-{n:05d}" for n in range(10_000)}


def test_a_cell_over_64_kb_is_refused_with_its_line_and_column(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, FIRST), "--from", "hubspot")
    before = dump(db)
    at_limit = "é" * (custom.MAX_BYTES // 2)  # 65,536 bytes: accepted
    over = at_limit + "x"  # 65,537 bytes
    text = f"Record ID,Deal Name,Big\n101,Reading platform,{at_limit}\n103,New,{over}\n"
    result = run("import", write(tmp_path, text, "big.csv"), "--from", "hubspot")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"dealcoach: {tmp_path}/big.csv line 3: column 'Big': the cell is 65,537 bytes;"
        " a custom field holds at most 65,536 (64 KB)"
    ]
    assert dump(db) == before
    ok("import", write(tmp_path, text.rsplit("\n", 2)[0] + "\n", "ok.csv"), "--from", "hubspot")
    assert fields_of(db)["101"]["Big"] == at_limit


# -- JSON documents and the card ------------------------------------------------------------------


def test_list_and_show_json_carry_fields(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, FIRST), "--from", "hubspot")
    ok(
        "import",
        write(tmp_path, "Record ID,Deal Name\n9,Plain\n", "plain.csv"),
        "--from",
        "hubspot",
    )
    items = json.loads(ok("list", "--json").stdout)
    assert {item["title"]: item["fields"] for item in items} == {
        "Reading platform": fields_of(db)["101"],
        "Scanners": fields_of(db)["102"],
        "Plain": {},
    }
    shown = json.loads(ok("show", "D2", "--json").stdout)
    assert shown["deal"]["fields"] == {"Region": "APAC", "Notes": "call back"}
    assert json.loads(ok("show", "D3", "--json").stdout)["deal"]["fields"] == {}


def test_show_lists_the_fields_escaped_and_cut_to_one_line(db: Path, tmp_path: Path) -> None:
    hostile = "\x1b[31mred\x1b]0;title\x07"
    records = [
        {
            "Record ID": "1",
            "Deal Name": "A",
            "Color": hostile,
            "Markup": "[bold]x[/bold] [/y]",
            "Long": "word " * 40,
            "Lines": "first\nsecond",
        }
    ]
    ok("import", write(tmp_path, json.dumps(records), "deals.json"), "--from", "hubspot")
    out = ok("show", "D1").stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mred" in out
    assert "[bold]x[/bold] [/y]" in out
    lines = out.splitlines()
    long_line = next(line for line in lines if "Long" in line)
    assert long_line.rstrip().endswith("…") and long_line.count("word") < 40
    assert any("Lines" in line and "first …" in line for line in lines)
    assert "second" not in out


# -- export and import --from dealcoach ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_import_round_trips_fields_exactly(db: Path, tmp_path: Path, fmt: str) -> None:
    records = [
        {"Record ID": "1", "Deal Name": "A", "Quote": 'say "hi", then =SUM(A1)', "Ünï": "ß→✓"},
        {"Record ID": "2", "Deal Name": "B", "Lines": "a\r\nb", "Lead": "-5"},
        {"Record ID": "3", "Deal Name": "C"},
    ]
    ok("import", write(tmp_path, json.dumps(records), "crm.json"), "--from", "hubspot")
    exported = ok("export", "deals", "--format", fmt).stdout
    header = exported.splitlines()[0]
    if fmt == "csv":
        assert header.endswith(",fields")
    path = write(tmp_path, exported, f"deals.{fmt}")
    fresh = tmp_path / "fresh.db"
    ok("--db", str(fresh), "import", path, "--from", "dealcoach")
    assert stored(fresh) == stored(db)
    assert ok("--db", str(fresh), "export", "deals", "--format", fmt).stdout == exported


def test_the_fields_cell_is_a_json_object(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, FIRST), "--from", "hubspot")
    exported = ok("export", "deals").stdout
    first = next(iter(csv.DictReader(io.StringIO(exported))))
    assert json.loads(first["fields"]) == fields_of(db)["101"]


def test_an_export_without_the_fields_column_still_imports(db: Path, tmp_path: Path) -> None:
    ok("import", write(tmp_path, FIRST), "--from", "hubspot")
    table = list(csv.reader(io.StringIO(ok("export", "deals").stdout)))
    old = io.StringIO(newline="")
    csv.writer(old).writerows(row[:-1] for row in table)
    fresh = tmp_path / "fresh.db"
    ok(
        "--db",
        str(fresh),
        "import",
        write(tmp_path, old.getvalue(), "old.csv"),
        "--from",
        "dealcoach",
    )
    assert stored(fresh) == {"101": None, "102": None}
    objects = json.loads(ok("export", "deals", "--format", "json").stdout)
    for item in objects:
        del item["fields"]
    older = tmp_path / "older.db"
    path = write(tmp_path, json.dumps(objects), "old.json")
    ok("--db", str(older), "import", path, "--from", "dealcoach")
    assert stored(older) == {"101": None, "102": None}


@pytest.mark.parametrize(
    ("cell", "wanted"),
    [
        ('["a"]', "fields: expected a JSON object of text to text"),
        ('{"a": 1}', "fields: expected a JSON object of text to text"),
        ("{not json", "fields: '{not json' is not JSON"),
        ('{"Big": "' + "x" * 65_537 + '"}', "fields: 'Big': the cell is 65,537 bytes"),
    ],
)
def test_a_bad_fields_cell_is_one_line_with_its_line(
    db: Path, tmp_path: Path, cell: str, wanted: str
) -> None:
    ok("import", write(tmp_path, FIRST), "--from", "hubspot")
    table = list(csv.DictReader(io.StringIO(ok("export", "deals").stdout)))
    table[1]["fields"] = cell
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    fresh = tmp_path / "fresh.db"
    result = run(
        "--db", str(fresh), "import", write(tmp_path, out.getvalue()), "--from", "dealcoach"
    )
    assert result.exit_code == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"dealcoach: {tmp_path}/deals.csv line 3: {wanted}"), line


# -- the codec -------------------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8"), max_size=30)


@given(st.dictionaries(_text, _text, max_size=8))
def test_stored_fields_read_back_as_they_were(fields: dict[str, str]) -> None:
    text = custom.dump(fields)
    assert (text is None) == (not fields)
    assert custom.load(text) == fields
    assert list(custom.load(text)) == list(fields)
    custom.check(custom.load(text))


@given(
    st.dictionaries(_text, _text, max_size=6),
    st.dictionaries(_text, _text, max_size=6),
    st.lists(_text, max_size=6),
)
def test_a_reimport_touches_only_the_columns_it_has(
    old: dict[str, str], new: dict[str, str], columns: list[str]
) -> None:
    present = [*columns, *new]
    new_row = {k: v for k, v in new.items() if k in present}
    result = custom.merged(old, new_row, present)
    for key in present:
        assert result.get(key) == new_row.get(key)
    for key, value in old.items():
        if key not in present:
            assert result[key] == value
    assert set(custom.changed_keys(old, result)) == {
        k for k in {*old, *result} if old.get(k) != result.get(k)
    }
