"""The screens of `backup`, `restore` and `doctor`: where a copy went, what a restore replaces,
and each check with its fix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dealcoach.render.text import clean

if TYPE_CHECKING:
    from rich.console import Console

    from dealcoach.render.views import Check


def backup_done(con: Console, dest: Path, size: int) -> None:
    from rich.text import Text

    con.print(Text(f"backed up to {clean(dest)} ({size:,} bytes)"), soft_wrap=True)


def restore_question(db: Path, chosen: Path, deals: tuple[int, int]) -> str:
    """The one question `restore` asks on a terminal (plain text: it goes to stderr).

    `deals` is the backup's (open, all) deal counts."""
    return (
        f"Replace {clean(db)} with {clean(chosen)} "
        f"({deals[0]} open of {deals[1]} deals)? A safety copy is kept first."
    )


def restore_done(
    con: Console, db: Path, chosen: Path, deals: tuple[int, int], safety: Path, size: int
) -> None:
    from rich.text import Text

    con.print(
        Text(
            f"restored {clean(db)} from {clean(chosen)} ({deals[0]} open of {deals[1]} deals); "
            f"the previous database is kept in {clean(safety)} ({size:,} bytes)"
        ),
        soft_wrap=True,
    )


def doctor_screen(con: Console, checks: Sequence[Check]) -> None:
    """One line a check: a mark, its name, what was found and (dimmed, or yellow) the fix."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    for check in checks:
        mark = Text("✓", style="green") if check.ok else Text("✗", style="red")
        detail = Text(clean(check.detail))
        if check.fix:
            detail.append(f"\nfix: {clean(check.fix)}", style="yellow" if not check.ok else "dim")
        table.add_row(mark, check.name, detail)
    con.print(table)
