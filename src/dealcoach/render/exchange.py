"""What `export` and `import` say: messages and the progress bar on stderr, dry runs on stdout.

stdout carries only data (the export itself, or what a dry run would import); everything else is
a message on stderr, so `dealcoach export deals > deals.csv` stays clean.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealcoach.render.text import clean

if TYPE_CHECKING:
    from dealcoach.interop.crm_actions import CrmAction
    from dealcoach.interop.dealcoach_rows import TableRows

PROGRESS_LINES = 20_000  # files longer than this get a progress bar (on a terminal)


def say(text: str) -> None:
    """A message: stderr, so that stdout carries only data."""
    sys.stderr.write(f"dealcoach: {clean(text)}\n")
    sys.stderr.flush()


@contextmanager
def progress(path: Path) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long files, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    bar: Any = None
    task: Any = None

    def tick(line: int, total: int) -> None:
        nonlocal bar, task
        if total < PROGRESS_LINES:
            return
        if bar is None:
            from rich.progress import Progress

            from dealcoach.render.text import console

            bar = Progress(console=console(stderr=True), transient=True)
            bar.start()
            task = bar.add_task(f"reading {clean(path.name)}", total=total)
        bar.update(task, completed=line)

    try:
        yield tick
    finally:
        if bar is not None:
            bar.stop()


# -- dealcoach's own files --------------------------------------------------------------------------


def restore_dry_run(tables: Mapping[str, TableRows]) -> None:
    """What a restore would write, one line a table, then that nothing was written."""
    for name, part in tables.items():
        sys.stdout.write(
            clean(f"would import {len(part.rows)} {name} row(s) from {', '.join(part.files)}")
            + "\n"
        )
    say("nothing written (--dry-run)")


def restored(tables: Mapping[str, TableRows]) -> None:
    done = ", ".join(f"{len(part.rows)} {name}" for name, part in tables.items()) or "nothing"
    say(f"imported {done} (ids kept)")


# -- a CRM's deals ----------------------------------------------------------------------------------


def crm_summary(label: str, actions: Sequence[CrmAction]) -> str:
    """`2 new, 1 updated, 5 unchanged from HubSpot`."""
    created = sum(a.kind == "create" for a in actions)
    linked = sum(a.kind == "link" for a in actions)
    updated = sum(a.kind == "update" for a in actions)
    unchanged = len(actions) - created - linked - updated
    links = f"{linked} linked, " if linked else ""
    return f"{created} new, {links}{updated} updated, {unchanged} unchanged from {label}"


def near_duplicates(actions: Sequence[CrmAction]) -> None:
    """A warning for each deal added beside open deals that look like the same one."""
    from dealcoach.interop.crm_actions import near_label

    for action in actions:
        if action.kind == "create" and action.near:
            deal = action.deal
            names = ", ".join(near_label(row) for row in action.near)
            say(
                f"warning: {deal.external_id} {deal.account} / {deal.title or '-'} looks like"
                f" {names}; if it is the same deal, dealcoach merge it into"
                f" D{action.near[0]['id']} after the import"
            )


def crm_dry_run(label: str, actions: Sequence[CrmAction]) -> None:
    """One line per deal that would change (stdout), then the summary (stderr)."""
    from dealcoach.interop import crm_actions

    for action in actions:
        if action.kind != "unchanged":
            sys.stdout.write(clean(crm_actions.describe(action)) + "\n")
    near_duplicates(actions)
    say(f"would import {crm_summary(label, actions)}; nothing written (--dry-run)")


def crm_imported(label: str, actions: Sequence[CrmAction]) -> None:
    near_duplicates(actions)
    say(f"imported {crm_summary(label, actions)}")
