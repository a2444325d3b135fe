"""The installed `dealcoach` in a real pseudo-terminal: what a rep meets after a meeting."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

EXE = Path(sys.executable).parent / "dealcoach"

pytestmark = pytest.mark.timeout(120)


def spawn(home: Path, *args: str) -> pexpect.spawn:
    env = {
        **os.environ,
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "NO_COLOR": "1",
        "DEALCOACH_HOME": str(home),
        "DEALCOACH_TODAY": "2026-11-23",
    }
    return pexpect.spawn(
        str(EXE), list(args), env=env, dimensions=(24, 80), encoding="utf-8", timeout=20
    )


def test_a_new_deal_interviewed_in_a_real_terminal(dealcoach_home: Path) -> None:
    child = spawn(dealcoach_home, "qualify")
    script = [
        ("Account", "Acme Robotics\r"),
        ("What would they buy", "Fleet telematics\r"),
        ("Estimated value", "25000\r"),
        ("Currency", "\r"),
        ("Stage", "4\r"),
        ("Where did it come from", "1\r"),
        ("Kind of deal", "\r"),
        ("Sector", "\r"),
        ("Date of the meeting", "\r"),
        ("Add a person", "y\r"),
        ("Name", "Jo Park\r"),
        ("title", "\r"),
        ("Role in the decision", "1\r"),
        ("Met in person", "y\r"),
        ("stance", "\r"),
        ("Add another person", "n\r"),
        ("Add a step", "y\r"),
        ("Step\\?", "Board meeting\r"),
        ("Who does it", "\r"),
        ("What will we bring", "ROI case for the CFO\r"),
        ("Date of Board meeting", "in 2 weeks\r"),
        ("Mon 2026-12-07", None),
        ("Add another step", "n\r"),
        ("Decision date", "\r"),
        ("Compelling event", "\r"),
        ("Budget cycle", "\r"),
        ("judge the offer", "\r"),
        ("What result", "\r"),
        ("Alternatives", "\r"),
        ("Budget\\?", "\r"),
        ("Funding", "\r"),
        ("journey", "\r"),
        ("hurt", "\r"),
        ("ideal customer", "\r"),
        ("concrete next step", "n\r"),
        ("stop the deal", "\r"),
        ("strategy", "\r"),
    ]
    for prompt, keys in script:
        child.expect(prompt)
        if keys is not None:
            child.send(keys)
    child.expect("ROI case for the CFO")
    child.expect("PURSUE")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with sqlite3.connect(dealcoach_home / "dealcoach.db") as conn:
        assert conn.execute("select account, value, currency from deals").fetchall() == [
            ("Acme Robotics", "25000", "USD")
        ]
        assert conn.execute("select step, date from steps").fetchall() == [
            ("Board meeting", "2026-12-07")
        ]
    assert not list((dealcoach_home / "drafts").glob("*.json"))


def test_ctrl_c_keeps_the_draft_and_resume_finishes(dealcoach_home: Path) -> None:
    child = spawn(dealcoach_home, "qualify")
    child.expect("Account")
    child.send("Globex\r")
    child.expect("What would they buy")
    child.send("Widgets\r")
    child.expect("Estimated value")
    child.sendcontrol("c")
    child.expect("kept")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert (dealcoach_home / "drafts" / "new.json").exists()

    child = spawn(dealcoach_home, "qualify", "--resume", "--json")
    child.expect("Account")
    child.send("\r")  # the draft's answer is the default
    child.expect("What would they buy")
    child.send("\r")
    child.expect("Estimated value")
    child.send("\r")
    rest = [
        *("Stage", "Where did it come from", "Kind of deal", "Sector"),  # no value: no currency
        "Date of the meeting",
        ("Add a person", "n\r"),
        ("Add a step", "n\r"),
        *("Decision date", "Compelling event", "Budget cycle", "judge the offer", "What result"),
        *("Alternatives", "Budget\\?", "Funding", "journey", "hurt", "ideal customer"),
        ("concrete next step", "n\r"),
        *("stop the deal", "strategy"),
    ]
    for step in rest:
        prompt, keys = step if isinstance(step, tuple) else (step, "\r")
        child.expect(prompt)
        child.send(keys)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with sqlite3.connect(dealcoach_home / "dealcoach.db") as conn:
        assert conn.execute("select account, title from deals").fetchall() == [
            ("Globex", "Widgets")
        ]


def test_a_closed_terminal_keeps_what_was_answered(dealcoach_home: Path) -> None:
    child = spawn(dealcoach_home, "qualify")
    child.expect("Account")
    child.send("Initech\r")
    child.expect("What would they buy")
    child.send("TPS reports\r")
    child.expect("Estimated value")
    child.kill(1)  # SIGHUP: the terminal went away, no cleanup runs
    child.close(force=True)
    draft = (dealcoach_home / "drafts" / "new.json").read_text()
    assert "Initech" in draft and "TPS reports" in draft
