"""The daily loop: `next` each morning; `done`, `log`, `snooze`, `keep`, `close` during the day."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from dealcoach.commands.options import JsonOpt, pick
from dealcoach.vocabulary import StopReason, TouchKind

if TYPE_CHECKING:
    from dealcoach.workflow.touches import Touched

OUTCOMES: dict[str, str | None] = {
    "won": "won",
    "lost": "lost",
    "let-go": "let_go",
    "let_go": "let_go",
}

DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="DATE",
        help="When it happened: today (default), yesterday, 2026-11-23.",
    ),
]
WhoOpt = Annotated[
    str | None, typer.Option("--who", metavar="NAME", help="The person it was with.")
]
NoteOpt = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A line to remember.")]
RepliedOpt = Annotated[bool, typer.Option("--replied", help="They answered.")]


def _past_date(text: str | None, today: date) -> date:
    """A --date: natural input, never later than today."""
    from dealcoach.dates import parse_date
    from dealcoach.errors import BadDate

    if text is None:
        return today
    day = parse_date(text, today, past=True)
    if day > today:
        raise BadDate(
            f"--date {day.isoformat()} is after today ({today.isoformat()}); log what happened, not what will"
        )
    return day


def _future_date(until: str | None, span: str | None, today: date, *, what: str) -> date:
    from dealcoach.dates import parse_date, parse_duration
    from dealcoach.errors import BadInput

    if (until is None) == (span is None):
        raise BadInput(f"{what} needs one of --until DATE or --for 2w")
    day = parse_date(until, today) if until is not None else parse_duration(span or "", today)
    if day <= today:
        raise BadInput(
            f"{day.isoformat()} is not after today ({today.isoformat()}); give a later date"
        )
    return day


# -- next ----------------------------------------------------------------------------------------


def next_(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=1, help="How many follow-ups to show.")
    ] = 12,
    all_: Annotated[bool, typer.Option("--all", help="Show every follow-up due.")] = False,
    replan: Annotated[
        bool, typer.Option("--replan", help="Move everything overdue to today (after a holiday).")
    ] = False,
    short: Annotated[
        bool | None,
        typer.Option(
            "--short/--long",
            help="One line per item (the default on a terminal of fewer than 40 lines).",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The morning agenda: what to send today and what to bring, what is overdue, what to let go."""
    from dealcoach.render import text as render
    from dealcoach.render.documents import next_json
    from dealcoach.render.morning import DECIDE_LINES, next_screen, short_by_default
    from dealcoach.workflow.morning import morning

    found = morning(ctx.obj, limit=None if all_ else limit, replan=replan)
    if json_out:
        render.write_json(
            next_json(
                found.today,
                found.shown,
                found.decided,
                found.stale,
                found.unqualified,
                found.next_due,
            )
        )
        return
    next_screen(
        render.console(),
        today=found.today,
        shown=found.shown,
        more=found.more,
        decided=found.decided,
        stale=found.stale,
        unqualified=found.unqualified,
        next_due=found.next_due,
        changes=found.changes,
        has_deals=found.has_deals,
        decide_limit=None if all_ else DECIDE_LINES,
        short=short_by_default() if short is None else short,
    )


# -- done and log -------------------------------------------------------------------------------


def done(
    ctx: typer.Context,
    followup: Annotated[
        str,
        typer.Argument(
            metavar="FOLLOWUP", help="The follow-up you sent, e.g. F37 (from dealcoach next)."
        ),
    ],
    replied: RepliedOpt = False,
    who: WhoOpt = None,
    date_: DateOpt = None,
    note: NoteOpt = None,
    delivered: Annotated[
        bool,
        typer.Option("--delivered", help="This also delivered what the buyer was waiting for."),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """A planned follow-up was sent: record it; the plan and the verdict update."""
    from dealcoach.workflow import touches

    on = _past_date(date_, ctx.obj.today)
    touched = touches.done(
        ctx.obj, followup, on=on, replied=replied, who=who, note=note, delivered=delivered
    )
    _report_touch(touched, json_out=json_out)


def log(
    ctx: typer.Context,
    deal: Annotated[
        str, typer.Argument(metavar="DEAL", help="The deal: D12, or its account name.")
    ],
    kind: Annotated[TouchKind, typer.Option("--kind", help="What it was.", case_sensitive=False)],
    inbound: Annotated[bool, typer.Option("--inbound", help="They reached out to us.")] = False,
    replied: RepliedOpt = False,
    who: WhoOpt = None,
    date_: DateOpt = None,
    note: NoteOpt = None,
    owe: Annotated[
        str | None,
        typer.Option(
            "--owe",
            metavar="TEXT",
            help="They are waiting on us for this (e.g. three-year pricing).",
        ),
    ] = None,
    delivered: Annotated[
        bool, typer.Option("--delivered", help="This delivered what they were waiting for.")
    ] = False,
    away_until: Annotated[
        str | None,
        typer.Option(
            "--away-until", help="Out of office until this date: their silence does not count."
        ),
    ] = None,
    signal: Annotated[
        StopReason | None,
        typer.Option(
            "--signal", help="Something that stops or pauses the deal.", case_sensitive=False
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", help="With --signal: the buyer's own date (e.g. 'no budget until July')."
        ),
    ] = None,
    decision_date: Annotated[
        str | None,
        typer.Option(
            "--decision-date",
            metavar="DATE",
            help="The buyer's new decision date (clears a passed one).",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Record a touch, a reply or a note; the plan and the verdict update."""
    from dealcoach.dates import parse_date
    from dealcoach.errors import BadInput
    from dealcoach.workflow import touches

    today: date = ctx.obj.today
    on = _past_date(date_, today)
    away = parse_date(away_until, today) if away_until else None
    signal_until = parse_date(until, today) if until else None
    new_decision_date = parse_date(decision_date, today) if decision_date else None
    if until and signal is None:
        raise BadInput(
            "--until goes with --signal (e.g. --signal lost_funding --until 'in 3 months')"
        )
    touched = touches.log(
        ctx.obj,
        deal,
        kind=kind,
        on=on,
        inbound=inbound,
        replied=replied,
        who=who,
        note=note,
        owe=owe,
        away_until=away,
        signal=signal,
        signal_until=signal_until,
        delivered=delivered,
        decision_date=new_decision_date,
    )
    _report_touch(touched, json_out=json_out)
    if new_decision_date is not None:  # the date understood, once: with its warning if any
        from dealcoach.render.touches import echo_date, warn_date

        if touched.warnings:
            warn_date("decision date", new_decision_date, touched.warnings)
        else:
            echo_date("decision date", new_decision_date)


def _report_touch(touched: Touched, *, json_out: bool) -> None:
    from dealcoach.render import text as render
    from dealcoach.render.documents import touch_json
    from dealcoach.render.touches import touch_screen

    if json_out:
        render.write_json(touch_json(touched.touch, touched.outcome.deal_id, touched.outcome))
        return
    touch_screen(render.console(), touched.touch, touched.deal, touched.outcome, touched.followup)


# -- snooze, keep, close ------------------------------------------------------------------------


def snooze(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(metavar="DEAL|FOLLOWUP", help="D12 / an account name, or F37.")
    ],
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="DATE", help="The date the buyer named (e.g. 'dec 15')."),
    ] = None,
    span: Annotated[
        str | None, typer.Option("--for", metavar="SPAN", help="How long, e.g. 2w, 10d, 3m.")
    ] = None,
) -> None:
    """Quiet a deal (the buyer said 'after Dec 15') or one follow-up until a date."""
    from dealcoach.render import text as render
    from dealcoach.render.touches import snoozed_screen
    from dealcoach.workflow import touches

    if until is not None or span is None:
        day = _future_date(until, span, ctx.obj.today, what="snooze")
        snoozed = touches.snooze(ctx.obj, target, until=day)
    else:  # counted from the follow-up's due date when it is later than today
        snoozed = touches.snooze(ctx.obj, target, span=span)
    snoozed_screen(
        render.console(),
        snoozed.until,
        followup_id=snoozed.followup_id,
        deal_id=snoozed.deal_id,
        account=snoozed.account,
    )
    from dealcoach.render.touches import warn_date

    warn_date("snoozed until", snoozed.until, snoozed.warnings)


def keep(
    ctx: typer.Context,
    deal: Annotated[
        str, typer.Argument(metavar="DEAL", help="The deal to keep: D12 or its account name.")
    ],
    until: Annotated[
        str, typer.Option("--until", metavar="DATE", help="Stay quiet about it until this date.")
    ],
) -> None:
    """Keep a deal the verdict would let go: no reminder about it until the date."""
    from dealcoach.render import text as render
    from dealcoach.render.touches import kept_screen
    from dealcoach.workflow import touches

    day = _future_date(until, None, ctx.obj.today, what="keep")
    kept = touches.keep(ctx.obj, deal, day)
    kept_screen(render.console(), kept.deal_id, kept.account, kept.until)
    from dealcoach.render.touches import warn_date

    warn_date("kept until", kept.until, kept.warnings)


def close(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(metavar="DEAL", help="The deal: D12 or its account name.")],
    outcome: Annotated[str, typer.Argument(metavar="won|lost|let-go", help="How it ended.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why, in a few words.")] = None,
) -> None:
    """Close a deal as won, lost or let go; its follow-ups are dropped and it leaves next."""
    from dealcoach.render import text as render
    from dealcoach.render.touches import closed_screen
    from dealcoach.workflow import touches

    status = pick("outcome", outcome, OUTCOMES)
    assert status is not None  # every outcome names a status
    closed = touches.close(ctx.obj, deal, status, reason=reason)
    closed_screen(render.console(), closed.deal_id, closed.account, closed.status, closed.dropped)
