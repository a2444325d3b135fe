"""What every command works with, made once by the CLI: today, the database, the settings.

Commands get it as `ctx.obj` and hand it to the workflow; nothing here is loaded before a command
asks for it, so `--version` and `--help` stay as cheap as before (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dealcoach.domain.settings import Settings
    from dealcoach.domain.workdays import WorkCalendar
    from dealcoach.store.store import Store


@dataclass
class Context:
    """The global options (`--db`, `--today`, `--debug`) and what they lead to."""

    db: Path | None
    today_text: str | None
    debug: bool = False

    @cached_property
    def today(self) -> date:
        from dealcoach.dates import parse_iso

        return parse_iso(self.today_text) if self.today_text else date.today()

    @property
    def db_path(self) -> Path:
        from dealcoach.home import paths

        return paths.db_path(self.db)

    @cached_property
    def settings(self) -> Settings:
        from dealcoach.home.config import load_settings

        return load_settings()

    @cached_property
    def calendar(self) -> WorkCalendar:
        """The rep's working days: their country's public holidays, loaded by the data folder."""
        from dealcoach.domain.workdays import WorkCalendar
        from dealcoach.home.holidays import holidays_of

        return WorkCalendar(holidays_of(self.settings.country))

    def open_store(self) -> Store:
        """The database, refused when it was emptied to 0 bytes after dealcoach kept data."""
        from dealcoach.store.store import Store

        refuse_emptied(self.db_path)
        return Store.open(self.db_path)


def refuse_emptied(db: Path) -> None:
    """An emptied database would silently start an empty pipeline: point to `restore` instead."""
    from dealcoach.errors import StoreError
    from dealcoach.home import paths

    if paths.emptied(db):
        newest = paths.newest_backup()
        backup = str(newest) if newest else "BACKUP"
        raise StoreError(
            f"{db} is empty, but dealcoach kept data here before: run dealcoach restore {backup}"
            f" (or remove {db} to start a new pipeline)"
        )
