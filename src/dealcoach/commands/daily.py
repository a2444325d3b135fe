"""The daily loop: `next` each morning; `done`, `log`, `snooze`, `keep`, `close` during the day."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

import typer

from dealcoach.commands.options import JsonOpt, pick
from dealcoach.vocabulary import StopReason, TouchKind

DECIDE_LINES = 6  # deals to decide on shown each morning; --all shows them all
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
    day = parse_date(text, today)
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
    json_out: JsonOpt = False,
) -> None:
    """The morning agenda: what to send today and what to bring, what is overdue, what to let go."""
    from dealcoach.domain import agenda
    from dealcoach.home import paths
    from dealcoach.render import text as render
    from dealcoach.render.documents import next_json
    from dealcoach.render.morning import next_screen
    from dealcoach.store.store import Store

    g = ctx.obj
    today: date = g.today
    settings = g.settings
    with Store.open(paths.db_path(g.db)) as store:
        changes = []
        stale_ids = store.morning.deals_to_rejudge(today)
        overdue_ids = store.morning.deals_with_overdue(today) if replan else []
        if stale_ids or overdue_ids:
            from dealcoach.workflow.replan import (
                replan as replan_deal,  # the domain, only when needed
            )

            with store.db.write():
                for deal_id in sorted(set(stale_ids) | set(overdue_ids)):
                    outcome = replan_deal(
                        store,
                        deal_id,
                        today,
                        settings,
                        g.calendar,
                        reschedule=deal_id in overdue_ids,
                    )
                    if outcome.previous is not None:
                        changes.append((store.deals.get(deal_id), outcome))
        rows = store.morning.due_followups(today)
        decided = store.morning.decided_deals(today, announce_days=agenda.ANNOUNCE_DAYS)
        decided_ids = {row["id"] for row in decided}
        stale = [
            row
            for row in agenda.stale(
                store.morning.stale_candidates(today), today, settings.stale_days
            )
            if row["id"] not in decided_ids
        ]
        unqualified = store.morning.unqualified_deals()
        next_due = None if rows else store.morning.next_due_date(today)
        has_deals = bool(rows or decided or stale or unqualified) or bool(store.deals.all("open"))
    items = [_due_item(row, settings) for row in rows]
    ranked = agenda.rank(items, today, g.calendar)
    shown, more = agenda.split(ranked, None if all_ else limit)
    if json_out:
        render.write_json(next_json(today, shown, decided, stale, unqualified, next_due))
        return
    next_screen(
        render.console(),
        today=today,
        shown=shown,
        more=more,
        decided=decided,
        stale=stale,
        unqualified=unqualified,
        next_due=next_due,
        changes=changes,
        has_deals=has_deals,
        decide_limit=None if all_ else DECIDE_LINES,
    )


def _due_item(row: dict[str, Any], settings: Any) -> Any:
    from decimal import Decimal

    from dealcoach.domain.agenda import DueItem

    amount = Decimal(row["value"]) if row["value"] is not None else None
    value = settings.in_home(amount, row["currency"])
    return DueItem(
        followup_id=row["id"],
        deal_id=row["deal_id"],
        account=row["account"],
        due=date.fromisoformat(row["due"]),
        purpose=row["purpose"],
        bring=row["bring"],
        milestone=row["milestone"],
        milestone_date=date.fromisoformat(row["milestone_date"]) if row["milestone_date"] else None,
        channel=row["channel"],
        who=row["who"] or "",
        value=value,
        stage=row["stage"] or "lead",
        decision=row["decision"] or "pursue",
        confidence=float(row["confidence"] if row["confidence"] is not None else 0.5),
        strategy=row["resolved_strategy"] or "decision_support",
        decision_date=date.fromisoformat(row["decision_date"]) if row["decision_date"] else None,
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
    from dealcoach.domain.followup_keys import FollowUpKey
    from dealcoach.home import paths
    from dealcoach.records import Touch
    from dealcoach.store.store import Store
    from dealcoach.vocabulary import TouchKind
    from dealcoach.workflow.replan import replan

    g = ctx.obj
    today: date = g.today
    on = _past_date(date_, today)
    settings = g.settings
    with Store.open(paths.db_path(g.db)) as store:
        fid = store.plans.resolve_followup(followup)
        with store.db.write():
            row = store.plans.mark_done(fid, on=on, today=today)
            kind = (
                TouchKind(row["channel"]) if row["channel"] in ("email", "call") else TouchKind.note
            )
            touch = Touch(
                date=on,
                kind=kind,
                replied=replied,
                who=who if who is not None else (row["who"] or ""),
                note=note or "",
                followup_key=row["key"],
            )
            touch_id = store.plans.add_touch(row["deal_id"], touch, followup_id=fid)
            if row["purpose"] == "owe":
                owed = FollowUpKey.parse(row["key"]).touch_id
                store.plans.close_owes(row["deal_id"], on=on, touch_id=owed)
            if delivered:
                store.plans.close_owes(row["deal_id"], on=on)
            outcome = replan(store, row["deal_id"], today, settings, g.calendar)
        _report_touch(store, touch_id, outcome, json_out=json_out, followup_row=row)


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
    json_out: JsonOpt = False,
) -> None:
    """Record a touch, a reply or a note; the plan and the verdict update."""
    from dealcoach.dates import parse_date
    from dealcoach.errors import BadInput
    from dealcoach.home import paths
    from dealcoach.records import Touch
    from dealcoach.store.store import Store
    from dealcoach.workflow.replan import replan

    g = ctx.obj
    today: date = g.today
    on = _past_date(date_, today)
    away = parse_date(away_until, today) if away_until else None
    signal_until = parse_date(until, today) if until else None
    if until and signal is None:
        raise BadInput(
            "--until goes with --signal (e.g. --signal lost_funding --until 'in 3 months')"
        )
    settings = g.settings
    with Store.open(paths.db_path(g.db)) as store:
        deal_id = store.deals.resolve(deal)
        touch = Touch(
            date=on,
            kind=kind,
            inbound=inbound,
            replied=replied,
            who=who or "",
            note=note or "",
            owe=owe or "",
            away_until=away,
            signal=signal,
            signal_until=signal_until,
        )
        with store.db.write():
            if delivered:
                store.plans.close_owes(deal_id, on=on)
            touch_id = store.plans.add_touch(deal_id, touch)
            outcome = replan(store, deal_id, today, settings, g.calendar)
        _report_touch(store, touch_id, outcome, json_out=json_out)


def _report_touch(
    store: Any, touch_id: int, outcome: Any, *, json_out: bool, followup_row: Any = None
) -> None:
    from dealcoach.render import text as render
    from dealcoach.render.documents import touch_json
    from dealcoach.render.touches import touch_screen

    touch = store.plans.touch(touch_id)
    deal = store.deals.get(outcome.deal_id)
    if json_out:
        render.write_json(touch_json(touch, outcome.deal_id, outcome))
        return
    touch_screen(render.console(), touch, deal, outcome, followup_row)


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
    from dealcoach.home import paths
    from dealcoach.store.store import Store
    from dealcoach.workflow.replan import replan

    g = ctx.obj
    today: date = g.today
    day = _future_date(until, span, today, what="snooze")
    settings = g.settings
    with Store.open(paths.db_path(g.db)) as store, store.db.write():
        if re.fullmatch(r"[fF]\d+", target.strip()):
            fid = store.plans.resolve_followup(target)
            store.plans.snooze_followup(fid, day, today=today)
            replan(store, store.plans.followup(fid)["deal_id"], today, settings, g.calendar)
            label = f"F{fid}"
        else:
            deal_id = store.deals.resolve(target)
            store.plans.snooze_deal(deal_id, day)
            replan(store, deal_id, today, settings, g.calendar)
            label = f"D{deal_id} {store.deals.get(deal_id)['account']}"
    _say(f"snoozed {label} until {day:%a %Y-%m-%d}")


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
    from dealcoach.home import paths
    from dealcoach.store.store import Store

    g = ctx.obj
    day = _future_date(until, None, g.today, what="keep")
    with Store.open(paths.db_path(g.db)) as store:
        deal_id = store.deals.resolve(deal)
        store.plans.keep_deal(deal_id, day)
        account = store.deals.get(deal_id)["account"]
    _say(f"kept D{deal_id} {account}; quiet about it until {day:%a %Y-%m-%d}")


def close(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(metavar="DEAL", help="The deal: D12 or its account name.")],
    outcome: Annotated[str, typer.Argument(metavar="won|lost|let-go", help="How it ended.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why, in a few words.")] = None,
) -> None:
    """Close a deal as won, lost or let go; its follow-ups are dropped and it leaves next."""
    from dealcoach.errors import BadInput
    from dealcoach.home import paths
    from dealcoach.store.store import Store

    g = ctx.obj
    status = pick("outcome", outcome, OUTCOMES)
    with Store.open(paths.db_path(g.db)) as store:
        deal_id = store.deals.resolve(deal)
        row = store.deals.get(deal_id)
        if row["status"] != "open":
            raise BadInput(f"D{deal_id} is already closed ({row['status']}); nothing changed")
        dropped = store.deals.close(deal_id, status, reason=reason or "", on=g.today)
    extra = f"; {dropped} follow-up(s) dropped" if dropped else ""
    _say(f"closed D{deal_id} {row['account']} as {status.replace('_', ' ')}{extra}")


def _say(text: str) -> None:
    from rich.text import Text

    from dealcoach.render import text as render

    render.console().print(Text(render.clean(text)), soft_wrap=True)
