"""Where dealcoach keeps its data: resolved in functions, so one variable isolates everything."""

from __future__ import annotations

import os
from pathlib import Path

from dealcoach.interop.private import make_folders, open_private


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


def backups_dir() -> Path:
    return home() / "backups"


def newest_backup() -> Path | None:
    """The most recent backup in backups/, if any: what `restore` is pointed to."""
    folder = backups_dir()
    found = [f for f in folder.glob("*.db") if f.is_file()] if folder.is_dir() else []
    return max(found, key=lambda f: f.stat().st_mtime) if found else None


def emptied(db: Path) -> bool:
    """`db` is an empty file in the data folder where dealcoach has already kept data (backups or
    drafts): damage, not a new pipeline. The cache does not count: a first run writes it too."""
    try:
        if db.stat().st_size != 0 or db.parent.resolve() != home().resolve():
            return False
    except OSError:
        return False
    return newest_backup() is not None or any(drafts_dir().glob("*.json"))


def cache_dir() -> Path:
    """Files that only spare work (holiday dates, checked settings): safe to delete."""
    return home() / "cache"


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step, readable by the owner only (0600).

    A private temporary file in the same folder is renamed over it (`os.replace` is atomic), so a
    reader, or a process killed at any instant, sees the old content or the new, never half.
    """
    import contextlib
    import secrets  # not on the start-up path: only writes need it

    folder = path.parent
    make_folders(folder)
    temp = folder / f".{path.stem}.{secrets.token_hex(6)}.tmp"
    fd = open_private(temp, exclusive=True)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
