"""The screens and JSON documents of `show`, `list` and `plan`: one deal's card and the pipeline.

Everything here is pure: the command reads the store into a `Card` or `PipelineLine`s, and these
functions only shape them. User text goes through `render.clean()` into `rich.text.Text`, never
markup, so an account called `Acme [draft]` shows as written. Gaps in who / what / when / how are
marked with a yellow ✗ so that the rep sees at a glance what the next meeting must find out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from dealcoach.answers.record import to_document
from dealcoach.domain.contact import POWER_ROLES
from dealcoach.records import Touch, Verdict
from dealcoach.render import text as render

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from dealcoach.answers.record import AnswersRecord

Row = Mapping[str, Any]

TYPE_WORD = {"new": "new business", "expansion": "expansion", "renewal": "renewal"}
STANCE_STYLE = {"supportive": "green", "skeptical": "red"}
STATUS_STYLE = {"open": "", "won": "bold green", "lost": "bold red", "let_go": "bold yellow"}
BUDGET_GAP = {"unknown": "budget unknown", "none": "no budget"}
INDENT = (0, 0, 0, 2)
ACCOUNT_WIDTH = 24  # list: longer account names end in "…"; the rest of the line goes to "Bring"


@dataclass(frozen=True)
class Card:
    """Everything `show` prints about one deal, read from the store in one go."""

    deal: Row
    answers: AnswersRecord | None
    stakeholders: Sequence[Row]
    steps: Sequence[Row]
    plan: Sequence[Row]
    touches: Sequence[Touch]
    verdict: Verdict | None
    interviews: Sequence[Row]

    @property
    def qualified(self) -> bool:
        """An imported deal has no interview: it gets one line that says "run qualify"."""
        return bool(self.deal.get("qualified")) and self.answers is not None


@dataclass(frozen=True)
class PipelineLine:
    """One deal of `list`: the deal row and its next planned follow-up (if any)."""

    deal: Row
    next: Row | None
    open_followups: int

    @property
    def next_due(self) -> str | None:
        return effective_due(self.next) if self.next is not None else None


def effective_due(row: Row) -> str:
    """A snoozed follow-up is due when its snooze ends, not before."""
    due = str(row["due"])
    snoozed = row.get("snoozed_until")
    return str(snoozed) if snoozed and str(snoozed) > due else due


def next_followup(planned: Sequence[Row]) -> Row | None:
    """The planned follow-up that comes first (snoozes honoured; ties by id)."""
    if not planned:
        return None
    return min(planned, key=lambda row: (effective_due(row), row["id"]))


# -- JSON documents -----------------------------------------------------------------------------


def show_json(card: Card) -> dict[str, Any]:
    """The `show --json` contract: qualify's keys plus the answers and the whole history."""
    deal = render.deal_json(card.deal)
    deal["status"] = card.deal.get("status")
    deal["close_reason"] = card.deal.get("close_reason")
    deal["closed_on"] = card.deal.get("closed_on")
    verdict: dict[str, Any] | None = None
    if card.verdict is not None:
        verdict = {**render.verdict_json(card.verdict), "since": card.deal.get("verdict_since")}
    return {
        "deal": deal,
        "verdict": verdict,
        "plan": [render.followup_json(row) for row in card.plan],
        "answers": to_document(card.answers) if card.answers is not None else None,
        "touches": [render.touch_record_json(touch) for touch in card.touches],
        "interviews": [
            {
                "id": row["id"],
                "date": row["date"],
                "taken_on": row["taken_on"],
                "kind": row["kind"],
                "decision_date": row.get("decision_date"),
            }
            for row in card.interviews
        ],
    }


def list_json(lines: Iterable[PipelineLine]) -> list[dict[str, Any]]:
    """The `list --json` contract: deal fields plus the verdict and the next follow-up."""
    out = []
    for line in lines:
        confidence = line.deal.get("confidence")
        out.append(
            {
                **render.deal_json(line.deal),
                "decision": line.deal.get("decision"),
                "confidence": round(float(confidence), 2) if confidence is not None else None,
                "next_due": line.next_due,
                "next_bring": line.next["bring"] if line.next is not None else None,
                "open_followups": line.open_followups,
            }
        )
    return out


def plan_json(deal: Row, plan: Sequence[Row]) -> dict[str, Any]:
    """The `plan --json` contract: the strategy the plan follows, and the plan."""
    return {
        "deal_id": deal["id"],
        "strategy": deal.get("resolved_strategy"),
        "strategy_why": deal.get("strategy_why"),
        "plan": [render.followup_json(row) for row in plan],
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# -- small pieces of text ---------------------------------------------------------------------------


def _text(value: object, style: str = "") -> Text:
    """User text, escaped, as a rich Text (never markup)."""
    from rich.text import Text

    return Text(render.clean(value), style=style)


def _gap(what: str) -> Text:
    from rich.text import Text

    return Text("✗ " + what, style="yellow")


def _words(value: object) -> str:
    """An enum value as a word: `decision_maker` → `decision maker`."""
    return str(value).replace("_", " ")


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
    return render.short_day(value, today)


# -- show ---------------------------------------------------------------------------------------------


def header(con: Console, deal: Row, *, today: date, full: bool = True) -> None:
    """`D12 Account · Title`, then value, stage and status, then the strategy and why."""
    from rich.text import Text

    line = Text()
    line.append(render.deal_ref(deal["id"]) + " ", style="bold cyan")
    line.append(render.clean(deal["account"]), style="bold")
    if deal.get("title"):
        line.append(" · " + render.clean(deal["title"]))
    con.print(line)
    if full:
        facts = Text()
        facts.append(render.money(deal.get("value"), deal.get("currency")))
        if deal.get("stage"):
            facts.append(" · " + render.clean(deal["stage"]))
        status = str(deal.get("status") or "open")
        facts.append(" · ")
        facts.append(_words(status), style=STATUS_STYLE.get(status, ""))
        if status != "open":
            if deal.get("closed_on"):
                facts.append(f" on {_day(deal['closed_on'], today)}")
            if deal.get("close_reason"):
                facts.append(" (" + render.clean(deal["close_reason"]) + ")")
        extras = [
            render.clean(deal.get("source") or ""),
            TYPE_WORD.get(str(deal.get("type")), render.clean(deal.get("type") or "")),
            f"{render.clean(deal['sector'])} sector" if deal.get("sector") else "",
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
    line = Text(f"strategy: {_words(used)}", style="dim")
    if deal.get("strategy_why"):
        line.append(" (" + render.clean(deal["strategy_why"]) + ")")
    con.print(_indented(line))


def not_qualified_line(con: Console, deal: Row) -> None:
    from rich.text import Text

    line = Text("not qualified yet: run ", style="yellow")
    line.append(f"dealcoach qualify {render.deal_ref(deal['id'])}", style="bold")
    con.print(line)


def show_screen(con: Console, card: Card, *, today: date) -> None:
    """The whole card, readable at a glance in 80 columns."""
    header(con, card.deal, today=today)
    con.print()
    if not card.qualified:
        not_qualified_line(con, card.deal)
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
    render.plan_table(con, list(card.plan), title="Plan", today=today)
    con.print()
    history(con, card.touches, today=today)
    con.print()
    if card.verdict is not None:
        since = card.deal.get("verdict_since")
        con.print(_heading("Verdict", f"since {_day(since, today)}" if since else ""))
        render.verdict_block(con, card.verdict)
        con.print()
    interviews(con, card.interviews, today=today)


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
        name = _text(person["name"], "bold")
        if person.get("title"):
            name.append(", " + render.clean(person["title"]), style="dim")
        role = _text(_words(person["role"])) if person.get("role") else _text("role?", "dim")
        met = _text("met", "green") if person.get("met") else _text("not met", "dim")
        stance = str(person.get("stance") or "")
        table.add_row(name, role, met, _text(stance, STANCE_STYLE.get(stance, "")))
    parts: list[RenderableType] = [table]
    signers = [p for p in people if p.get("role") in POWER_ROLES]
    if not signers:
        parts.append(_gap("no decision maker"))
    elif not any(p.get("met") for p in signers):
        parts.append(_gap("decision maker not met"))
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
            day = _text(_day(when, today), "dim" if str(when) < today.isoformat() else "")
        else:
            day = _gap("no date")
        bring = _text(step["bring"]) if step.get("bring") else _gap("nothing to bring yet")
        owner = "us" if step.get("owner") == "us" else str(step.get("owner") or "")
        table.add_row(_text(step["step"]), owner, day, bring)
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
    decision = _text(_day(when.decision_date, today)) if when.decision_date else None
    grid.add_row("decision", decision or _gap("no decision date"))
    if when.compelling_event:
        grid.add_row("event", _text(when.compelling_event))
    if when.budget_cycle:
        grid.add_row("budget cycle", _text(when.budget_cycle))
    if answers.deal.renewal_notice:
        grid.add_row("renewal notice", _text(_day(answers.deal.renewal_notice, today)))
    step = answers.next_step
    if step.agreed:
        text = _text(step.what or "agreed")
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
        grid.add_row("criteria", _text(", ".join(how.criteria)))
    else:
        grid.add_row("criteria", _gap("no criteria"))
    if how.metrics:
        grid.add_row("metrics", _text(how.metrics))
    if how.alternatives:
        grid.add_row("alternatives", _text(", ".join(how.alternatives)))
    budget = how.budget.value
    line = _gap(BUDGET_GAP[budget]) if budget in BUDGET_GAP else _text(_words(budget))
    if how.funding:
        line.append(" · " + render.clean(how.funding), style="")
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
        grid.add_row("readiness", _text(" · ".join(facts)))
    stop = answers.signals.stop_reason.value
    if stop != "none":
        text = _text(_words(stop), "yellow")
        if answers.signals.until:
            text.append(f" until {answers.signals.until.isoformat()}")
        grid.add_row("stop signal", text)
    return grid


def history(con: Console, touches: Sequence[Touch], *, today: date) -> None:
    """The touches, newest last: date, kind, in/out, replied, who and the note."""
    from rich.table import Table

    if not touches:
        con.print(_text("History: no touches yet.", "dim"))
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
        replied = _text("replied", "green") if touch.replied else _text("")
        note = _text(touch.note)
        for extra in _touch_extras(touch, today):
            if note.plain:
                note.append(" · ", style="dim")
            note.append(extra, style="dim")
        table.add_row(
            _day(touch.date, today),
            touch.kind.value,
            direction,
            replied,
            _text(touch.who),
            note,
        )
    con.print(table)


def _touch_extras(touch: Touch, today: date) -> list[str]:
    extras = []
    if touch.owe:
        done = f", done {_day(touch.owe_closed_on, today)}" if touch.owe_closed_on else ""
        extras.append(f"we owe: {render.clean(touch.owe)}{done}")
    if touch.away_until:
        extras.append(f"away until {_day(touch.away_until, today)}")
    if touch.signal is not None and touch.signal.value != "none":
        until = f" until {_day(touch.signal_until, today)}" if touch.signal_until else ""
        extras.append(f"signal: {_words(touch.signal.value)}{until}")
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


# -- list ---------------------------------------------------------------------------------------------


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
    value_header = render.clean(shared) if shared else "Value"
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
        if value is None:
            money = "-"
        else:
            money = render.money(value, None if shared else deal.get("currency"))
        due = line.next_due
        next_cell = Text(_compact_day(due, today) if due else "-")
        if due and due < today.isoformat():
            next_cell.stylize("red")
        bring = _text(line.next["bring"]) if line.next is not None else _text("")
        cells: list[Any] = [
            render.deal_ref(deal["id"]),
            _text(deal["account"]),
            money,
            _text(deal.get("stage") or "-"),
            _verdict_word(deal),
            next_cell,
            bring,
        ]
        if show_status:
            status = str(deal.get("status") or "open")
            cells.append(Text(_words(status), style=STATUS_STYLE.get(status, "")))
        table.add_row(*cells)
    con.print(table)


def _verdict_word(deal: Row) -> Text:
    """pursue / nurture / let go in the verdict's colour; an imported deal asks to be qualified."""
    from rich.text import Text

    decision = deal.get("decision")
    if not deal.get("qualified"):
        return Text("qualify?", style="yellow")
    if decision in render.DECISION_WORD:
        style = render.DECISION_STYLE[decision].removeprefix("bold ")
        return Text(render.DECISION_WORD[decision].lower(), style=style)
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
    render.plan_table(con, list(plan), title="Plan", today=today)
