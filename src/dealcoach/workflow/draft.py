"""`dealcoach draft`: one planned follow-up, read back with its outline's one question."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from dealcoach.render.views import DraftView

if TYPE_CHECKING:
    from dealcoach.workflow.context import Context


def draft(ctx: Context, followup: str) -> DraftView:
    """The stored follow-up `followup` (`F12`), what it brings and the question its message asks."""
    from dealcoach.domain.followup_words import the_question

    with ctx.open_store() as store:
        fid = store.plans.resolve_followup(followup)
        row = store.plans.followup(fid)
        deal = store.deals.get(row["deal_id"])
    milestone_date = date.fromisoformat(row["milestone_date"]) if row["milestone_date"] else None
    milestone_day = milestone_date.strftime("%a %b %d") if milestone_date else ""
    return DraftView(
        followup_id=fid,
        account=deal["account"],
        who=row["who"] or "",
        channel=row["channel"],
        bring=row["bring"] or "",
        milestone=row["milestone"],
        milestone_date=milestone_date,
        question=the_question(
            row["outline"] or "",
            row["bring"] or "",
            milestone=row["milestone"],
            milestone_day=milestone_day,
        ),
    )
