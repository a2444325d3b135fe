"""Looking after the data: a safe copy of the database, putting one back, and the doctor's checks.

The doctor looks at the data folder, the database file (permissions, integrity, foreign keys,
schema, journal), the settings and their holidays country, and the unfinished interviews; each
finding says how to fix it. The checks are `render.views.Check` records, drawn by `render/care.py`.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import TYPE_CHECKING

from dealcoach.render.views import Check

if TYPE_CHECKING:
    from dealcoach.errors import StoreError
    from dealcoach.store.restore import BackupFile
    from dealcoach.workflow.context import Context


def backup(context: Context, file: Path | None = None) -> tuple[Path, int]:
    """Copy the database to FILE (default: a new file in backups/); returns where, and its size."""
    from dealcoach.home import paths
    from dealcoach.interop.private import make_folders

    dest = file
    if dest is None:
        folder = paths.home() / "backups"
        make_folders(folder)  # the data folder's own, 0700; a folder the rep names must exist
        dest = default_backup(folder, context.today.isoformat())
    with context.open_store() as store:
        size = store.db.backup(dest)
    return dest, size


def check_restore(file: Path) -> BackupFile:
    """The backup to restore, checked before anyone is asked to confirm."""
    from dealcoach.store.restore import check_backup

    return check_backup(file)


def restore(context: Context, chosen: BackupFile) -> tuple[Path, int]:
    """Write `chosen` into the database, after a safety copy of it in backups/.

    Returns where the safety copy went, and its size. Opened directly, not by
    `context.open_store()`: restoring is also the way out of an emptied database file.
    """
    from dealcoach.errors import StoreError
    from dealcoach.home import paths
    from dealcoach.interop.private import make_folders
    from dealcoach.store.restore import restore as write_back
    from dealcoach.store.store import Store

    if chosen.path.resolve() == context.db_path.resolve():
        raise StoreError(f"{chosen.path} is the database itself; name a backup")
    folder = paths.home() / "backups"
    make_folders(folder)  # the data folder's own, 0700 (the store never makes folders)
    safety = default_backup(folder, context.today.isoformat())
    try:
        store = Store.open(context.db_path)
    except StoreError as exc:
        raise StoreError(
            f"{exc.message.split(';')[0]}; move {context.db_path} away, then restore again"
        ) from exc
    with store:
        size = write_back(store.db, chosen, safety)
    return safety, size


def explain_failure(context: Context, exc: Exception) -> StoreError | None:
    """After a command crashed: a one-line error when the database is damaged, else None."""
    import sqlite3

    from dealcoach.store.connection import Connection

    db = context.db_path
    if not db.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return Connection(db, conn).explain(exc)
    except Exception:  # the explanation must never hide the first failure
        return None
    finally:
        conn.close()


def default_backup(folder: Path, day: str) -> Path:
    """`dealcoach-DAY.db`, or `dealcoach-DAY-2.db` and so on: a backup never replaces another."""
    candidate = folder / f"dealcoach-{day}.db"
    n = 2
    while candidate.exists():
        candidate = folder / f"dealcoach-{day}-{n}.db"
        n += 1
    return candidate


def doctor(context: Context) -> list[Check]:
    """Every check, in the order the screen lists them; healthy when all are ok."""
    from dealcoach.home import paths

    db = context.db_path
    checks = [*_where(paths.home(), db), *_folders(paths.home()), *_database(db)]
    checks.extend(_settings(paths.config_path()))
    drafts = sorted(paths.drafts_dir().glob("*.json")) if paths.drafts_dir().is_dir() else []
    if drafts:
        checks.append(
            Check(
                "drafts",
                True,
                f"{len(drafts)} unfinished interview(s) kept",
                "dealcoach qualify --resume",
            )
        )
    return checks


def _where(home: Path, db: Path) -> list[Check]:
    return [Check("data folder", True, str(home)), Check("database file", True, str(db))]


def _folders(home: Path) -> list[Check]:
    """The data folder and the folders dealcoach makes in it are the owner's only (0700)."""
    if not home.is_dir():
        return []
    folders = [home, *(home / name for name in ("backups", "drafts", "cache"))]
    wide = [f for f in folders if f.is_dir() and stat.S_IMODE(f.stat().st_mode) & 0o077]
    if not wide:
        return [Check("folder permissions", True, f"{home.name} is private (0700)")]
    shown = ", ".join(f"{f.name} is {stat.S_IMODE(f.stat().st_mode):04o}" for f in wide)
    return [
        Check(
            "folder permissions",
            False,
            f"{shown}; others can list the data folder",
            "chmod 700 " + " ".join(str(f) for f in wide),
        )
    ]


def _database(db: Path) -> list[Check]:
    from dealcoach.errors import DealcoachError
    from dealcoach.store.store import Store
    from dealcoach.workflow.context import refuse_emptied

    if not db.exists():
        return [Check("database", False, f"no database yet at {db}", "run dealcoach qualify")]
    found: list[Check] = []
    mode = stat.S_IMODE(db.stat().st_mode)
    found.append(
        Check(
            "permissions",
            mode & 0o077 == 0,
            f"{db.name} is {mode:04o}",
            f"chmod 600 {db}" if mode & 0o077 else "",
        )
    )
    restore = _restore_advice()
    try:
        refuse_emptied(db)
        with Store.open(db) as store:
            health = store.db.health()
    except DealcoachError as exc:
        found.append(Check("database", False, exc.message, restore))
        return found
    integrity_ok = health["integrity"] == ["ok"]
    found.append(
        Check(
            "integrity",
            integrity_ok,
            "ok" if integrity_ok else "; ".join(health["integrity"][:3]),
            "" if integrity_ok else restore,
        )
    )
    fk_ok = health["foreign_key_problems"] == 0
    found.append(
        Check(
            "foreign keys",
            fk_ok,
            "ok" if fk_ok else f"{health['foreign_key_problems']} rows point at missing rows",
            "" if fk_ok else restore,
        )
    )
    version_ok = health["schema_version"] == health["expected_schema_version"]
    missing = health["missing"]
    found.append(
        Check(
            "schema",
            version_ok and not missing,
            f"version {health['schema_version']}"
            + (f"; lost {', '.join(missing[:5])}" if missing else ""),
            restore if missing else "" if version_ok else "upgrade dealcoach",
        )
    )
    unreadable = health["unreadable"]
    found.append(
        Check(
            "stored values",
            not unreadable,
            "ok" if not unreadable else "cannot read " + ", ".join(unreadable[:5]),
            restore if unreadable else "",
        )
    )
    wal = health["journal_mode"] == "wal"
    found.append(
        Check(
            "journal",
            wal,
            health["journal_mode"],
            "" if wal else "open it once with dealcoach next",
        )
    )
    found.append(Check("deals", True, f"{health['open_deals']} open of {health['deals']}"))
    return found


def _restore_advice() -> str:
    """`dealcoach restore` with the newest backup in backups/, never "copy the file back":
    a copy is undone by a left-over -wal file."""
    from dealcoach.home import paths

    newest = paths.newest_backup()
    if newest is None:
        return "dealcoach restore BACKUP (dealcoach backup makes them), or move the file away"
    return f"dealcoach restore {newest} (the newest backup)"


def _settings(config: Path) -> list[Check]:
    from dealcoach.errors import DealcoachError
    from dealcoach.home.config import load_settings
    from dealcoach.home.holidays import known_country

    try:
        settings = load_settings(config)
    except DealcoachError as exc:
        return [Check("config", False, exc.message, f"fix or remove {config}")]
    detail = f"{config}" if config.exists() else "defaults (no config.toml)"
    checks = [Check("config", True, detail)]
    if not known_country(settings.country):
        checks.append(
            Check(
                "holidays",
                False,
                f"country {settings.country!r} is not known to the holidays library",
                f"set country to an ISO code such as US, GB, FR in {config}",
            )
        )
    else:
        checks.append(Check("holidays", True, f"public holidays of {settings.country}"))
    return checks
