"""The screens of the day's writes: `log` and `done` (the touch recorded, the verdict's change, the
next follow-up), and the one line of `snooze`, `keep` and `close`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from dealcoach.render.text import DECISION_STYLE, clean, deal_ref, followup_ref, short_day

if TYPE_CHECKING:
    from rich.console import Console

    from dealcoach.records import Outcome, Touch


def touch_screen(
    con: Console,
    touch: Touch,
    deal: Mapping[str, Any],
    outcome: Outcome,
    followup_row: Mapping[str, Any] | None,
) -> None:
    """One line for the touch, then the verdict's change (if any) and the deal's next step."""
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
        from dealcoach.domain.verdict_change import improved, summary  # only on a change

        better = improved(str(previous.get("decision")), outcome.verdict.decision.value)
        said = summary(outcome.changes, outcome.verdict.reasons, better=better)
        if said:
            change.append(f": {clean(said)}")
        con.print(change)
    if outcome.plan:
        first = outcome.plan[0]
        upcoming = Text("next: ", style="dim")
        upcoming.append(f"{followup_ref(first['id'])} {short_day(first['due'], touch.date)}  ")
        upcoming.append(clean(first["bring"]))
        con.print(upcoming)
    else:
        con.print(Text("nothing planned for this deal now", style="dim"))


def snoozed_screen(
    con: Console, until: date, *, followup_id: int | None, deal_id: int | None, account: str
) -> None:
    """One follow-up (`F37`) or a whole deal (`D12 Acme`) quiet until the date."""
    if followup_id is not None:
        label = followup_ref(followup_id)
    else:
        assert deal_id is not None
        label = f"{deal_ref(deal_id)} {account}"
    _line(con, f"snoozed {label} until {until:%a %Y-%m-%d}")


def kept_screen(con: Console, deal_id: int, account: str, until: date) -> None:
    _line(con, f"kept {deal_ref(deal_id)} {account}; quiet about it until {until:%a %Y-%m-%d}")


def closed_screen(con: Console, deal_id: int, account: str, status: str, dropped: int) -> None:
    extra = f"; {dropped} follow-up(s) dropped" if dropped else ""
    _line(con, f"closed {deal_ref(deal_id)} {account} as {status.replace('_', ' ')}{extra}")


def _line(con: Console, text: str) -> None:
    """One line of plain text: the account inside it is escaped like every user text."""
    from rich.text import Text

    con.print(Text(clean(text)), soft_wrap=True)


def echo_date(label: str, day: date) -> None:
    """The date a phrase was read as ("next fri" → Fri 2027-01-29), on stderr, as the interview
    echoes its dates: stdout stays for data."""
    import sys

    sys.stderr.write(f"{label} → {day.strftime('%a')} {day.isoformat()}\n")


def warn_date(label: str, day: date, found: tuple[str, ...]) -> None:
    """A typed date kept but worth a second look (a Saturday, after the decision date), on
    stderr so that --json stdout stays data."""
    if not found:
        return
    import sys

    from dealcoach.domain.date_checks import warning_line

    sys.stderr.write(
        f"{label} {day.strftime('%a')} {day.isoformat()}: {warning_line(list(found))}\n"
    )
