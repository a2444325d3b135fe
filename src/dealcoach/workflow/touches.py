"""What happens during the day: a follow-up sent (`done`), a touch logged (`log`), a deal or a
follow-up snoozed, a deal kept or closed. Each writes once, re-plans where the plan depends on it,
and returns what the screen reports (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from dealcoach.vocabulary import TouchKind

if TYPE_CHECKING:
    from dealcoach.records import Outcome, Touch
    from dealcoach.store.connection import Row
    from dealcoach.store.store import Store
    from dealcoach.vocabulary import StopReason
    from dealcoach.workflow.context import Context

_FOLLOWUP_ID = re.compile(r"[fF]\d+")


@dataclass(frozen=True)
class Touched:
    """A touch recorded, as stored, with the deal's new verdict and plan."""

    touch: Touch
    deal: Row
    outcome: Outcome
    followup: Row | None  # the follow-up `done` marked sent; None for `log`
    warnings: tuple[str, ...] = ()  # about a typed decision date: kept, but worth a second look


@dataclass(frozen=True)
class Snoozed:
    """One follow-up (`followup_id`) or a whole deal (`deal_id`, `account`) quiet until a date."""

    until: date
    followup_id: int | None = None
    deal_id: int | None = None
    account: str = ""
    warnings: tuple[str, ...] = ()  # about the typed date: kept, but worth a second look


@dataclass(frozen=True)
class Kept:
    deal_id: int
    account: str
    until: date
    warnings: tuple[str, ...] = ()  # about the typed date: kept, but worth a second look


@dataclass(frozen=True)
class Closed:
    deal_id: int
    account: str
    status: str  # won | lost | let_go
    dropped: int  # planned follow-ups dropped with it


def done(
    ctx: Context,
    followup: str,
    *,
    on: date,
    replied: bool,
    who: str | None,
    note: str | None,
    delivered: bool,
) -> Touched:
    """A planned follow-up was sent: it is frozen, the touch recorded, what it owed closed."""
    from dealcoach.domain.followup_keys import FollowUpKey
    from dealcoach.records import Touch
    from dealcoach.workflow.replan import replan

    today = ctx.today
    settings = ctx.settings
    with ctx.open_store() as store:
        fid = store.plans.resolve_followup(followup)
        with store.db.write():
            row = store.plans.mark_done(fid, on=on, today=today)
            touch = Touch(
                date=on,
                kind=_kind_of(row["channel"]),
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
            outcome = replan(store, row["deal_id"], today, settings, ctx.calendar)
        return _touched(store, touch_id, outcome, followup=row)


def _kind_of(channel: str) -> TouchKind:
    """A sent email or call is that; a task done is a note."""
    return TouchKind(channel) if channel in ("email", "call") else TouchKind.note


def log(
    ctx: Context,
    deal: str,
    *,
    kind: TouchKind,
    on: date,
    inbound: bool,
    replied: bool,
    who: str | None,
    note: str | None,
    owe: str | None,
    away_until: date | None,
    signal: StopReason | None,
    signal_until: date | None,
    delivered: bool,
    decision_date: date | None = None,
) -> Touched:
    """A touch, a reply or a note: recorded, then the deal re-planned in the same write.

    A new decision date from the buyer is kept as a CRM date is: visible to `date_pushed`, and
    the only thing that clears `decision_passed`.
    """
    from dealcoach.errors import BadInput
    from dealcoach.records import Touch
    from dealcoach.workflow.replan import replan

    today = ctx.today
    settings = ctx.settings
    with ctx.open_store() as store:
        deal_id = store.deals.resolve(deal)
        touch = Touch(
            date=on,
            kind=kind,
            inbound=inbound,
            replied=replied,
            who=who or "",
            note=note or "",
            owe=owe or "",
            away_until=away_until,
            signal=signal,
            signal_until=signal_until,
        )
        with store.db.write():
            if decision_date is not None and not store.interviews.record_decision_date(
                deal_id, decision_date, today=today
            ):
                raise BadInput(
                    f"D{deal_id} has no interview to carry a decision date;"
                    f" run dealcoach qualify D{deal_id} first"
                )
            if delivered:
                store.plans.close_owes(deal_id, on=on)
            touch_id = store.plans.add_touch(deal_id, touch)
            outcome = replan(store, deal_id, today, settings, ctx.calendar)
        touched = _touched(store, touch_id, outcome, followup=None)
    if decision_date is None:
        return touched
    found = _date_warnings(ctx, decision_date, decision_date=None)
    return replace(touched, warnings=found)


def _touched(store: Store, touch_id: int, outcome: Outcome, *, followup: Row | None) -> Touched:
    """The touch read back as stored, and the deal as it is now."""
    touch = store.plans.touch(touch_id)
    return Touched(touch, store.deals.get(outcome.deal_id), outcome, followup)


def snooze(ctx: Context, target: str, *, until: date | None = None, span: str = "") -> Snoozed:
    """Quiet one follow-up (`F37`) or a whole deal until a date; the deal is re-planned.

    `--for` (`span`) counts from the later of today and the date the follow-up would come due, so
    that a week more is always a week later than it would have been; a follow-up's snooze ends on a
    working day. A date that would not move the follow-up is refused: a snooze that changes nothing
    must not say it did.
    """
    from dealcoach.domain.snooze import later_than_today, snoozed_until
    from dealcoach.workflow.replan import replan

    today = ctx.today
    settings = ctx.settings
    with ctx.open_store() as store, store.db.write():
        if _FOLLOWUP_ID.fullmatch(target.strip()):
            fid = store.plans.resolve_followup(target)
            row = store.plans.followup(fid)
            due = max(row["due"], row["snoozed_until"] or row["due"])
            day = snoozed_until(
                date.fromisoformat(due), today, ctx.calendar, until=until, span=span, what=f"F{fid}"
            )
            store.plans.snooze_followup(fid, day, today=today)
            replan(store, row["deal_id"], today, settings, ctx.calendar)
            deal_row = store.deals.get(row["deal_id"])
            found = _typed_warnings(ctx, until, day, deal_row)
            return Snoozed(day, followup_id=fid, warnings=found)
        day = until if until is not None else later_than_today(today, span, today)
        deal_id = store.deals.resolve(target)
        store.plans.snooze_deal(deal_id, day)
        replan(store, deal_id, today, settings, ctx.calendar)
        deal_row = store.deals.get(deal_id)
        found = _typed_warnings(ctx, until, day, deal_row)
        return Snoozed(day, deal_id=deal_id, account=deal_row["account"], warnings=found)


def keep(ctx: Context, deal: str, until: date) -> Kept:
    """The rep keeps a deal the verdict would let go: no reminder about it until the date."""
    with ctx.open_store() as store:
        deal_id = store.deals.resolve(deal)
        store.plans.keep_deal(deal_id, until)
        row = store.deals.get(deal_id)
    return Kept(deal_id, row["account"], until, _typed_warnings(ctx, until, until, row))


def _typed_warnings(ctx: Context, typed: date | None, day: date, deal: Row) -> tuple[str, ...]:
    """Warnings about a date the rep typed (none for a span counted by dealcoach)."""
    if typed is None:
        return ()
    decision = deal["decision_date"]
    return _date_warnings(
        ctx, day, decision_date=date.fromisoformat(decision) if decision else None
    )


def _date_warnings(ctx: Context, day: date, *, decision_date: date | None) -> tuple[str, ...]:
    from dealcoach.domain.date_checks import warnings

    return tuple(warnings(day, today=ctx.today, decision_date=decision_date, cal=ctx.calendar))


def close(ctx: Context, deal: str, status: str, *, reason: str | None) -> Closed:
    """Close an open deal; its planned follow-ups are dropped. Closing it twice is refused."""
    from dealcoach.errors import BadInput

    with ctx.open_store() as store:
        deal_id = store.deals.resolve(deal)
        row = store.deals.get(deal_id)
        if row["status"] != "open":
            raise BadInput(f"D{deal_id} is already closed ({row['status']}); nothing changed")
        from dealcoach.workflow.relearn import refresh  # a closed deal is one more to learn from

        with store.db.write():
            dropped = store.deals.close(deal_id, status, reason=reason or "", on=ctx.today)
            refresh(ctx, store)
    return Closed(deal_id, row["account"], status, dropped)
