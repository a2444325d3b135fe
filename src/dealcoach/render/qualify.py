"""The qualify screen, its notes on stderr, and the plan table and verdict block that `show` and
`plan` reuse."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from dealcoach.render.text import (
    DECISION_STYLE,
    DECISION_WORD,
    clean,
    deal_ref,
    followup_ref,
    money,
    short_day,
)

if TYPE_CHECKING:
    from rich.console import Console

    from dealcoach.records import Outcome, Verdict


def qualify_screen(
    con: Console, deal: Mapping[str, Any], outcome: Outcome, answers: Any, *, today: date
) -> None:
    """What a rep reads in ten seconds after the meeting."""
    from rich.table import Table
    from rich.text import Text

    header = Text()
    header.append(deal_ref(deal["id"]) + " ", style="bold cyan")
    header.append(clean(deal["account"]), style="bold")
    if deal.get("title"):
        header.append(" · " + clean(deal["title"]))
    con.print(header)
    facts = [
        money(deal.get("value"), deal.get("currency")),
        clean(deal.get("stage") or ""),
    ]
    if deal.get("source"):
        facts.append(clean(deal["source"]))
    from rich.padding import Padding

    con.print(Padding(Text(" · ".join(facts), style="dim"), (0, 0, 0, 2)))
    strategy_line = Text(
        f"strategy: {outcome.strategy.strategy.value.replace('_', ' ')} "
        f"({clean(outcome.strategy.why)})",
        style="dim",
    )
    con.print(Padding(strategy_line, (0, 0, 0, 2)))
    con.print()
    overview = Table.grid(padding=(0, 2))
    overview.add_column(style="bold", no_wrap=True)
    overview.add_column()
    for label, line in _overview(answers, today):
        overview.add_row(label, line)
    con.print(overview)
    con.print()
    plan_table(con, outcome.plan, title="Plan", today=today)
    con.print()
    verdict_block(con, outcome.verdict)
    con.print()
    hint = Text("next: ", style="dim")
    hint.append("dealcoach next", style="bold")
    hint.append("  ·  ", style="dim")
    hint.append(f"dealcoach qualify {deal_ref(deal['id'])} --quick", style="bold")
    hint.append(" after the next meeting", style="dim")
    con.print(hint)


def _overview(answers: Any, today: date) -> Iterable[tuple[str, Any]]:
    from rich.text import Text

    def gap(text: str) -> Text:
        return Text("✗ " + text, style="yellow")

    people = [
        clean(p.name)
        + (f" ({p.role.value.replace('_', ' ')}{', met' if p.met else ''})" if p.role else "")
        for p in answers.who
    ]
    yield "Who", Text("; ".join(people)) if people else gap("nobody named yet")
    steps = [
        f"{clean(s.step)} {short_day(s.date, today) if s.date else '(no date)'}"
        + (" [us]" if s.owner.value == "us" else "")
        for s in answers.what
    ]
    yield "What", Text(" · ".join(steps)) if steps else gap("their steps to a decision")
    when = []
    if answers.when.decision_date:
        when.append(f"decision {short_day(answers.when.decision_date, today)}")
    if answers.when.compelling_event:
        when.append(clean(answers.when.compelling_event))
    yield "When", Text(" · ".join(when)) if when else gap("no decision date")
    how = []
    if answers.how.criteria:
        how.append(", ".join(clean(c) for c in answers.how.criteria))
    if answers.how.metrics:
        how.append(clean(answers.how.metrics))
    how.append("budget " + answers.how.budget.value.replace("_", " "))
    yield "How", Text(" · ".join(how)) if answers.how.criteria else gap(" · ".join(how))


def plan_table(con: Console, rows: list[Mapping[str, Any]], *, title: str, today: date) -> None:
    from rich.table import Table
    from rich.text import Text

    if not rows:
        con.print(Text(f"{title}: nothing to send.", style="dim"))
        return
    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("ID", style="cyan", no_wrap=True)
    table.add_column("Due", no_wrap=True)
    table.add_column("Bring", ratio=3)
    table.add_column("For", ratio=1, style="dim")
    for row in rows:
        due = Text(short_day(row["due"], today))
        if str(row["due"]) < today.isoformat():
            due.stylize("red")
        who = clean(row.get("who") or "")
        channel = row["channel"]
        how = "your task" if channel == "task" else f"{channel} to {who}" if who else channel
        bring = Text(clean(row["bring"]))
        bring.append("\n" + how, style="dim")
        table.add_row(followup_ref(row["id"]), due, bring, Text(clean(row.get("milestone") or "")))
    con.print(table)


def verdict_block(con: Console, verdict: Verdict) -> None:
    from rich.text import Text

    word = verdict.decision.value
    line = Text(DECISION_WORD[word], style=DECISION_STYLE[word])
    line.append(f"  confidence {verdict.confidence_label} ({verdict.confidence:.2f})", style="dim")
    if verdict.check_back:
        line.append(f"  · check back {verdict.check_back.isoformat()}")
    con.print(line)
    for reason in verdict.reasons:
        row = Text("  ")
        row.append(reason.signal, style="bold")
        row.append("  " + clean(reason.detail))
        con.print(row)


class QualifyNotes:
    """The notes `qualify` writes on stderr on the way, before its result."""

    def same_account(self, account: str, deal_ids: list[int]) -> None:
        ids = ", ".join(deal_ref(deal_id) for deal_id in deal_ids)
        sys.stderr.write(
            f"dealcoach: note: {clean(account)} already has {ids}; this creates a new deal "
            f"(to re-qualify, run dealcoach qualify {ids.split(',')[0]} --answers FILE)\n"
        )

    def read_as(self, text: str) -> None:
        """An amount read from separators, echoed so that a misreading is seen at once."""
        sys.stderr.write(f"dealcoach: note: {clean(text)}\n")

    def odd_date(self, text: str) -> None:
        """A date kept but worth a second look (a Saturday, after the decision date)."""
        sys.stderr.write(f"dealcoach: note: {clean(text)}\n")

    def reopened(self, deal_id: int) -> None:
        sys.stderr.write(
            f"dealcoach: note: {deal_ref(deal_id)} was closed; qualifying it reopens it\n"
        )
