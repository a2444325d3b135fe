"""Screens (rich) and JSON documents (one serialiser per contract).

User text is always shown as text, never as markup, with control characters escaped, so an
account called `Acme [draft]` or one holding an escape sequence shows as written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from dealcoach.records import Touch, Verdict
    from dealcoach.workflow.replan import Outcome

_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}
_CONTROL.update({0x0A: "\\n", 0x09: "\\t", 0x0D: "\\r"})

DECISION_STYLE = {"pursue": "bold green", "nurture": "bold yellow", "let_go": "bold red"}
DECISION_WORD = {"pursue": "PURSUE", "nurture": "NURTURE", "let_go": "LET GO"}


def clean(value: object) -> str:
    """Text from users or imports, safe to put on a terminal."""
    return str(value).translate(_CONTROL)


def deal_ref(deal_id: int) -> str:
    return f"D{deal_id}"


def followup_ref(followup_id: int) -> str:
    return f"F{followup_id}"


def short_day(value: str | date | None, today: date | None = None) -> str:
    """`Tue Nov 24` this year, `Tue Jan 05 2027` otherwise."""
    if value is None or value == "":
        return "-"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    if today is not None and day.year == today.year:
        return day.strftime("%a %b %d")
    return day.strftime("%a %b %d %Y")


def money(value: Decimal | str | None, currency: str | None) -> str:
    if value is None or value == "":
        return "value unknown"
    number = Decimal(str(value))
    text = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"
    return f"{text} {currency or ''}".strip()


# -- JSON -------------------------------------------------------------------------------------


def write_json(document: Any, out: TextIO | None = None) -> None:
    """One JSON document on stdout, written directly (never through a console that wraps)."""
    stream = out or sys.stdout
    stream.write(json.dumps(document, ensure_ascii=False, indent=2, default=_json_default))
    stream.write("\n")
    stream.flush()


def _json_default(value: object) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def deal_json(row: Mapping[str, Any]) -> dict[str, Any]:
    value = row.get("value")
    return {
        "id": row["id"],
        "account": row["account"],
        "title": row.get("title") or "",
        "value": None if value in (None, "") else str(value),
        "currency": row.get("currency"),
        "stage": row.get("stage"),
        "status": row.get("status"),
        "source": row.get("source") or "",
        "type": row.get("type"),
        "sector": row.get("sector"),
        "strategy": row.get("strategy"),
        "strategy_used": row.get("resolved_strategy"),
        "strategy_why": row.get("strategy_why"),
        "decision_date": row.get("decision_date"),
        "created": row.get("created"),
    }


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "decision": verdict.decision.value,
        "confidence": round(verdict.confidence, 2),
        "reasons": [{"signal": r.signal, "detail": r.detail} for r in verdict.reasons],
        "valid_until": verdict.valid_until.isoformat() if verdict.valid_until else None,
        "check_back": verdict.check_back.isoformat() if verdict.check_back else None,
    }


def followup_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "key": row["key"],
        "due": str(row["due"]),
        "channel": row["channel"],
        "who": row.get("who") or None,
        "purpose": row["purpose"],
        "bring": row["bring"],
        "milestone": row.get("milestone") or None,
        "outline": row.get("outline") or "",
    }


def qualify_json(deal: Mapping[str, Any], outcome: Outcome) -> dict[str, Any]:
    return {
        "deal": deal_json(deal),
        "verdict": verdict_json(outcome.verdict),
        "plan": [followup_json(row) for row in outcome.plan],
    }


# -- screens ----------------------------------------------------------------------------------


def console(*, stderr: bool = False) -> Console:
    """Colour and width follow the terminal; NO_COLOR is honoured; no ANSI codes when piped."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, markup=False)


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


# -- the daily loop ---------------------------------------------------------------------------

DECIDE_WORD = {"let_go": "LET GO", "nurture": "NURTURE"}


def _reasons(raw: str | None) -> list[dict[str, str]]:
    return json.loads(raw) if raw else []


def agenda_item_json(ranked: Any) -> dict[str, Any]:
    item = ranked.item
    return {
        "id": item.followup_id,
        "deal_id": item.deal_id,
        "account": item.account,
        "due": item.due.isoformat(),
        "days_overdue": ranked.days_overdue,
        "purpose": item.purpose,
        "bring": item.bring,
        "milestone": item.milestone,
        "channel": item.channel,
        "who": item.who or None,
        "tier": ranked.tier,
        "why": ranked.why,
        "urgency": ranked.urgency,
        "urgency_parts": ranked.urgency_parts,
    }


def decided_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "deal_id": row["id"],
        "account": row["account"],
        "decision": row.get("decision"),
        "reasons": _reasons(row.get("reasons")),
        "since": row.get("verdict_since"),
    }


def next_json(
    today: date,
    ranked: list[Any],
    decided: list[Mapping[str, Any]],
    stale: list[Mapping[str, Any]],
    unqualified: list[Mapping[str, Any]],
    next_due: str | None,
) -> dict[str, Any]:
    """The `next --json` contract."""
    return {
        "date": today.isoformat(),
        "due": [agenda_item_json(r) for r in ranked],
        "let_go": [decided_json(r) for r in decided if r["decision"] == "let_go"],
        "nurture": [decided_json(r) for r in decided if r["decision"] == "nurture"],
        "stale": [
            {
                **decided_json(r),
                "reasons": [
                    {
                        "signal": "stalled",
                        "detail": f"no touch for {r['quiet_days']} days (a {r['stage']} allows {r['allowed']})",
                    }
                ],
                "since": r["last_touch"],
            }
            for r in stale
        ],
        "unqualified": [
            {
                "deal_id": r["id"],
                "account": r["account"],
                "decision": None,
                "reasons": [
                    {"signal": "not_qualified", "detail": f"run dealcoach qualify D{r['id']}"}
                ],
                "since": r["created"],
            }
            for r in unqualified
        ],
        "next_due": next_due,
    }


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
) -> None:
    """The morning screen: a dozen lines, each with what to bring and why today."""
    from rich.table import Table
    from rich.text import Text

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
        if outcome.verdict.reasons:
            line.append(f": {clean(outcome.verdict.reasons[0].detail)}")
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
        reasons = _reasons(row.get("reasons"))
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


def touch_record_json(touch: Touch) -> dict[str, Any]:
    """One touch, the same in `show --json` and in `log` / `done --json`."""
    return {
        "id": touch.id,
        "date": touch.date.isoformat(),
        "kind": touch.kind.value,
        "inbound": touch.inbound,
        "replied": touch.replied,
        "who": touch.who or None,
        "note": touch.note,
        "followup_id": touch.followup_id,
        "followup_key": touch.followup_key,
        "owe": touch.owe or None,
        "owe_closed_on": touch.owe_closed_on.isoformat() if touch.owe_closed_on else None,
        "away_until": touch.away_until.isoformat() if touch.away_until else None,
        "signal": touch.signal.value if touch.signal is not None else None,
        "signal_until": touch.signal_until.isoformat() if touch.signal_until else None,
    }


def touch_json(touch: Touch, deal_id: int, outcome: Outcome) -> dict[str, Any]:
    """The `log --json` / `done --json` contract: the touch, the verdict and its change."""
    previous = outcome.previous
    return {
        "touch": {**touch_record_json(touch), "deal_id": deal_id},
        "verdict": verdict_json(outcome.verdict),
        "change": (
            None
            if previous is None
            else {
                "from": previous["decision"],
                "to": outcome.verdict.decision.value,
                "reasons": [
                    {"signal": r.signal, "detail": r.detail} for r in outcome.verdict.reasons
                ],
            }
        ),
        "next": followup_json(outcome.plan[0]) if outcome.plan else None,
    }


def touch_screen(
    con: Console,
    touch: Touch,
    deal: Mapping[str, Any],
    outcome: Outcome,
    followup_row: Mapping[str, Any] | None,
) -> None:
    from rich.text import Text

    direction = "from" if touch.inbound else "to"
    line = Text("logged ", style="dim")
    line.append(touch.kind.value)
    if touch.who:
        line.append(f" {direction} {clean(touch.who)}")
    line.append(f" on {touch.date.isoformat()}")
    if touch.two_way:
        line.append("  (two-way: the count starts again)", style="green")
    if followup_row is not None:
        line.append(f"  · {followup_ref(followup_row['id'])} done", style="dim")
    line.append(f"  · {deal_ref(deal['id'])} {clean(deal['account'])}", style="dim")
    con.print(line)
    previous = outcome.previous
    if previous is not None:
        word = outcome.verdict.decision.value
        change = Text("verdict: ", style="bold")
        change.append(
            f"{previous['decision'].replace('_', ' ')} → {word.replace('_', ' ')}",
            style=DECISION_STYLE[word],
        )
        if outcome.verdict.reasons:
            change.append(f": {clean(outcome.verdict.reasons[0].detail)}")
        con.print(change)
    if outcome.plan:
        first = outcome.plan[0]
        upcoming = Text("next: ", style="dim")
        upcoming.append(f"{followup_ref(first['id'])} {short_day(first['due'], touch.date)}  ")
        upcoming.append(clean(first["bring"]))
        con.print(upcoming)
    else:
        con.print(Text("nothing planned for this deal now", style="dim"))
