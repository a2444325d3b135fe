"""A simulated month: the examples qualified on Mon 2026-11-23, then every working morning to Dec 23.

Each morning the rep reads `next` (the screen first, where verdict changes are announced, then
`--json`) and acts: sends what is due (`done`), sometimes late, logs replies and stop signals,
snoozes, keeps and closes. Every command runs in-process on a real SQLite file, and after each one
the file is checked against the unanswered ceiling.

The cast (ids in order of qualification):

- D1 healthy-district: dated buyer steps, replies after each, closed won on Dec 17;
- D2 thin-lead: silence; one follow-up sent late; turns `let_go` (ghosted); kept until Dec 21;
- D3 back-burner: nurture from the start, check-back on the buyer's date (Feb 23);
- D4 the thin lead's twin (same answers, another account): the buyer answers ("after Dec 7"),
  the deal is snoozed, then the buyer loses funding until March: nurture.

Expectations come from the product design (README.md); where the tool differs in a way that looks like a bug, the
designed way is written as a strict xfail at the end of the file.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .clirun import EXAMPLES, invoke

D1, D2, D3, D4 = 1, 2, 3, 4
MEETING = "2026-11-23"
# US working days of the month: Thanksgiving (Thu Nov 26) is skipped, Dec 24 - Jan 1 is the break.
MONTH = [
    "2026-11-24", "2026-11-25", "2026-11-27",
    "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04",
    "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11",
    "2026-12-14", "2026-12-15", "2026-12-16", "2026-12-17", "2026-12-18",
    "2026-12-21", "2026-12-22", "2026-12-23",
]  # fmt: skip
# The unanswered ceiling per deal, from the README's cadence table: D1 is decision support (3 + 1 to
# another stakeholder, + 1 because it came inbound); D2 and D4 are small outbound deals under
# acceleration (3); D3 is decision support from a referral (3 + 1 to another stakeholder).
CEILING = {D1: 5, D2: 3, D3: 4, D4: 3}
TWO_WAY = "(inbound = 1 OR replied = 1 OR kind = 'meeting')"
CHANGE_LINE = re.compile(r"verdict D(\d+) .*?: (pursue|nurture|let go) → (pursue|nurture|let go)")


@dataclass
class Morning:
    """One `next --json`, with the questions the script asks of it."""

    doc: dict[str, Any]

    def due(self, deal: int | None = None) -> list[dict[str, Any]]:
        return [i for i in self.doc["due"] if deal is None or i["deal_id"] == deal]

    def listed(self, name: str) -> list[int]:
        return [d["deal_id"] for d in self.doc[name]]

    def purposes(self) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for item in self.doc["due"]:
            found.setdefault(item["deal_id"], []).append(item["purpose"])
        return found


@dataclass
class Rep:
    """Drives the CLI one day at a time and checks every morning and every write."""

    db: Path
    day: str = MEETING
    closed: set[int] = field(default_factory=set)
    # (day, deal, from, to) for every verdict change the rep was told about
    announced: list[tuple[str, int, str, str]] = field(default_factory=list)

    # -- commands -----------------------------------------------------------------------------

    def cli(self, *args: str, input: str | None = None) -> str:
        result = invoke("--today", self.day, *args, input=input)
        assert result.exit_code == 0, (self.day, args, result.stdout, result.stderr)
        self.check_ceiling()
        return result.stdout

    def cli_json(self, *args: str, input: str | None = None) -> dict[str, Any]:
        return json.loads(self.cli(*args, "--json", input=input))

    def morning(self, day: str) -> Morning:
        expected = MONTH[MONTH.index(self.day) + 1] if self.day in MONTH else MONTH[0]
        assert day == expected, f"the script skipped a working day: {expected}"
        self.day = day
        for deal, before, after in CHANGE_LINE.findall(self.cli("next")):
            self.announced.append((day, int(deal), _word(before), _word(after)))
        am = Morning(self.cli_json("next"))
        self.check_agenda(am)
        return am

    def done(self, fid: int, *options: str) -> dict[str, Any]:
        return self.recorded(self.cli_json("done", f"F{fid}", *options))

    def log(self, deal: int, *options: str) -> dict[str, Any]:
        return self.recorded(self.cli_json("log", f"D{deal}", *options))

    def recorded(self, doc: dict[str, Any]) -> dict[str, Any]:
        if doc["change"] is not None:
            change = doc["change"]
            self.announced.append((self.day, doc["touch"]["deal_id"], change["from"], change["to"]))
        return doc

    # -- the file -----------------------------------------------------------------------------

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(self.db)) as conn:
            return conn.execute(sql, params).fetchall()

    def decision(self, deal: int) -> tuple[str, list[dict[str, str]]]:
        [(decision, reasons)] = self.query("SELECT decision, reasons FROM deals WHERE id = ?", deal)
        return decision, json.loads(reasons)

    def planned(self, deal: int) -> list[tuple[str, str, str]]:
        """(purpose, due, key) of the deal's unsent follow-ups."""
        return self.query(
            "SELECT purpose, due, key FROM followups WHERE deal_id = ? AND status = 'planned'"
            " ORDER BY due, id",
            deal,
        )

    def counting_planned(self, deal: int) -> int:
        [(count,)] = self.query(
            "SELECT count(*) FROM followups WHERE deal_id = ? AND status = 'planned' AND counts = 1",
            deal,
        )
        return count

    def unanswered(self, deal: int) -> int:
        """Outbound emails and calls since the last two-way contact, outside the pauses.

        The pauses, per the design, that this month has: a dated buyer step (touches up to the last
        buyer step's date; the grace after it is not needed here) and the deal's snooze.
        """
        [(snoozed, last_step)] = self.query(
            "SELECT d.snoozed_until, (SELECT max(s.date) FROM steps s WHERE s.deal_id = d.id"
            " AND s.owner IN ('buyer', 'both')) FROM deals d WHERE d.id = ?",
            deal,
        )
        # Touches are ordered by date, then (within a day) by the order they were recorded.
        [(day, last)] = self.query(
            f"SELECT date, id FROM touches WHERE deal_id = ? AND {TWO_WAY}"
            " ORDER BY date DESC, id DESC LIMIT 1",
            deal,
        ) or [("", 0)]
        rows = self.query(
            "SELECT date FROM touches WHERE deal_id = ? AND kind IN ('email', 'call')"
            f" AND NOT {TWO_WAY} AND (date > ? OR (date = ? AND id > ?))",
            deal,
            day,
            day,
            last,
        )
        paused_until = max(snoozed or "", last_step or "")
        return sum(1 for (day,) in rows if day > paused_until)

    def check_ceiling(self) -> None:
        """Nothing is ever planned past the ceiling: sent unanswered + planned counting <= it."""
        if not self.db.exists():
            return
        for (deal,) in self.query("SELECT id FROM deals WHERE status = 'open'"):
            total = self.unanswered(deal) + self.counting_planned(deal)
            assert total <= CEILING[deal], (self.day, deal, self.planned(deal))

    def check_agenda(self, am: Morning) -> None:
        doc = am.doc
        assert doc["date"] == self.day
        for item in doc["due"]:
            assert item["due"] <= self.day, item
            assert item["bring"].strip() and item["why"].strip(), item
            assert item["deal_id"] not in self.closed, item
        order = [(i["tier"], -i["urgency"], i["due"], i["id"]) for i in doc["due"]]
        assert order == sorted(order), "by tier, then urgency, then due date, then id"
        tiers = [i["tier"] for i in doc["due"]]
        assert tiers == sorted(tiers)
        for name in ("let_go", "nurture", "stale"):
            listed = am.listed(name)
            assert len(listed) == len(set(listed)), (name, listed)
            assert not set(listed) & self.closed
        assert doc["next_due"] is None if doc["due"] else doc["next_due"] > self.day


def _word(text: str) -> str:
    return text.replace(" ", "_")


def _twin_answers() -> str:
    """The thin lead's answers for another account, as JSON for `qualify --answers -`."""
    answers = tomllib.loads((EXAMPLES / "thin-lead.toml").read_text(encoding="utf-8"))
    answers["deal"]["account"] = "Tailspin Toys"
    return json.dumps(answers)


@pytest.fixture
def rep(dealcoach_home: Path) -> Iterator[Rep]:
    """The examples qualified on Mon 2026-11-23, in this order: D1, D2, D3, then D2's twin D4."""
    rep = Rep(dealcoach_home / "dealcoach.db")
    for name in ("healthy-district.toml", "thin-lead.toml", "back-burner.toml"):
        rep.cli("qualify", "--answers", str(EXAMPLES / name))
    rep.cli("qualify", "--answers", "-", input=_twin_answers())
    accounts = rep.query("SELECT id, account FROM deals ORDER BY id")
    assert [a for _, a in accounts] == [
        "Lincoln Unified School District",
        "Northwind Traders",
        "Contoso Health",
        "Tailspin Toys",
    ]
    yield rep


def test_a_month_of_mornings(rep: Rep) -> None:
    # -- Mon Nov 23: the plans the meetings left ---------------------------------------------
    # The thin lead (acceleration, ceiling 3): the recap the next business day, then 2 and 3
    # business days apart (Thanksgiving, Thu Nov 26, is no working day); the third closes the loop.
    for deal in (D2, D4):
        assert [(p, due) for p, due, _ in rep.planned(deal)] == [
            ("recap", "2026-11-24"),
            ("discovery", "2026-11-27"),
            ("close_loop", "2026-12-02"),
        ]
    # The back-burnered deal: nurture until the buyer's own date, "in 3 months".
    assert rep.decision(D3)[0] == "nurture"
    assert [(p, due) for p, due, _ in rep.planned(D3)] == [("check_back", "2027-02-23")]
    # The healthy district: a deliverable 3-5 business days before each buyer step, an outcome
    # call 2 business days after; the pilot report is ours, so it is a task.
    d1 = {key: due for _, due, key in rep.planned(D1)}
    assert d1["after:teacher-survey"] == "2026-12-02"  # survey Mon Nov 30
    assert d1["task:pilot-report"] == "2026-12-03"  # our pilot report Mon Dec 07
    assert d1["before:board-presentation"] == "2026-12-08"  # board Mon Dec 14
    assert d1["after:board-presentation"] == "2026-12-16"

    # -- Tue Nov 24: three recaps --------------------------------------------------------------
    am = rep.morning("2026-11-24")
    assert am.purposes() == {D1: ["recap"], D2: ["recap"], D4: ["recap"]}
    [d1_recap] = am.due(D1)
    # The survey is 3-5 business days ahead: the recap is the touch that brings its template.
    assert "Survey template" in d1_recap["bring"] and d1_recap["milestone"] == "Teacher survey"
    assert am.due(D2)[0]["tier"] == 5 and am.due(D2)[0]["why"] == "due today"
    assert am.listed("nurture") == [D3] and am.listed("let_go") == []
    for item in am.due():
        rep.done(item["id"])

    # -- Wed Nov 25: nothing due; the next is after the holiday --------------------------------
    am = rep.morning("2026-11-25")
    assert am.due() == [] and am.doc["next_due"] == "2026-11-27"

    # -- Fri Nov 27: the business case for both thin leads; D2's is left for Monday ---------------
    # D1's superintendent signs but was never met: Dana is asked for an introduction.
    am = rep.morning("2026-11-27")
    assert am.purposes() == {D1: ["discovery"], D2: ["discovery"], D4: ["discovery"]}
    [intro] = am.due(D1)
    assert intro["who"] == "Dana Ruiz" and "an introduction to Marcus Hale" in intro["bring"]
    rep.done(intro["id"])
    d2_case = am.due(D2)[0]["id"]
    rep.done(am.due(D4)[0]["id"])

    # -- Mon Nov 30: D2's follow-up is overdue; D4's buyer answers -----------------------------------
    am = rep.morning("2026-11-30")
    [late] = am.due()
    assert (late["id"], late["tier"]) == (d2_case, 3)
    assert late["days_overdue"] > 0 and "overdue" in late["why"]
    assert late["urgency_parts"]["overdue"] == 0.333  # one working day overdue, of 3
    # An unsent follow-up is ours, not the buyer's silence: only the recap went unanswered.
    assert rep.unanswered(D2) == 1
    decision, reasons = rep.decision(D2)
    assert decision == "pursue" and "ghosted" not in {r["signal"] for r in reasons}
    sent = rep.done(d2_case)
    # The close-the-loop follows the late send by 3 business days (spacing 2 -> 3).
    assert (sent["next"]["purpose"], sent["next"]["due"]) == ("close_loop", "2026-12-03")
    assert "now, later or no" in sent["next"]["bring"]

    assert (rep.unanswered(D4), rep.counting_planned(D4)) == (2, 1)
    reply = rep.log(D4, "--kind", "email", "--replied", "--who", "Sam Lee", "--note", "after Dec 7")
    assert reply["change"] is None and reply["verdict"]["decision"] == "pursue"
    # The reply resets the count: the plan grows back to the whole ceiling.
    assert (rep.unanswered(D4), rep.counting_planned(D4)) == (0, CEILING[D4])
    rep.cli("snooze", "D4", "--until", "2026-12-07")

    # -- Tue Dec 1 ------------------------------------------------------------------------------
    assert rep.morning("2026-12-01").due() == []

    # -- Wed Dec 2: how the survey went (2 business days after it); Dana answers ---------------------
    am = rep.morning("2026-12-02")
    assert am.purposes() == {D1: ["after_step"]}
    assert am.due(D1)[0]["milestone"] == "Teacher survey"
    rep.done(am.due(D1)[0]["id"], "--replied", "--note", "survey results are in")

    # -- Thu Dec 3: our pilot report (a task); D2's last follow-up --------------------------------
    am = rep.morning("2026-12-03")
    assert am.purposes() == {D1: ["our_step"], D2: ["close_loop"]}
    assert am.due(D1)[0]["channel"] == "task"
    rep.done(am.due(D1)[0]["id"])
    last = rep.done(am.due(D2)[0]["id"])
    # The ceiling is reached: nothing more is planned, and the buyer gets time to answer.
    assert last["next"] is None and last["change"] is None
    assert rep.planned(D2) == [] and rep.unanswered(D2) == CEILING[D2]

    # -- Fri Dec 4: still quiet; D2 is not let go on the day after its last follow-up -------------
    am = rep.morning("2026-12-04")
    assert am.due() == [] and am.listed("let_go") == []

    # -- Mon Dec 7: D2 turns let go (ghosted); D4's snooze is over ------------------------------
    # (Two working days to answer the last follow-up, sent Thu Dec 3, are the tool's choice.)
    am = rep.morning("2026-12-07")
    assert am.listed("let_go") == [D2]
    [let_go] = am.doc["let_go"]
    assert let_go["reasons"][0] == {
        "signal": "ghosted",
        "detail": "last answer 2026-11-23; 3 follow-ups unanswered since 2026-11-24",
    }
    assert let_go["since"] == "2026-12-07"
    assert rep.announced == [("2026-12-07", D2, "pursue", "let_go")]
    assert am.due(D4), "the buyer's date has come: D4 is back on the agenda"
    rep.done(am.due(D4)[0]["id"])

    # -- Tue Dec 8: the case study 4 business days before the board; keep D2 ---------------------
    am = rep.morning("2026-12-08")
    [board] = am.due(D1)
    assert board["purpose"] == "before_step" and board["milestone"] == "Board presentation"
    assert board["bring"].startswith("Case study from a district of similar size")
    rep.done(board["id"])
    assert am.listed("let_go") == [D2]
    rep.cli("keep", "D2", "--until", "2026-12-21")

    # -- Wed Dec 9: D2 is quiet; D4's buyer lost funding until March ------------------------------
    am = rep.morning("2026-12-09")
    assert D2 not in am.listed("let_go") + am.listed("stale")
    stop = rep.log(
        D4, "--kind", "call", "--replied", "--who", "Sam Lee",
        "--signal", "lost_funding", "--until", "2027-03-01",
    )  # fmt: skip
    assert stop["change"] == {
        "from": "pursue",
        "to": "nurture",
        "reasons": [
            {
                "signal": "stop_reason",
                "detail": "the buyer lost funding until 2027-03-01",
                "change": "appeared",
            }
        ],
    }
    assert stop["verdict"]["check_back"] == "2027-03-01"
    assert [(p, due) for p, due, _ in rep.planned(D4)] == [("check_back", "2027-03-01")]

    # -- Thu Dec 10 - Tue Dec 15: nothing due; D2 kept, D4 nurtured --------------------------------
    for day in ("2026-12-10", "2026-12-11", "2026-12-14", "2026-12-15"):
        am = rep.morning(day)
        assert am.due() == [] and am.doc["next_due"] == "2026-12-16"
        assert am.listed("let_go") == [] and am.listed("stale") == []
        if day == "2026-12-10":
            assert D4 in am.listed("nurture")

    # -- Wed Dec 16: how the board went (2 business days after it): approved ---------------------
    am = rep.morning("2026-12-16")
    assert am.purposes() == {D1: ["after_step"]}
    assert am.due(D1)[0]["milestone"] == "Board presentation"
    rep.done(am.due(D1)[0]["id"], "--replied", "--note", "the board approved")

    # -- Thu Dec 17: signed: close D1 won --------------------------------------------------------
    am = rep.morning("2026-12-17")
    assert am.due() == [] and am.doc["next_due"] == "2026-12-18"
    rep.cli("close", "D1", "won", "--reason", "purchase order signed")
    rep.closed.add(D1)
    assert rep.planned(D1) == []

    # -- Fri Dec 18: the security deliverable would have been due; D1 has left next ---------------
    am = rep.morning("2026-12-18")
    assert am.due() == [] and am.doc["next_due"] == "2027-02-23"  # D3's check-back

    # -- Mon Dec 21 - Wed Dec 23: the keep is over: D2 is back among the let go ------------------
    for day in ("2026-12-21", "2026-12-22", "2026-12-23"):
        am = rep.morning(day)
        assert am.due() == [] and am.listed("let_go") == [D2]

    # -- The whole month ------------------------------------------------------------------------
    # Two verdict changes, each announced once, on the day it happened, with its reason.
    assert rep.announced == [
        ("2026-12-07", D2, "pursue", "let_go"),
        ("2026-12-09", D4, "pursue", "nurture"),
    ]
    assert [(d, rep.decision(d)[0]) for d in (D2, D3, D4)] == [
        (D2, "let_go"),
        (D3, "nurture"),
        (D4, "nurture"),
    ]
    # D3 was never due: its check-back is in February.
    assert rep.query("SELECT count(*) FROM touches WHERE deal_id = ?", D3) == [(1,)]
    sent = rep.query(
        "SELECT deal_id, count(*) FROM followups WHERE status = 'done' GROUP BY deal_id"
    )
    assert dict(sent) == {D1: 6, D2: 3, D4: 3}


# -- where the tool differs from the design ---------------------------------------------------------


def test_the_recap_that_brings_a_step_deliverable_ranks_as_one(rep: Rep) -> None:
    [recap] = rep.morning("2026-11-24").due(D1)
    assert recap["milestone"] == "Teacher survey"
    # The design: tier 2 is "a deliverable for a buyer step within 3 business days";
    # step = 1 / (1 + working days until the buyer step the follow-up serves) = 1 / (1 + 3).
    assert (recap["tier"], recap["urgency_parts"]["step"]) == (2, 0.25)


def test_the_close_the_loop_keeps_its_id_when_an_earlier_touch_is_sent(rep: Rep) -> None:
    rep.morning("2026-11-24")
    [(before,)] = rep.query(
        "SELECT id FROM followups WHERE deal_id = ? AND purpose = 'close_loop'"
        " AND status = 'planned'",
        D2,
    )
    [(recap,)] = rep.query("SELECT id FROM followups WHERE deal_id = ? AND purpose = 'recap'", D2)
    rep.done(recap)
    # The design: a follow-up keeps its id as long as it serves the same purpose; an id copied
    # from this morning's plan still works at noon.
    assert rep.query(
        "SELECT id, due FROM followups WHERE deal_id = ? AND purpose = 'close_loop'"
        " AND status = 'planned'",
        D2,
    ) == [(before, "2026-12-02")]


def _until_the_snooze_ends(rep: Rep) -> Morning:
    """The month's D4 up to Mon Dec 7: recap and business case sent, a reply, a snooze."""
    for item in rep.morning("2026-11-24").due(D4):
        rep.done(item["id"])
    rep.morning("2026-11-25")
    rep.done(rep.morning("2026-11-27").due(D4)[0]["id"])
    rep.morning("2026-11-30")
    rep.log(D4, "--kind", "email", "--replied", "--who", "Sam Lee", "--note", "after Dec 7")
    rep.cli("snooze", "D4", "--until", "2026-12-07")
    for day in ("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"):
        assert rep.morning(day).due(D4) == []
    return rep.morning("2026-12-07")


def test_a_snoozed_deal_comes_back_on_its_date_one_touch_nothing_overdue(rep: Rep) -> None:
    due = _until_the_snooze_ends(rep).due(D4)
    # The design: the buyer named the date, so nothing was ours to send before it (not overdue);
    # and two touches to one person are never closer than 2 business days.
    assert [(i["days_overdue"], i["tier"] != 3) for i in due] == [(0, True)]


def test_a_follow_up_just_sent_is_not_planned_again_the_same_day(rep: Rep) -> None:
    # A variant of the month: on Wed Nov 25 D2's buyer writes "after Dec 1", and the rep snoozes.
    rep.done(rep.morning("2026-11-24").due(D2)[0]["id"])
    rep.morning("2026-11-25")
    rep.cli("snooze", "D2", "--until", "2026-12-01")
    for day in ("2026-11-27", "2026-11-30"):
        assert rep.morning(day).due(D2) == []
    [case] = rep.morning("2026-12-01").due(D2)
    assert (case["purpose"], case["days_overdue"]) == ("discovery", 0)
    sent = rep.done(case["id"])
    # The design: never closer than 2 business days to another touch to the same person; what
    # was sent stays in the history.
    assert sent["next"]["due"] >= "2026-12-03"
    assert sent["next"]["bring"] != case["bring"]
