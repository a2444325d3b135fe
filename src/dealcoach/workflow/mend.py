"""Mending the deal list: `merge` a duplicate into the deal to keep, `delete` a deal entered by
mistake, `reopen` a deal closed by mistake. Each writes in one transaction and re-plans what it
leaves open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dealcoach.store.store import Store
    from dealcoach.workflow.context import Context


@dataclass(frozen=True)
class Merged:
    source: int
    target: int
    account: str
    moved: dict[str, int]  # rows moved, per table


@dataclass(frozen=True)
class Found:
    deal_id: int
    label: str  # `Acme / Widgets`, for the confirmation


@dataclass(frozen=True)
class Deleted:
    deal_id: int
    label: str
    rows: dict[str, int]  # rows removed with it, per table


@dataclass(frozen=True)
class Reopened:
    deal_id: int
    account: str
    planned: int  # follow-ups planned again


def merge(ctx: Context, source: str, target: str) -> Merged:
    """Everything of `source` into `target`, newer answers kept, `target` re-planned."""
    from dealcoach.errors import BadInput

    with ctx.open_store() as store:
        source_id = store.deals.resolve(source)
        target_id = store.deals.resolve(target)
        if source_id == target_id:
            raise BadInput(f"cannot merge D{source_id} into itself; name two deals")
        kept, other = store.deals.get(target_id), store.deals.get(source_id)
        for row in (other, kept):
            if row["status"] != "open":
                raise BadInput(
                    f"D{row['id']} is closed ({row['status']}); dealcoach reopen D{row['id']}"
                    " first, then merge"
                )
        if (
            kept["external_id"] is not None
            and other["external_id"] is not None
            and (kept["external_source"], kept["external_id"])
            != (other["external_source"], other["external_id"])
        ):
            raise BadInput(
                f"D{source_id} and D{target_id} are two deals in {other['external_source']}"
                f" ({other['external_id']}, {kept['external_id']}); merge them there first"
            )
        with store.db.write():
            moved = store.deals.merge(source_id, target_id, today=ctx.today)
            _replan(ctx, store, target_id)
        account = str(store.deals.get(target_id)["account"])
    return Merged(source_id, target_id, account, moved)


def find(ctx: Context, deal: str) -> Found:
    """The deal a `delete` names, to ask about it before anything is written."""
    with ctx.open_store() as store:
        deal_id = store.deals.resolve(deal)
        return Found(deal_id, _label(store.deals.get(deal_id)))


def delete(ctx: Context, deal_id: int) -> Deleted:
    """Remove the deal and every row of it, in one transaction."""
    with ctx.open_store() as store:
        from dealcoach.workflow.relearn import refresh

        label = _label(store.deals.get(deal_id))
        with store.db.write():
            rows = store.deals.delete(deal_id)
            refresh(ctx, store)
    return Deleted(deal_id, label, rows)


def reopen(ctx: Context, deal: str) -> Reopened:
    """A closed deal open again, judged and planned again; an open one is refused."""
    from dealcoach.errors import BadInput

    with ctx.open_store() as store:
        deal_id = store.deals.resolve(deal)
        row = store.deals.get(deal_id)
        if row["status"] == "open":
            raise BadInput(f"D{deal_id} is open; nothing to reopen")
        from dealcoach.workflow.relearn import refresh

        with store.db.write():
            store.deals.reopen(deal_id)
            refresh(ctx, store)  # one closed deal fewer to learn from
            planned = _replan(ctx, store, deal_id)
    return Reopened(deal_id, str(row["account"]), planned)


def _replan(ctx: Context, store: Store, deal_id: int) -> int:
    """Judge and plan a qualified deal again (inside the caller's write); the follow-ups planned."""
    if not store.deals.get(deal_id)["qualified"]:
        return 0
    from dealcoach.workflow.replan import replan

    outcome = replan(store, deal_id, ctx.today, ctx.settings, ctx.calendar)
    return len(outcome.plan)


def _label(row: dict[str, object]) -> str:
    title = f" / {row['title']}" if row.get("title") and row["title"] != row["account"] else ""
    return f"{row['account']}{title}"
