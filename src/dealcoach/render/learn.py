"""`learn`: how many closed deals the model learned from, how well it predicts against the simple
guesses, and what it found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dealcoach.render.odds import percent, points
from dealcoach.render.text import clean

if TYPE_CHECKING:
    from rich.console import Console

Report = Mapping[str, Any]
SHOWN_FACTORS = 8


def learn_json(report: Report, reason: str | None, scored: int) -> dict[str, Any]:
    """The `learn --json` contract."""
    counts = report.get("counts") or {}
    metrics = report.get("metrics") or {}
    return {
        "model": reason is None,
        "reason": reason,
        "trained_on": report.get("trained_on"),
        "closed": counts.get("closed", 0),
        "won": counts.get("won", 0),
        "lost": counts.get("lost", 0),
        "let_go": counts.get("let_go", 0),
        "base_rate": report.get("base_rate"),
        "auc": metrics.get("auc"),
        "brier": metrics.get("brier"),
        "against": {
            "base_rate": {"auc": metrics.get("base_auc"), "brier": metrics.get("base_brier")},
            "stage_odds": {
                "auc": metrics.get("stage_auc"),
                "brier": metrics.get("stage_brier"),
                "deals": metrics.get("stage_deals"),
            },
        },
        "folds": metrics.get("folds"),
        "factors": [dict(f) for f in report.get("top_factors") or []],
        "left_out": [dict(x) for x in report.get("left_out") or []],
        "scored": scored,
    }


def learn_screen(con: Console, report: Report, reason: str | None, scored: int) -> None:
    from rich.table import Table
    from rich.text import Text

    document = learn_json(report, reason, scored)
    if reason is not None:
        con.print(Text(f"No win probability yet: {clean(reason)}.", style="yellow"))
        con.print(
            Text(
                "Close deals as they end (dealcoach close D7 won|lost), or import your CRM's"
                " closed deals (dealcoach import FILE --from hubspot).",
                style="dim",
            )
        )
        return
    base = document["base_rate"]
    head = Text("Learned from ", style="bold")
    head.append(f"{document['closed']} closed deals", style="bold")
    head.append(
        f"  ({document['won']} won, {document['lost']} lost, of which {document['let_go']} let go;"
        f" your win rate {percent(base)})",
        style="dim",
    )
    con.print(head)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("How well it ranks and predicts")
    table.add_column("AUC", justify="right")
    table.add_column("Brier", justify="right")
    against = document["against"]
    table.add_row("this model (cross-validated)", _num(document["auc"]), _num(document["brier"]))
    table.add_row(
        "your win rate for every deal",
        _num(against["base_rate"]["auc"]),
        _num(against["base_rate"]["brier"]),
    )
    stage = against["stage_odds"]
    stage_label = "stage odds alone" + (
        f" ({stage['deals']} deals with a stage)" if stage["deals"] else ""
    )
    table.add_row(stage_label, _num(stage["auc"]), _num(stage["brier"]))
    con.print(table)
    con.print(
        Text(
            "AUC: 0.5 is a coin toss, 1 ranks every win first. Brier: lower is better.", style="dim"
        )
    )
    _factors(con, document["factors"])
    if document["left_out"]:
        left = ", ".join(
            f"{clean(x.get('feature', ''))} ({clean(x.get('why', ''))})"
            for x in document["left_out"][:6]
        )
        con.print(Text(f"Left out: {left}", style="dim"))
    con.print(
        Text(f"{scored} open deals scored; see dealcoach list or dealcoach review.", style="dim")
    )


def _factors(con: Console, factors: Sequence[Mapping[str, Any]]) -> None:
    from rich.text import Text

    if not factors:
        return
    con.print(Text("What predicts a win", style="bold"))
    for factor in factors[:SHOWN_FACTORS]:
        effect = float(factor["effect"])
        row = Text("  ")
        row.append(points(effect).rjust(8), style="green" if effect >= 0 else "red")
        row.append("  " + clean(factor["factor"]))
        con.print(row)


def _num(value: Any) -> str:
    return "-" if value is None else f"{float(value):.3f}"
