"""The learned win probability on screen: beside the verdict, and its factors on the card."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dealcoach.render.text import clean

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

Row = Mapping[str, Any]
SHOWN_FACTORS = 4  # factors on the card; `show --json` has them all


def percent(probability: float) -> str:
    """`23%`; under 1% and over 99% say so rather than round to a certainty."""
    if probability < 0.01:
        return "<1%"
    if probability > 0.99:
        return ">99%"
    return f"{probability:.0%}"


def factors_of(deal: Row) -> list[tuple[str, float]]:
    raw = deal.get("win_factors")
    if isinstance(raw, str):
        raw = json.loads(raw)
    return [(str(f["factor"]), float(f["effect"])) for f in raw or []]


def points(effect: float) -> str:
    """`+9 pts`, `−6 pts` (a true minus sign, so the sign reads at a glance)."""
    sign = "+" if effect >= 0 else "\u2212"
    return f"{sign}{abs(effect):.0f} pts"


def win_cell(deal: Row) -> str:
    """The list's few characters: ` 23%`, or nothing without a probability."""
    probability = deal.get("win_probability")
    return "" if probability is None else f" {percent(float(probability))}"


def win_block(con: Console, deal: Row) -> None:
    """The card's lines: the probability with its strongest factors, or why there is none."""
    from rich.text import Text

    probability = deal.get("win_probability")
    if deal.get("status") not in (None, "open"):
        return
    line = Text("Win probability ", style="bold")
    if probability is None:
        note = deal.get("win_note")
        if note:
            line.append(clean(note), style="dim")
            con.print(line)
        return
    line.append(percent(float(probability)), style="bold")
    line.append("  learned from your closed deals", style="dim")
    con.print(line)
    for factor, effect in factors_of(deal)[:SHOWN_FACTORS]:
        row: Text = Text("  ")
        row.append(points(effect).rjust(8), style="green" if effect >= 0 else "red")
        row.append("  " + clean(factor))
        con.print(row)
