"""`dealcoach qualify` interactive, through the command, driven by keystrokes (pipe input)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from .clirun import EXAMPLES, TODAY, invoke, qualify_json, rows
from .keys import confirm, ctrl_c, enter, keys, type_text

pytestmark = pytest.mark.timeout(60)

NEW_DEAL = keys(
    type_text("Acme Robotics"), enter(),  # account
    type_text("Fleet telematics"), enter(),  # title
    type_text("30000"), enter(),  # value
    enter(), enter(), enter(), enter(), enter(), enter(),  # currency, stage, source, type, sector, meeting
    confirm(False),  # add a person?
    confirm(False),  # add a step?
    enter(), enter(), enter(),  # decision date, compelling event, budget cycle
    enter(), enter(), enter(), enter(), enter(),  # criteria, metrics, alternatives, budget, funding
    enter(), enter(), enter(),  # journey, pain, fit
    confirm(False),  # next step agreed?
    enter(), enter(),  # stop signal, strategy
)  # fmt: skip


@contextmanager
def keyboard(presses: str) -> Iterator[None]:
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        inp.send_text(presses)
        inp.close()
        yield


def qualify(presses: str, *args: str) -> Any:
    with keyboard(presses):
        return invoke("--today", TODAY, "qualify", *args)


@pytest.fixture
def db(dealcoach_home: Path) -> Path:
    return dealcoach_home / "dealcoach.db"


def test_a_new_deal_from_the_keyboard(db: Path) -> None:
    result = qualify(NEW_DEAL, "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["deal"]["account"], doc["deal"]["value"], doc["deal"]["currency"]) == (
        "Acme Robotics",
        "30000",
        "USD",
    )
    assert rows(db, "select kind from interviews") == [("full",)]
    assert doc["plan"] and doc["verdict"]["decision"] == "pursue"


def test_requalify_enter_keeps_every_answer(db: Path) -> None:
    first = qualify_json("--answers", str(EXAMPLES / "healthy-district.toml"))
    before = json.loads(rows(db, "select answers from interviews")[0][0])
    presses = enter() * 60  # every question pre-filled: Enter keeps it
    with keyboard(presses):
        result = invoke("--today", TODAY, "qualify", "D1", "--json")
    assert result.exit_code == 0, result.stderr
    after = json.loads(rows(db, "select answers from interviews order by id desc limit 1")[0][0])
    assert after == before
    assert [f["id"] for f in json.loads(result.stdout)["plan"]] == [f["id"] for f in first["plan"]]


def test_ctrl_c_keeps_a_draft_and_the_next_qualify_offers_it(
    db: Path, dealcoach_home: Path
) -> None:
    result = qualify(keys(type_text("Globex"), enter(), type_text("Widgets"), enter(), ctrl_c()))
    assert result.exit_code == 130
    assert "kept" in result.stderr and "--resume" in result.stderr
    draft = json.loads((dealcoach_home / "drafts" / "new.json").read_text())
    assert draft["answers"]["deal"]["account"] == "Globex"
    assert rows(db, "select count(*) from deals") == [(0,)]
    # the next plain qualify offers the draft; Enter accepts; the answers so far are the defaults
    resumed = qualify(
        enter() + NEW_DEAL.replace("Acme Robotics", "").replace("Fleet telematics", "")
    )
    assert resumed.exit_code == 0, resumed.stderr
    assert rows(db, "select account, title from deals") == [("Globex", "Widgets")]
    assert not (dealcoach_home / "drafts" / "new.json").exists()


def test_quick_requalify_changes_only_what_it_asks(db: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    presses = keys(type_text("Demo went well"), enter()) + enter() * 30
    with keyboard(presses):
        result = invoke("--today", "2026-11-25", "qualify", "D1", "--quick", "--json")
    assert result.exit_code == 0, result.stderr
    kinds = rows(db, "select kind from interviews order by id")
    assert kinds == [("answers",), ("quick",)]
    old, new = (json.loads(r[0]) for r in rows(db, "select answers from interviews order by id"))
    assert new["who"] == old["who"] and new["how"] == old["how"]
    assert rows(db, "select note from touches where kind = 'meeting' order by id desc limit 1") == [
        ("Demo went well",)
    ]


def test_resume_with_a_deal_never_takes_another_deals_draft(db: Path, dealcoach_home: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    assert qualify(keys(type_text("Acme Robotics"), enter(), ctrl_c())).exit_code == 130
    result = qualify("", "D1", "--resume")
    assert result.exit_code == 1 and "no unfinished interview for D1" in result.stderr
    assert rows(db, "select account from deals") == [("Northwind Traders",)]
    assert (dealcoach_home / "drafts" / "new.json").exists()


def test_quick_keeps_a_logged_stop_signal_as_its_default(db: Path) -> None:
    qualify_json("--answers", str(EXAMPLES / "thin-lead.toml"))
    logged = invoke("--today", TODAY, "log", "D1", "--kind", "call", "--replied",
                    "--signal", "lost_funding", "--until", "2027-03-01")  # fmt: skip
    assert logged.exit_code == 0
    with keyboard(keys(type_text("Checked in"), enter()) + enter() * 30):
        result = invoke("--today", "2026-11-25", "qualify", "D1", "--quick", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["verdict"]["decision"] == "nurture"


def test_a_one_megabyte_paste_and_control_characters_are_stored_as_typed(db: Path) -> None:
    """Hostile input in the interview: pasted whole (bracketed paste), stored exactly."""
    import threading

    account = "Ünïcödé 🚀 عربي " + "x" * 1_000_000
    rest = NEW_DEAL.split("\r", 1)[1]  # everything after the account's Enter
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):

        def typist() -> None:
            inp.send_text("\x1b[200~" + account + "\x1b[201~\r" + rest)
            inp.close()

        thread = threading.Thread(target=typist)
        thread.start()
        result = invoke("--today", TODAY, "qualify", "--json")
        thread.join()
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select account from deals") == [(account,)]
