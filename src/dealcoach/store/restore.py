"""Putting a backup back: checked first, a safety copy kept, then written in through SQLite.

Copying a backup file over the database is undone on the next open when a `-wal` file is left
over (after a crash, or with a reader open): SQLite replays the old log onto the new file. So
the backup's pages are written into the live database through SQLite's backup API, as one write
transaction of the live database: the log then holds the restored pages, never the old ones.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dealcoach.errors import StoreError
from dealcoach.store.connection import APPLICATION_ID, SCHEMA_VERSION, SQLITE_MAGIC, Connection
from dealcoach.store.damage import damage_of


@dataclass(frozen=True)
class BackupFile:
    """A backup that passed the checks: what it holds."""

    path: Path
    schema_version: int
    deals: int
    open_deals: int


def check_backup(path: Path) -> BackupFile:
    """A dealcoach database, undamaged (`integrity_check`), of a schema this dealcoach reads."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no backup at {path}; name a file that dealcoach backup wrote")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise StoreError(f"{path} is not a dealcoach database; name another backup")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the backup {path} ({exc})") from exc
    try:
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        if app_id != APPLICATION_ID:
            raise StoreError(f"{path} is not a dealcoach database; name another backup")
        damage = damage_of(conn, "integrity_check")
        if damage:
            raise StoreError(f"the backup {path} is damaged ({damage}); name another backup")
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise StoreError(f"the backup {path} was written by a newer dealcoach; upgrade first")
        if version < 1:
            raise StoreError(f"the backup {path} holds no dealcoach schema; name another backup")
        deals, open_deals = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(status = 'open'), 0) FROM deals"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot read the backup {path} ({exc}); name another backup") from exc
    finally:
        conn.close()
    return BackupFile(path, int(version), int(deals), int(open_deals))


def restore(live: Connection, backup: BackupFile, safety: Path) -> int:
    """Write `backup` into the open `live` database; first copy the live one to `safety`.

    The safety copy is made once the restore holds the live database's write lock (after the
    backup API's first step), so no write can land between the copy and the restore. Returns
    the safety copy's size in bytes.
    """
    sizes: list[int] = []

    def progress(status: int, remaining: int, total: int) -> None:
        if sizes:
            return
        if status == sqlite3.SQLITE_DONE:  # one page: nothing was locked before it was written
            raise StoreError(f"the backup {backup.path} is too small to be a dealcoach database")
        reader = Connection(live.path, sqlite3.connect(live.path))
        try:
            sizes.append(reader.backup(safety, check=False))
        finally:
            reader.close()

    source = sqlite3.connect(f"{backup.path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(live.sqlite, pages=1, progress=progress)
    except sqlite3.Error as exc:
        raise (live.translate(exc) or StoreError(f"restore failed: {exc}")) from exc
    finally:
        source.close()
    return sizes[0]
