"""`review`: the pipeline review on one screen, with bars where a picture beats a table.

The bars are plain block characters in rich tables: they follow the terminal's width, survive
`NO_COLOR`, and need no plotting library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dealcoach.render.odds import percent, points
from dealcoach.render.text import clean, deal_ref

if TYPE_CHECKING:
    from rich.console import Console

Document = Mapping[str, Any]
BAR = 24  # characters of the longest bar
LISTED = 8  # deals listed per section before "+N more"


def bar(share: float, width: int = BAR) -> str:
    """A bar of `share` (0..1) of `width` characters, in eighths of a character."""
    share = min(max(share, 0.0), 1.0)
    eighths = round(share * width * 8)
    full, rest = divmod(eighths, 8)
    return "\u2588" * full + ("" if rest == 0 else chr(0x2590 - rest))


def review_screen(con: Console, document: Document, *, currency: str) -> None:
    from rich.text import Text

    model = document["model"]
    head = Text("Pipeline review ", style="bold")
    head.append(document["date"], style="dim")
    con.print(head)
    if model["learned"]:
        con.print(
            Text(
                f"Win probabilities learned from {model['closed']} closed deals (your win rate"
                f" {percent(model['base_rate'])}, AUC {model['auc']:.2f}).",
                style="dim",
            )
        )
    else:
        con.print(
            Text(
                f"No learned probabilities ({clean(model['note'] or 'no model')}): the forecast"
                " uses the stage odds, labelled as such.",
                style="yellow",
            )
        )
    con.print()
    _forecast(con, document["forecast"], currency)
    _calibration(con, document["calibration"])
    _factors(con, document["factors"])
    _let_go(con, document["let_go"])
    _deal_list(con, "Silent deals", document["silent"], lambda d: f"{d['signal']}: {d['detail']}")
    _deal_list(
        con,
        "Decision dates passed",
        document["decisions_passed"],
        lambda d: f"{d['decision_date']} ({d['days']} days ago)",
    )


def _forecast(con: Console, forecast: Mapping[str, Any], currency: str) -> None:
    from rich.table import Table
    from rich.text import Text

    con.print(Text("Forecast by month of decision", style="bold"))
    months = forecast["months"]
    if not months:
        con.print(Text("  no open deals", style="dim"))
        con.print()
        return
    top = max((m["expected"] for m in months), default=0.0) or 1.0
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="dim")
    for name, justify in (
        ("month", "left"),
        ("deals", "right"),
        ("value", "right"),
        ("expected", "right"),
        ("", "left"),
        ("basis", "left"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for month in months:
        label = Text(month["month"], style="red" if month["past"] else "")
        table.add_row(
            label,
            str(month["deals"]),
            _amount(month["value"], currency),
            _amount(month["expected"], currency),
            Text(bar(month["expected"] / top), style="cyan"),
            Text(month["basis"], style="dim"),
        )
    table.add_row(
        Text("total", style="bold"),
        str(forecast["deals"]),
        _amount(forecast["value"], currency),
        _amount(forecast["expected"], currency),
        "",
        "",
    )
    con.print(table)
    con.print(Text("  expected = value x win probability; past months in red", style="dim"))
    con.print()


def _calibration(con: Console, calibration: Mapping[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    con.print(Text("How far to trust the numbers", style="bold"))
    buckets = calibration["model"]
    if buckets:
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="dim")
        for name in ("predicted", "", "actual", "", "deals"):
            table.add_column(name, no_wrap=True)
        for b in buckets:
            table.add_row(
                percent(b["predicted"]),
                Text(bar(b["predicted"], 12), style="cyan"),
                percent(b["actual"]),
                Text(bar(b["actual"], 12), style="green"),
                str(b["count"]),
            )
        con.print(Text("  the model on closed deals it did not learn from:", style="dim"))
        con.print(table)
    stages = [s for s in calibration["stages"] if s["deals"]]
    if stages:
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="dim")
        for name in ("stage", "assumed", "", "your win rate", "", "deals"):
            table.add_column(name, no_wrap=True)
        for s in stages:
            table.add_row(
                s["stage"],
                percent(s["assumed"]),
                Text(bar(s["assumed"], 12), style="cyan"),
                percent(s["actual"]),
                Text(bar(s["actual"], 12), style="green"),
                str(s["deals"]),
            )
        con.print(Text("  the stage odds the agenda assumes, against what happened:", style="dim"))
        con.print(table)
    if not buckets and not stages:
        con.print(Text("  nothing closed yet to compare with", style="dim"))
    con.print()


def _factors(con: Console, factors: Sequence[Mapping[str, Any]]) -> None:
    from rich.text import Text

    if not factors:
        return
    con.print(Text("What predicts a win", style="bold"))
    for factor in factors[:LISTED]:
        effect = float(factor["effect"])
        row = Text("  ")
        row.append(points(effect).rjust(8), style="green" if effect >= 0 else "red")
        row.append("  " + clean(factor["factor"]))
        con.print(row)
    con.print()


def _let_go(con: Console, audit: Mapping[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    con.print(Text("Let go", style="bold"))
    if not audit["deals"] and not audit["verdict_let_go_still_open"]:
        con.print(Text("  no deal let go yet", style="dim"))
        con.print()
        return
    if audit["by_strategy"]:
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="dim")
        for name in ("strategy", "ceiling", "deals", "came back"):
            table.add_column(name, no_wrap=True)
        for row in audit["by_strategy"]:
            ceiling = "-" if row["ceiling"] is None else f"{row['ceiling']} unanswered"
            table.add_row(
                row["strategy"].replace("_", " "), ceiling, str(row["deals"]), str(row["came_back"])
            )
        con.print(table)
    for deal in audit["came_back"][:LISTED]:
        con.print(
            Text(
                f"  {deal_ref(deal['deal_id'])} {clean(deal['account'])} answered on"
                f" {deal['came_back_on']} after being let go on {deal['closed_on']}",
                style="yellow",
            )
        )
    waiting = audit["verdict_let_go_still_open"]
    if waiting:
        con.print(
            Text(
                f"  {len(waiting)} open deal(s) the verdict lets go: close them with"
                " dealcoach close D7 let-go, or keep them",
                style="dim",
            )
        )
    con.print()


def _deal_list(con: Console, title: str, deals: Sequence[Mapping[str, Any]], what: Any) -> None:
    from rich.text import Text

    con.print(Text(f"{title} ({len(deals)})", style="bold"))
    for deal in deals[:LISTED]:
        line = Text(f"  {deal_ref(deal['deal_id'])} ")
        line.append(clean(deal["account"]))
        line.append("  " + clean(what(deal)), style="dim")
        con.print(line)
    if len(deals) > LISTED:
        con.print(
            Text(f"  +{len(deals) - LISTED} more (review --json lists them all)", style="dim")
        )
    con.print()


def _amount(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}"
