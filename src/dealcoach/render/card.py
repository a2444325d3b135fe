"""The card of `show`: one deal's who / what / when / how, its plan, history and verdict.

The command reads the store into a `Card` (see `views`); these functions only shape it. User text
goes through `text.clean()` into `rich.text.Text`, never markup, so an account called `Acme [draft]`
shows as written. Gaps in who / what / when / how are marked with a yellow ✗ so that the rep sees at
a glance what the next meeting must find out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from dealcoach.domain.contact import power_gap
from dealcoach.render.odds import win_block
from dealcoach.render.qualify import plan_table, verdict_block
from dealcoach.render.text import (
    STATUS_STYLE,
    clean,
    deal_ref,
    money,
    short_day,
    user_text,
    words,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from dealcoach.answers.record import AnswersRecord
    from dealcoach.records import Touch
    from dealcoach.render.views import Card, Row

TYPE_WORD = {"new": "new business", "expansion": "expansion", "renewal": "renewal"}
STANCE_STYLE = {"supportive": "green", "skeptical": "red"}
BUDGET_GAP = {"unknown": "budget unknown", "none": "no budget"}
POWER_GAP_WORDS = {"no_signer": "no decision maker", "signer_not_met": "decision maker not met"}
INDENT = (0, 0, 0, 2)
NAME_WIDTH, VALUE_WIDTH = 24, 60  # a custom field's name and value on the card, in characters


# -- small pieces of text ---------------------------------------------------------------------------


def _gap(what: str) -> Text:
    from rich.text import Text

    return Text("✗ " + what, style="yellow")


def _heading(title: str, note: str = "") -> Text:
    from rich.text import Text

    line = Text(title, style="bold")
    if note:
        line.append("  " + note, style="dim")
    return line


def _indented(renderable: RenderableType) -> RenderableType:
    from rich.padding import Padding

    return Padding(renderable, INDENT)


def _day(value: str | date | None, today: date) -> str:
    return short_day(value, today)


# -- show ---------------------------------------------------------------------------------------------


def header(con: Console, deal: Row, *, today: date, full: bool = True) -> None:
    """`D12 Account · Title`, then value, stage and status, then the strategy and why."""
    from rich.text import Text

    line = Text()
    line.append(deal_ref(deal["id"]) + " ", style="bold cyan")
    line.append(clean(deal["account"]), style="bold")
    if deal.get("title"):
        line.append(" · " + clean(deal["title"]))
    con.print(line)
    if full:
        facts = Text()
        facts.append(money(deal.get("value"), deal.get("currency")))
        if deal.get("stage"):
            facts.append(" · " + clean(deal["stage"]))
        status = str(deal.get("status") or "open")
        facts.append(" · ")
        facts.append(words(status), style=STATUS_STYLE.get(status, ""))
        if status != "open":
            if deal.get("closed_on"):
                facts.append(f" on {_day(deal['closed_on'], today)}")
            if deal.get("close_reason"):
                facts.append(" (" + clean(deal["close_reason"]) + ")")
        extras = [
            clean(deal.get("source") or ""),
            TYPE_WORD.get(str(deal.get("type")), clean(deal.get("type") or "")),
            f"{clean(deal['sector'])} sector" if deal.get("sector") else "",
        ]
        for part in extras:
            if part:
                facts.append(" · " + part, style="dim")
        con.print(_indented(facts))
    strategy_line(con, deal)


def strategy_line(con: Console, deal: Row) -> None:
    """The strategy the plan follows and why, as the qualify screen says it."""
    from rich.text import Text

    used = deal.get("resolved_strategy")
    if not used:
        return
    line = Text(f"strategy: {words(used)}", style="dim")
    if deal.get("strategy_why"):
        line.append(" (" + clean(deal["strategy_why"]) + ")")
    con.print(_indented(line))


def not_qualified_line(con: Console, deal: Row) -> None:
    """A deal without an interview (an import) gets one line that says how to qualify it."""
    from rich.text import Text

    line = Text("not qualified yet: run ", style="yellow")
    line.append(f"dealcoach qualify {deal_ref(deal['id'])}", style="bold")
    con.print(line)


def show_screen(con: Console, card: Card, *, today: date) -> None:
    """The whole card, readable at a glance in 80 columns."""
    header(con, card.deal, today=today)
    con.print()
    custom = fields_section(card.deal)
    if custom is not None:
        con.print(_heading("Fields", "from the CRM"))
        con.print(_indented(custom))
        con.print()
    if not card.qualified:
        not_qualified_line(con, card.deal)
        if card.deal.get("win_probability") is not None or card.deal.get("win_note"):
            con.print()
            win_block(con, card.deal)
        if card.touches:
            con.print()
            history(con, card.touches, today=today)
        return
    assert card.answers is not None
    con.print(_heading("Who"))
    _print_all(con, who_section(card.stakeholders))
    con.print(_heading("What", "the buyer's steps to a decision"))
    _print_all(con, what_section(card.steps, today=today))
    con.print(_heading("When"))
    con.print(_indented(when_section(card.answers, today=today)))
    con.print(_heading("How"))
    con.print(_indented(how_section(card.answers)))
    con.print()
    plan_table(con, list(card.plan), title="Plan", today=today)
    con.print()
    history(con, card.touches, today=today)
    con.print()
    if card.verdict is not None:
        since = card.deal.get("verdict_since")
        con.print(_heading("Verdict", f"since {_day(since, today)}" if since else ""))
        verdict_block(con, card.verdict)
        con.print()
    if card.deal.get("win_probability") is not None or card.deal.get("win_note"):
        win_block(con, card.deal)
        con.print()
    interviews(con, card.interviews, today=today)


def fields_section(deal: Row) -> RenderableType | None:
    """The custom fields, one a line: name and value escaped, a long value cut to one line."""
    from dealcoach.interop.fields import load

    fields = load(deal.get("fields"))
    if not fields:
        return None
    from rich.text import Text

    grid = _grid()
    for name, value in fields.items():
        grid.add_row(Text(_one_line(name, NAME_WIDTH)), Text(_one_line(value, VALUE_WIDTH)))
    return grid


def _one_line(text: str, width: int) -> str:
    """Escaped, then its first line cut to `width` characters: one line on the card."""
    first, *rest = text.splitlines() or [""]
    shown = clean(first)
    if len(shown) > width:
        return shown[: width - 1] + "…"
    return shown + " …" if rest else shown


def _print_all(con: Console, parts: Iterable[RenderableType]) -> None:
    for part in parts:
        con.print(_indented(part))


def who_section(people: Sequence[Row]) -> list[RenderableType]:
    """The people, with role, met and stance; then the gaps (no signer, signer not met)."""
    from rich.table import Table

    if not people:
        return [_gap("nobody named yet")]
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2))
    table.add_column("Name", ratio=1, overflow="fold")
    table.add_column("Role", no_wrap=True)
    table.add_column("Met", no_wrap=True)
    table.add_column("Stance", no_wrap=True)
    for person in people:
        name = user_text(person["name"], "bold")
        if person.get("title"):
            name.append(", " + clean(person["title"]), style="dim")
        role = user_text(words(person["role"])) if person.get("role") else user_text("role?", "dim")
        met = user_text("met", "green") if person.get("met") else user_text("not met", "dim")
        stance = str(person.get("stance") or "")
        table.add_row(name, role, met, user_text(stance, STANCE_STYLE.get(stance, "")))
    parts: list[RenderableType] = [table]
    gap = power_gap((p.get("role"), bool(p.get("met"))) for p in people)
    if gap is not None:
        parts.append(_gap(POWER_GAP_WORDS[gap]))
    if len(people) == 1:
        parts.append(_gap("one contact only"))
    return parts


def what_section(steps: Sequence[Row], *, today: date) -> list[RenderableType]:
    """The buyer's steps with owner, date and what we bring; undated steps marked."""
    from rich.table import Table

    if not steps:
        return [_gap("no buyer steps known")]
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2))
    table.add_column("Step", ratio=2, overflow="fold")
    table.add_column("Owner", no_wrap=True, style="dim")
    table.add_column("Date", no_wrap=True)
    table.add_column("Bring", ratio=3, overflow="fold")
    for step in steps:
        when = step.get("date")
        if when:
            day = user_text(_day(when, today), "dim" if str(when) < today.isoformat() else "")
        else:
            day = _gap("no date")
        bring = user_text(step["bring"]) if step.get("bring") else _gap("nothing to bring yet")
        owner = "us" if step.get("owner") == "us" else str(step.get("owner") or "")
        table.add_row(user_text(step["step"]), owner, day, bring)
    parts: list[RenderableType] = [table]
    if not any(step.get("date") for step in steps):
        parts.append(_gap("no dates"))
    return parts


def _grid() -> Any:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def when_section(answers: AnswersRecord, *, today: date) -> RenderableType:
    """Decision date, compelling event, budget cycle, renewal notice and the next step."""
    grid = _grid()
    when = answers.when
    decision = user_text(_day(when.decision_date, today)) if when.decision_date else None
    grid.add_row("decision", decision or _gap("no decision date"))
    if when.compelling_event:
        grid.add_row("event", user_text(when.compelling_event))
    if when.budget_cycle:
        grid.add_row("budget cycle", user_text(when.budget_cycle))
    if answers.deal.renewal_notice:
        grid.add_row("renewal notice", user_text(_day(answers.deal.renewal_notice, today)))
    step = answers.next_step
    if step.agreed:
        text = user_text(step.what or "agreed")
        if step.date:
            text.append(" · " + _day(step.date, today))
        grid.add_row("next step", text)
    else:
        grid.add_row("next step", _gap("no next step agreed"))
    return grid


def how_section(answers: AnswersRecord) -> RenderableType:
    """Criteria, metrics, alternatives, budget and readiness; unknowns marked."""
    grid = _grid()
    how = answers.how
    if how.criteria:
        grid.add_row("criteria", user_text(", ".join(how.criteria)))
    else:
        grid.add_row("criteria", _gap("no criteria"))
    if how.metrics:
        grid.add_row("metrics", user_text(how.metrics))
    if how.alternatives:
        grid.add_row("alternatives", user_text(", ".join(how.alternatives)))
    budget = how.budget.value
    line = _gap(BUDGET_GAP[budget]) if budget in BUDGET_GAP else user_text(words(budget))
    if how.funding:
        line.append(" · " + clean(how.funding), style="")
    grid.add_row("budget", line)
    ready = answers.readiness
    facts = []
    if ready.journey is not None:
        facts.append(ready.journey.value)
    if ready.pain is not None:
        facts.append(f"pain {ready.pain}/5")
    if ready.fit is not None:
        facts.append("fits" if ready.fit else "poor fit")
    if facts:
        grid.add_row("readiness", user_text(" · ".join(facts)))
    stop = answers.signals.stop_reason.value
    if stop != "none":
        text = user_text(words(stop), "yellow")
        if answers.signals.until:
            text.append(f" until {answers.signals.until.isoformat()}")
        grid.add_row("stop signal", text)
    return grid


def history(con: Console, touches: Sequence[Touch], *, today: date) -> None:
    """The touches, newest last: date, kind, in/out, replied, who and the note."""
    from rich.table import Table

    if not touches:
        con.print(user_text("History: no touches yet.", "dim"))
        return
    table = Table(title="History", title_justify="left", box=None, pad_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("In/out", no_wrap=True)
    table.add_column("Replied", no_wrap=True)
    table.add_column("Who", overflow="fold")
    table.add_column("Note", overflow="fold")
    for touch in touches:
        direction = "in" if touch.inbound else "out" if touch.outbound_attempt else ""
        replied = user_text("replied", "green") if touch.replied else user_text("")
        note = user_text(touch.note)
        for extra in _touch_extras(touch, today):
            if note.plain:
                note.append(" · ", style="dim")
            note.append(extra, style="dim")
        table.add_row(
            _day(touch.date, today),
            touch.kind.value,
            direction,
            replied,
            user_text(touch.who),
            note,
        )
    con.print(table)


def _touch_extras(touch: Touch, today: date) -> list[str]:
    extras = []
    if touch.owe:
        done = f", done {_day(touch.owe_closed_on, today)}" if touch.owe_closed_on else ""
        extras.append(f"we owe: {clean(touch.owe)}{done}")
    if touch.away_until:
        extras.append(f"away until {_day(touch.away_until, today)}")
    if touch.signal is not None and touch.signal.value != "none":
        until = f" until {_day(touch.signal_until, today)}" if touch.signal_until else ""
        extras.append(f"signal: {words(touch.signal.value)}{until}")
    return extras


def interviews(con: Console, rows: Sequence[Row], *, today: date) -> None:
    """Each interview: meeting date, when it was recorded, kind, and the decision date it gave."""
    from rich.table import Table
    from rich.text import Text

    if not rows:
        return
    table = Table(title="Qualification history", title_justify="left", box=None, pad_edge=False)
    table.add_column("Meeting", no_wrap=True)
    table.add_column("Recorded", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Decision date")
    previous: str | None = None
    for row in rows:
        decision = row.get("decision_date")
        cell = Text(_day(decision, today) if decision else "-")
        if decision and previous and str(decision) > previous:
            cell.append(" (pushed)", style="yellow")
        if decision:
            previous = str(decision)
        table.add_row(
            _day(row["date"], today), _day(row["taken_on"], today), str(row["kind"]), cell
        )
    con.print(table)
