"""Where dealcoach keeps its data: resolved in functions, so one variable isolates everything."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The data folder: DEALCOACH_HOME, else the platform's user data directory."""
    override = os.environ.get("DEALCOACH_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("dealcoach", appauthor=False)


def db_path(cli_value: Path | None = None) -> Path:
    """The database file: --db, then DEALCOACH_DB, then dealcoach.db in the data folder."""
    if cli_value is not None:
        return cli_value.expanduser()
    env = os.environ.get("DEALCOACH_DB")
    if env:
        return Path(env).expanduser()
    return home() / "dealcoach.db"


def config_path() -> Path:
    return home() / "config.toml"


def drafts_dir() -> Path:
    return home() / "drafts"
