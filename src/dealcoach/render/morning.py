"""The morning screen of `next`: what to send today and why, then the deals to decide on."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from dealcoach.render.documents import stored_reasons
from dealcoach.render.text import DECISION_STYLE, clean, deal_ref, followup_ref, short_day

if TYPE_CHECKING:
    from rich.console import Console

    from dealcoach.records import Outcome

DECIDE_LINES = 6  # deals to decide on shown each morning; --all shows them all
DECIDE_WORD = {"let_go": "LET GO", "nurture": "NURTURE"}
SHORT_BELOW = 40  # a terminal with fewer lines gets `next --short` by default


def short_by_default(stream: Any = None) -> bool:
    """`next` is one line per item on a small terminal; piped output stays whole (a file is read,
    not glanced at). `shutil` reads LINES first, then the terminal."""
    import shutil
    import sys

    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return False
    return shutil.get_terminal_size().lines < SHORT_BELOW


def next_screen(
    con: Console,
    *,
    today: date,
    shown: list[Any],
    more: int,
    decided: list[Mapping[str, Any]],
    stale: list[Mapping[str, Any]],
    unqualified: list[Mapping[str, Any]],
    next_due: str | None,
    changes: list[tuple[Mapping[str, Any], Outcome]],
    has_deals: bool,
    decide_limit: int | None = None,
    short: bool = False,
) -> None:
    """The morning screen: a dozen items, each with what to bring and why today (`short`: one
    line each, for a small terminal or a glance)."""
    from rich.table import Table
    from rich.text import Text

    if short:
        _short_screen(con, today, shown, more, decided, stale, unqualified, next_due, has_deals)
        return
    if not has_deals:
        con.print(Text("No open deals yet: run dealcoach qualify right after your next meeting."))
        return
    title = Text(today.strftime("%A %Y-%m-%d"), style="bold")
    count = len(shown) + more
    title.append(f" · {count} to do" if count else " · nothing due today", style="dim")
    con.print(title)
    for deal, outcome in changes:
        previous = outcome.previous or {}
        line = Text("  verdict ", style="dim")
        line.append(f"{deal_ref(deal['id'])} {clean(deal['account'])}: ")
        line.append(
            f"{previous.get('decision', '?').replace('_', ' ')} → "
            f"{outcome.verdict.decision.value.replace('_', ' ')}",
            style=DECISION_STYLE[outcome.verdict.decision.value],
        )
        from dealcoach.domain.verdict_change import improved, summary  # only on a change

        better = improved(str(previous.get("decision")), outcome.verdict.decision.value)
        said = summary(outcome.changes, outcome.verdict.reasons, better=better)
        if said:
            line.append(f": {clean(said)}")
        con.print(line)
    if shown:
        table = Table(box=None, pad_edge=False, show_header=False, padding=(0, 1))
        table.add_column("id", style="cyan", no_wrap=True)
        table.add_column("what")
        for ranked in shown:
            item = ranked.item
            head = Text()
            head.append(f"{deal_ref(item.deal_id)} {clean(item.account)}", style="bold")
            to = f"{item.channel} to {clean(item.who)}" if item.who else item.channel
            if item.channel == "task":
                to = "your task"
            head.append(f"  {to}", style="dim")
            body = Text(clean(item.bring))
            why = Text(f"why: {clean(ranked.why)}", style="red" if ranked.days_overdue else "dim")
            if item.milestone and item.milestone not in ranked.why and item.channel != "task":
                why.append(f" · for their {clean(item.milestone)}", style="dim")
            table.add_row(
                followup_ref(item.followup_id), Text.assemble(head, "\n", body, "\n", why)
            )
        con.print(table)
        if more:
            con.print(Text(f"+{more} more (dealcoach next --all)", style="dim"))
    elif next_due:
        con.print(
            Text(f"Nothing due today. Next follow-up: {short_day(next_due, today)}.", style="dim")
        )
    else:
        con.print(Text("Nothing planned.", style="dim"))
    _decisions(con, decided, stale, unqualified, limit=decide_limit)
    con.print()
    for label, command in (
        ("sent one?  ", "dealcoach done F<id>"),
        ("a reply?   ", "dealcoach log D<id> --kind email --replied"),
    ):
        tip = Text(label, style="dim")
        tip.append(command, style="bold")
        con.print(tip, soft_wrap=True)


def _decisions(
    con: Console,
    decided: list[Mapping[str, Any]],
    stale: list[Mapping[str, Any]],
    unqualified: list[Mapping[str, Any]],
    *,
    limit: int | None,
) -> None:
    """Deals to decide on, a few at a time: the morning screen stays readable at a glance."""
    from rich.text import Text

    total = len(decided) + len(stale)
    if not total and not unqualified:
        return
    if limit is not None and total > limit:
        decided = decided[:limit]
        stale = stale[: max(0, limit - len(decided))]
    hidden = total - len(decided) - len(stale)
    from rich.table import Table

    con.print()
    con.print(Text("Decide", style="bold"))
    table = Table(box=None, pad_edge=False, show_header=False, padding=(0, 1))
    table.add_column("what", no_wrap=True)
    table.add_column("deal")
    for row in decided:
        word = row["decision"]
        reasons = stored_reasons(row.get("reasons"))
        body = Text(f"{deal_ref(row['id'])} {clean(row['account'])}", style="bold")
        if reasons:
            body.append(f": {clean(reasons[0]['detail'])}", style="")
        hint = (
            f"dealcoach close D{row['id']} let-go  ·  dealcoach keep D{row['id']} --until DATE"
            if word == "let_go"
            else "quiet until its check-back; or keep it, or close it"
        )
        body.append(f"\n{hint}", style="dim")
        table.add_row(Text(DECIDE_WORD[word], style=DECISION_STYLE[word]), body)
    for row in stale:
        body = Text(f"{deal_ref(row['id'])} {clean(row['account'])}", style="bold")
        body.append(f": no touch for {row['quiet_days']} days, nothing planned", style="")
        table.add_row(Text("STALE", style="yellow"), body)
    if unqualified:
        names = ", ".join(f"{deal_ref(r['id'])} {clean(r['account'])}" for r in unqualified[:3])
        more = f" and {len(unqualified) - 3} more" if len(unqualified) > 3 else ""
        body = Text(f"not qualified yet: {names}{more}", style="bold")
        body.append(f"\ndealcoach qualify {deal_ref(unqualified[0]['id'])}", style="dim")
        table.add_row(Text("NEW", style="cyan"), body)
    con.print(table)
    if hidden:
        con.print(Text(f"+{hidden} more to decide (dealcoach next --all)", style="dim"))


def _short_screen(
    con: Console,
    today: date,
    shown: list[Any],
    more: int,
    decided: list[Mapping[str, Any]],
    stale: list[Mapping[str, Any]],
    unqualified: list[Mapping[str, Any]],
    next_due: str | None,
    has_deals: bool,
) -> None:
    """One line per item: the id, the deal, what to bring, for whom, why; cut to the width."""
    from rich.text import Text

    if not has_deals:
        con.print(Text("No open deals yet: run dealcoach qualify right after your next meeting."))
        return
    title = Text(today.strftime("%A %Y-%m-%d"), style="bold")
    count = len(shown) + more
    title.append(f" · {count} to do" if count else " · nothing due today", style="dim")
    if not shown and next_due:
        title.append(f" · next {short_day(next_due, today)}", style="dim")
    con.print(title)
    width = max(con.width, 60)
    for ranked in shown:
        item = ranked.item
        who = "your task" if item.channel == "task" else f"to {item.who}" if item.who else ""
        head = _cut(f"{deal_ref(item.deal_id)} {item.account}", 22)
        who = _cut(who, 20)
        what = _what(item.bring)
        left = width - 5 - len(head) - len(who) - 6  # the id, and two spaces before each part
        what = _cut(what, max(20, left - 16))  # what to bring first; why gets what is left
        why = _cut(_few_words(ranked.why, item), max(12, min(30, left - len(what))))
        line = Text(f"{followup_ref(item.followup_id):<4} ", style="cyan")
        line.append(clean(head), style="bold")
        line.append(f"  {clean(what)}")
        line.append(f"  {clean(who)}", style="dim")
        line.append(f"  {clean(why)}", style="red" if ranked.days_overdue else "dim")
        con.print(line, no_wrap=True, overflow="ellipsis")
    rows = [
        (DECIDE_WORD[row["decision"]], DECISION_STYLE[row["decision"]], row, _reason(row))
        for row in decided
    ]
    rows += [("STALE", "yellow", row, f"no touch for {row['quiet_days']} days") for row in stale]
    rows += [
        ("NEW", "cyan", row, f"not qualified yet: dealcoach qualify {deal_ref(row['id'])}")
        for row in unqualified
    ]
    for word, style, row, said in rows:
        line = Text(f"{word:<8} ", style=style)
        line.append(clean(_cut(f"{deal_ref(row['id'])} {row['account']}", 24)), style="bold")
        line.append(f"  {clean(said)}" if said else "")
        con.print(line, no_wrap=True, overflow="ellipsis")
    if more:
        con.print(Text(f"+{more} more (dealcoach next --all)", style="dim"))


def _few_words(why: str, item: Any) -> str:
    """Why today, short: the reason's first clause, and the buyer step when the reason lacks it."""
    words = why.split(" (")[0]
    if item.milestone and item.milestone not in why and item.channel != "task":
        words += f" · {item.milestone}"
    return words


def _what(bring: str) -> str:
    """What to bring, short: its first part, without the asides in brackets."""
    import re

    return re.sub(r"\s*\([^)]*\)", "", bring.split(";")[0]).strip() or bring


def _reason(row: Mapping[str, Any]) -> str:
    reasons = stored_reasons(row.get("reasons"))
    return str(reasons[0]["detail"]) if reasons else ""


def _cut(text: str, width: int) -> str:
    """At most `width` characters, an ellipsis where it was cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
