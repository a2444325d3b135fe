"""The one-line answers of `merge`, `delete` and `reopen`, and the question `delete` asks."""

from __future__ import annotations

from collections.abc import Mapping

from dealcoach.render.text import clean, deal_ref


def _rows(counts: Mapping[str, int]) -> str:
    shown = [f"{n} {table}" for table, n in counts.items() if n]
    return ", ".join(shown) or "no other rows"


def merged_line(source: int, target: int, account: str, moved: Mapping[str, int]) -> str:
    return clean(
        f"merged {deal_ref(source)} into {deal_ref(target)} {account} ({_rows(moved)} moved);"
        f" {deal_ref(source)} removed"
    )


def delete_question(deal_id: int, label: str) -> str:
    return clean(f"delete {deal_ref(deal_id)} {label} and all its history? [y/N] ")


def deleted_line(deal_id: int, label: str, rows: Mapping[str, int]) -> str:
    return clean(f"deleted {deal_ref(deal_id)} {label} ({_rows(rows)})")


def reopened_line(deal_id: int, account: str, planned: int) -> str:
    plan = f"; {planned} follow-up(s) planned" if planned else ""
    return clean(f"reopened {deal_ref(deal_id)} {account}{plan}")
