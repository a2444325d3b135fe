"""The screens of `list` and `plan`: the pipeline one line per deal, and one deal's plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from dealcoach.render.card import header, not_qualified_line
from dealcoach.render.odds import win_cell
from dealcoach.render.qualify import plan_table
from dealcoach.render.text import (
    DECISION_STYLE,
    DECISION_WORD,
    STATUS_STYLE,
    clean,
    deal_ref,
    money,
    user_text,
    words,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from dealcoach.render.views import PipelineLine, Row

ACCOUNT_WIDTH = 24  # list: longer account names end in "…"; the rest of the line goes to "Bring"


def pipeline_screen(
    con: Console, lines: Sequence[PipelineLine], *, today: date, filtered: bool
) -> None:
    """`list`: the lines, or a friendly line when there are none; a status column only when
    some deal is not open."""
    if not lines:
        empty_pipeline(con, filtered=filtered)
        return
    show_status = any(line.deal.get("status") != "open" for line in lines)
    list_screen(con, lines, today=today, show_status=show_status)


def list_screen(
    con: Console, lines: Sequence[PipelineLine], *, today: date, show_status: bool
) -> None:
    """The pipeline, one line per deal, fitted to the terminal.

    The fixed columns keep their width; account and what-to-bring share the rest (2:3) and end
    in "…" when cut. One currency for all lines goes into the header instead of every cell.
    """
    from rich.table import Table
    from rich.text import Text

    currencies = {line.deal.get("currency") for line in lines if line.deal.get("value") is not None}
    shared = currencies.pop() if len(currencies) == 1 else None
    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1, 0, 0), expand=True)
    table.add_column("ID", style="cyan", no_wrap=True)
    table.add_column("Account", no_wrap=True, overflow="ellipsis", ratio=2, max_width=ACCOUNT_WIDTH)
    value_header = clean(shared) if shared else "Value"
    table.add_column(value_header, justify="right", no_wrap=True)
    table.add_column("Stage", no_wrap=True)
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Next", no_wrap=True)
    table.add_column("Bring", no_wrap=True, overflow="ellipsis", ratio=3)
    if show_status:
        table.add_column("Status", no_wrap=True)
    for line in lines:
        deal = line.deal
        value = deal.get("value")
        amount = "-" if value is None else money(value, None if shared else deal.get("currency"))
        due = line.next_due
        next_cell = Text(_compact_day(due, today) if due else "-")
        if due and due < today.isoformat():
            next_cell.stylize("red")
        bring = user_text(line.next["bring"]) if line.next is not None else user_text("")
        cells: list[Any] = [
            deal_ref(deal["id"]),
            user_text(deal["account"]),
            amount,
            user_text(deal.get("stage") or "-"),
            _verdict_word(deal),
            next_cell,
            bring,
        ]
        if show_status:
            status = str(deal.get("status") or "open")
            cells.append(Text(words(status), style=STATUS_STYLE.get(status, "")))
        table.add_row(*cells)
    con.print(table)


def _verdict_word(deal: Row) -> Text:
    """pursue / nurture / let go in the verdict's colour; an imported deal asks to be qualified."""
    from rich.text import Text

    decision = deal.get("decision")
    if not deal.get("qualified"):
        return Text("qualify?" + win_cell(deal), style="yellow")
    if decision in DECISION_WORD:
        style = DECISION_STYLE[decision].removeprefix("bold ")
        word = Text(DECISION_WORD[decision].lower(), style=style)
        word.append(win_cell(deal), style="dim")
        return word
    return Text("-", style="dim")


def _compact_day(value: str, today: date) -> str:
    """`Nov 30` this year, `Jan 05 2027` otherwise: the list has no room for weekdays."""
    day = date.fromisoformat(value)
    return day.strftime("%b %d") if day.year == today.year else day.strftime("%b %d %Y")


def empty_pipeline(con: Console, *, filtered: bool) -> None:
    """A friendly line instead of an empty table."""
    from rich.text import Text

    if filtered:
        con.print(Text("No deals match these filters; try dealcoach list --status all.", "dim"))
        return
    line = Text("No deals yet: after your next meeting, run ")
    line.append("dealcoach qualify", style="bold")
    line.append(".")
    con.print(line)


# -- plan ---------------------------------------------------------------------------------------------


def plan_screen(con: Console, deal: Row, plan: Sequence[Row], *, today: date) -> None:
    """Just the deal's plan, with the strategy it follows."""
    header(con, deal, today=today, full=False)
    con.print()
    if not deal.get("qualified"):
        not_qualified_line(con, deal)
        return
    plan_table(con, list(plan), title="Plan", today=today)
