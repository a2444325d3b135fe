"""What a CRM import will do: each checked row matched to its deal by external id, and the changes.

A row no external id matches links to the one open deal without an external id of the same
account and title (case and surrounding spaces aside), typically a deal qualified by hand before
the CRM export came in; otherwise it is created, naming the near-duplicates for a warning.

Pure: the deals already imported from the CRM (and the open deals) come in as rows, and the
actions go back to the workflow (`workflow/exchange.py`), which writes them, or to the screen for
`--dry-run`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dealcoach.interop import fields as custom
from dealcoach.interop.crm import CRMS, CrmDeal


@dataclass(frozen=True)
class CrmAction:
    """What importing one CRM row does: create a deal, link or update one, or leave it as it is."""

    deal: CrmDeal
    kind: str  # create | link | update | unchanged
    deal_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # deals columns to write
    changes: tuple[tuple[str, Any, Any], ...] = ()  # (column, before, after)
    close: str | None = None  # won / lost: close the open deal
    decision_moved: date | None = None  # a qualified deal's decision date changed to this
    qualified: bool = False
    near: tuple[Mapping[str, Any], ...] = ()  # with create: open deals that look like the same one


def crm_actions(
    deals: Sequence[CrmDeal],
    existing: Mapping[str, Mapping[str, Any]],
    source: str,
    today: date,
    open_deals: Sequence[Mapping[str, Any]] = (),
) -> list[CrmAction]:
    """Match each row to the deal it updates (by external id, else by account and title among
    `open_deals`) and work out what changes.

    Only the CRM's own columns change; the CRM's won / lost closes an open deal, and its open
    never reopens a deal closed in dealcoach (the rep's let go stays).
    """
    actions = []
    linked: set[int] = set()
    for deal in deals:
        crm_values = {
            "account": deal.account,
            "title": deal.title,
            "value": deal.value,
            "currency": deal.currency,
            "stage": deal.stage,
            "decision_date": deal.decision_date.isoformat() if deal.decision_date else None,
            "crm_owner": deal.owner,
            "crm_next_step": deal.next_step,
        }
        row = existing.get(deal.external_id)
        link = None
        if row is None:
            link, near = _match(deal, open_deals, linked)
        if row is None and link is None:
            status = deal.status
            closed_on = None
            if status != "open":
                closed_on = min(deal.decision_date or today, today).isoformat()
            created = min(deal.created or today, today).isoformat()
            values = {
                **crm_values,
                "fields": custom.dump(deal.fields),
                "status": status,
                "closed_on": closed_on,
                "close_reason": f"closed {status} in {CRMS[source].label}" if closed_on else None,
                "created": created,
                "updated": today.isoformat(),
                "qualified": 0,
                "external_source": source,
                "external_id": deal.external_id,
            }
            actions.append(CrmAction(deal, "create", values=values, near=near))
            continue
        if link is not None:
            row = link
            linked.add(int(link["id"]))
        if deal.stage is None and deal.status != "open":
            crm_values["stage"] = row["stage"]  # a closed stage leaves the stage as it was
        changes = tuple(
            (column, row[column], value)
            for column, value in crm_values.items()
            if _differs(row[column], value)
        )
        old_fields = custom.load(row.get("fields"))
        new_fields = custom.merged(old_fields, deal.fields, deal.field_columns)
        if new_fields != old_fields:
            changes = (*changes, ("fields", old_fields, new_fields))
        close = deal.status if deal.status != "open" and row["status"] == "open" else None
        qualified = bool(row["qualified"])
        moved = None
        old_decision = row["decision_date"]
        if (
            qualified
            and deal.decision_date is not None
            and _differs(old_decision, crm_values["decision_date"])
        ):
            moved = deal.decision_date
        kind = "update" if changes or close else "unchanged"
        values = {column: after for column, _, after in changes}
        if "fields" in values:
            values["fields"] = custom.dump(values["fields"])
        if link is not None:
            kind = "link"
            values.update(external_source=source, external_id=deal.external_id)
        if values:
            values["updated"] = today.isoformat()
        actions.append(
            CrmAction(
                deal,
                kind,
                deal_id=int(row["id"]),
                values=values,
                changes=changes,
                close=close,
                decision_moved=moved,
                qualified=qualified,
            )
        )
    return actions


def _folded(text: str | None) -> str:
    return (text or "").strip().casefold()


def _squeezed(text: str | None) -> str:
    return "".join((text or "").split()).casefold()


def _match(
    deal: CrmDeal, open_deals: Sequence[Mapping[str, Any]], linked: set[int]
) -> tuple[Mapping[str, Any] | None, tuple[Mapping[str, Any], ...]]:
    """The one open deal without an external id this row is (same account and title, case and
    surrounding spaces aside), or None and the deals it may duplicate: the same account with
    another title, or the same title with the account spelled with other case or spacing."""
    same = [
        row
        for row in open_deals
        if row["external_id"] is None
        and int(row["id"]) not in linked
        and _folded(row["account"]) == _folded(deal.account)
        and _folded(row["title"]) == _folded(deal.title)
    ]
    if len(same) == 1:
        return same[0], ()
    near = tuple(
        row
        for row in open_deals
        if _folded(row["account"]) == _folded(deal.account)
        or (
            _squeezed(row["account"]) == _squeezed(deal.account)
            and _folded(row["title"]) == _folded(deal.title)
        )
    )
    return None, near


def near_label(row: Mapping[str, Any]) -> str:
    """`D3 Acme / Widgets`: a near-duplicate as a warning names it."""
    title = f" / {row['title']}" if row.get("title") and row["title"] != row["account"] else ""
    return f"D{row['id']} {row['account']}{title}"


def _differs(before: Any, after: Any) -> bool:
    if before is None or after is None:
        return before is not after
    if isinstance(before, Decimal) or isinstance(after, Decimal):
        return Decimal(str(before)) != Decimal(str(after))
    return str(before) != str(after)


def _change(column: str, before: Any, after: Any) -> str:
    """One change as `--dry-run` names it; custom fields by the keys that change."""
    if column == "fields":
        keys = custom.changed_keys(before, after)
        shown = ", ".join(repr(k) for k in keys[:3]) + (
            f" +{len(keys) - 3} more" if len(keys) > 3 else ""
        )
        return f"fields {shown}"
    return (
        f"{column} {before if before is not None else '-'} → {after if after is not None else '-'}"
    )


def describe(action: CrmAction) -> str:
    """One line of `--dry-run` (and of the summary): what happens to one CRM row."""
    deal = action.deal
    ref = f"{deal.external_id}"
    if action.kind == "create":
        parts = [deal.stage or "no stage", deal.status]
        if deal.value is not None:
            parts.append(f"{deal.value} {deal.currency or ''}".strip())
        if deal.decision_date:
            parts.append(f"decision {deal.decision_date.isoformat()}")
        name = deal.account + (
            f" / {deal.title}" if deal.title and deal.title != deal.account else ""
        )
        return f"create     {ref}  {name} ({', '.join(parts)})"
    head = f"D{action.deal_id} {ref}"
    if action.kind == "link":
        changes = "; ".join(_change(*change) for change in action.changes)
        closing = f"; close as {action.close}" if action.close else ""
        return f"link       {head}  {deal.account}{': ' + changes if changes else ''}{closing}"
    if action.kind == "unchanged":
        return f"unchanged  {head}  {deal.account}"
    parts = []
    for column, before, after in action.changes:
        note = ""
        if column == "decision_date" and before and after and str(after) > str(before):
            note = " (pushed)"
        parts.append(_change(column, before, after) + note)
    if action.close:
        parts.append(f"close as {action.close}")
    return f"update     {head}  {deal.account}: {'; '.join(parts)}"
