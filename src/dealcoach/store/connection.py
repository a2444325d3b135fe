"""The one SQLite connection every part of the store shares: opening, schema, transactions.

Reads use the standard library's `sqlite3` alone, and opening an up-to-date database never imports
sqlite-utils, which would cost a read-only command a quarter of its start-up: it is imported only
when migrations are pending. Every write starts with `BEGIN IMMEDIATE`, since a plain `BEGIN`
fails at once with "database is locked" when another writer committed between our read and our
write; nested writes become savepoints. Rows come back as plain dicts.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from dealcoach.errors import StoreError
from dealcoach.interop.private import make_folders, open_private
from dealcoach.store.damage import DAMAGE_SIGNS, damage_of, missing_schema, unreadable_cells

# Mirrors of migrations.py, so that opening an up-to-date database needs no sqlite-utils import.
# `_migrate` and the tests check that they agree with the migrations module.
APPLICATION_ID = 0x4443_4F41
MIGRATION_NAMES: tuple[str, ...] = (
    "m001_initial",
    "m002_followup_and_account_indexes",
    "m003_fields_and_win_probability",
)
SCHEMA_VERSION = len(MIGRATION_NAMES)
MIGRATION_SET = "dealcoach"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' bookkeeping table

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_MESSAGE = "the database is busy (another dealcoach is writing); try again"

Row = dict[str, Any]


class Connection:
    """One open dealcoach database file. The parts of the store (deals, interviews, plans,
    the morning, the exchange) each hold this same object, so they share its transactions."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.sqlite = conn  # the stdlib connection: for this package's parts and the tests only
        self._savepoints = 0

    # ----------------------------------------------------------------- opening and closing

    @classmethod
    def open(cls, path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Connection:
        """Open (creating, 0600, and migrating if needed) the database at `path`.

        Anything that is not ours is refused before SQLite writes a byte to it.
        `busy_timeout_ms` is how long to wait for another writer (tests shorten it).
        """
        path = Path(path)
        _create_file(path)
        _check_header(path)
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path} ({exc}); pass --db with another file") from exc
        opened = cls(path, conn)
        try:
            opened._prepare(int(busy_timeout_ms))
        except BaseException:
            conn.close()
            raise
        return opened

    def close(self) -> None:
        self.sqlite.close()

    # ----------------------------------------------------------------- care: backup, doctor

    def backup(self, dest: Path, *, check: bool = True) -> int:
        """A consistent copy through SQLite's online backup, even while another process writes.

        The copy is created 0600 and never overwrites a file nor creates a folder (a typo must not
        leave folders behind); returns its size in bytes. A damaged database is refused
        (`quick_check`) unless `check` is off: the safety copy a restore keeps is made of whatever
        is there.
        """
        dest = Path(dest)
        if check:
            try:
                damage = damage_of(self.sqlite, "quick_check")
            except sqlite3.DatabaseError as exc:
                damage = str(exc)
            if damage:
                raise StoreError(
                    f"{self.path} is damaged ({damage}); nothing copied: run dealcoach doctor"
                )
        if dest.exists():
            raise StoreError(f"{dest} already exists; give another file name")
        if not dest.parent.is_dir():
            raise StoreError(f"cannot create {dest}: no folder {dest.parent}; create it first")
        try:
            fd = open_private(dest, exclusive=True)  # its folder must exist: never made here
            os.close(fd)
        except OSError as exc:
            raise StoreError(
                f"cannot create {dest} ({exc.strerror}); choose a writable place"
            ) from None
        target = sqlite3.connect(dest)
        try:
            self.sqlite.backup(target)
        except sqlite3.Error as exc:
            target.close()
            dest.unlink(missing_ok=True)
            raise (self.translate(exc) or StoreError(f"backup failed: {exc}")) from exc
        finally:
            target.close()
        return dest.stat().st_size

    def health(self) -> dict[str, Any]:
        """What `dealcoach doctor` reports: integrity, foreign keys, schema, journal mode."""
        try:
            return self._health()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot read {self.path} ({exc}); it is damaged") from exc

    def _health(self) -> dict[str, Any]:
        conn = self.sqlite
        integrity = [
            " ".join(str(row[0]).split()) for row in conn.execute("PRAGMA integrity_check")
        ]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        missing = self.missing_schema()
        return {
            "missing": missing,
            "unreadable": [] if missing else unreadable_cells(self.sqlite),
            "integrity": integrity,
            "foreign_key_problems": len(foreign),
            "schema_version": self._pragma("user_version"),
            "expected_schema_version": SCHEMA_VERSION,
            "application_id": self._pragma("application_id"),
            "journal_mode": str(conn.execute("PRAGMA journal_mode").fetchone()[0]),
            "deals": conn.execute("SELECT COUNT(*) FROM deals").fetchone()[0],
            "open_deals": conn.execute(
                "SELECT COUNT(*) FROM deals WHERE status = 'open'"
            ).fetchone()[0],
        }

    def missing_schema(self) -> list[str]:
        """The tables (`deals`) and columns (`deals.account`) that a damaged file has lost."""
        return missing_schema(self.sqlite)

    def explain(self, exc: BaseException) -> StoreError | None:
        """After a command failed: a storage condition, or a damaged schema, as one line;
        None when the database looks fine (then it is a bug, and stays one)."""
        if isinstance(exc, sqlite3.Error):
            translated = self.translate(exc)
            if translated is not None:
                return translated
        try:
            missing = self.missing_schema()
            unreadable = [] if missing else unreadable_cells(self.sqlite)
        except sqlite3.Error:
            return None
        if unreadable:
            return StoreError(
                f"{self.path} holds values dealcoach cannot read ({', '.join(unreadable[:3])});"
                " they were changed outside dealcoach: run dealcoach doctor"
            )
        if not missing:
            return None
        return StoreError(
            f"{self.path} has lost {', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''};"
            " it is damaged: run dealcoach doctor"
        )

    # ----------------------------------------------------------------- the schema

    def _prepare(self, busy_timeout_ms: int) -> None:
        """Check the file is ours, then bring the schema up to date under one write lock."""
        conn = self.sqlite
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not self._pending():
                self._use_wal(busy_timeout_ms)
                return
            self._use_wal(busy_timeout_ms)
            with self.write():
                # Checked again under the lock: another process may have migrated meanwhile.
                if self._pending():
                    self._migrate()
        except sqlite3.DatabaseError as exc:
            raise self.translate(exc) or StoreError(
                f"cannot read {self.path} ({exc}); run dealcoach doctor or pass --db with another file"
            ) from exc

    def _pending(self) -> bool:
        """True when migrations must run; refuses foreign files and newer schemas."""
        app_id = self._pragma("application_id")
        version = self._pragma("user_version")
        if app_id != APPLICATION_ID:
            if app_id != 0 or version != 0 or self._has_schema():
                raise StoreError(_not_ours(self.path))
            return True
        applied = self._applied_migrations()
        if version > SCHEMA_VERSION or set(applied) - set(MIGRATION_NAMES):
            raise StoreError(f"{self.path} was written by a newer dealcoach; upgrade dealcoach")
        if version < len(applied):
            raise StoreError(
                f"{self.path} says schema version {version} but records {len(applied)}"
                " migrations; it was tampered with: run dealcoach doctor"
            )
        return version < SCHEMA_VERSION or len(applied) < len(MIGRATION_NAMES)

    def _migrate(self) -> None:
        """Run sqlite-utils' migrations inside our transaction (its atomic() nests as savepoints)."""
        import sqlite_utils

        from dealcoach.store import migrations as schema

        if (schema.APPLICATION_ID, schema.SCHEMA_VERSION) != (APPLICATION_ID, SCHEMA_VERSION):
            raise RuntimeError("connection.py's mirrors of migrations.py disagree")
        db = sqlite_utils.Database(self.sqlite, recursive_triggers=False, execute_plugins=False)
        schema.migrations.apply(db)
        if self._applied_migrations() != list(MIGRATION_NAMES):
            raise RuntimeError(
                "connection.MIGRATION_NAMES does not list the migrations of migrations.py"
            )
        if self._pragma("user_version") != SCHEMA_VERSION:
            raise RuntimeError("the last migration did not set PRAGMA user_version")

    def _use_wal(self, busy_timeout_ms: int) -> None:
        """WAL lets readers run beside a writer; the mode is stored in the file once set.

        Switching a fresh file needs an exclusive lock, and SQLite answers "locked" at once,
        without its busy handler, when another process is switching too or holds a lock.
        So we retry, with jitter, within the busy timeout; usually someone else's switch
        has landed by the next look.
        """
        deadline = time.monotonic() + busy_timeout_ms / 1000
        while True:
            try:
                (mode,) = self.sqlite.execute("PRAGMA journal_mode").fetchone()
                if str(mode).lower() != "wal":
                    self.sqlite.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "is locked" not in str(exc).lower() or time.monotonic() >= deadline:
                    raise
            time.sleep(random.uniform(0.005, 0.03))

    def _pragma(self, name: str) -> int:
        (value,) = self.sqlite.execute(f"PRAGMA {name}").fetchone()
        return int(value)

    def _has_schema(self) -> bool:
        return self.sqlite.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None

    def _applied_migrations(self) -> list[str]:
        exists = self.sqlite.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
        ).fetchone()
        if exists is None:
            return []
        rows = self.sqlite.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            (MIGRATION_SET,),
        )
        return [row[0] for row in rows]

    def translate(self, exc: sqlite3.Error) -> StoreError | None:
        """The storage conditions a user can act on, as one-line errors; None for anything else."""
        text = str(exc).lower()
        if "is locked" in text or "is busy" in text:
            return StoreError(BUSY_MESSAGE)
        if "not a database" in text:
            return StoreError(_not_ours(self.path))
        if "is full" in text:
            return StoreError(f"cannot write {self.path}: the disk is full; free some space")
        if "readonly" in text or "read-only" in text:
            return StoreError(f"cannot write {self.path}; pass --db with a writable file")
        if any(sign in text for sign in DAMAGE_SIGNS):
            return StoreError(
                f"cannot read {self.path} ({exc}); it is damaged: run dealcoach doctor"
            )
        return None

    # ----------------------------------------------------------------- transactions

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any exception.

        IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a
        read-then-write never fails half way. A nested call joins the outer transaction
        as a savepoint: its failure undoes only its own part.
        """
        conn = self.sqlite
        if conn.in_transaction:
            self._savepoints += 1
            name = f"dealcoach_{self._savepoints}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            else:
                conn.execute(f"RELEASE {name}")
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise (self.translate(exc) or exc) from exc
        try:
            yield self
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                translated = self.translate(exc)
                if translated is not None:
                    raise translated from exc
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise (self.translate(exc) or exc) from exc

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that must agree with each other (WAL readers never wait)."""
        if self.sqlite.in_transaction:
            yield
            return
        self.sqlite.execute("BEGIN")
        try:
            yield
        finally:
            if self.sqlite.in_transaction:
                self.sqlite.execute("COMMIT")

    # ----------------------------------------------------------------- small helpers

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.sqlite.execute(sql, params)

    def tuples(self) -> sqlite3.Cursor:
        """A cursor whose rows are plain tuples: the fastest rows sqlite3 gives."""
        cursor = self.sqlite.cursor()
        cursor.row_factory = None
        return cursor

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(row) for row in self.sqlite.execute(sql, params)]

    def row(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self.sqlite.execute(sql, params).fetchone()
        return None if row is None else dict(row)

    def insert(self, table: str, values: Row) -> int:
        """Insert one row; table and column names come from the store, values are bound."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.sqlite.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update(self, table: str, row_id: int, values: Row) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.sqlite.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?", (*values.values(), row_id)
        )


# --------------------------------------------------------------------- stored values


def iso(value: date | None) -> str | None:
    """A date as the ISO text the tables hold (NULL for none)."""
    return None if value is None else value.isoformat()


def to_date(value: str | None) -> date | None:
    """Stored ISO text back to a date (NULL or empty for none)."""
    return None if not value else date.fromisoformat(value)


# --------------------------------------------------------------------- opening a file


def _not_ours(path: Path) -> str:
    return f"{path} is not a dealcoach database; pass --db with another file"


def _create_file(path: Path) -> None:
    """Create the folders and the file (0600) ourselves: sqlite3.connect would make it 0644."""
    try:
        make_folders(path.parent)
    except (FileExistsError, NotADirectoryError):
        raise StoreError(
            f"cannot create {path}: a file is in the way of its folder; pass --db with another path"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"cannot create the folder {path.parent} ({exc.strerror}); pass --db with a writable path"
        ) from exc
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    except IsADirectoryError:
        raise StoreError(f"{path} is a folder; pass --db with a file") from None
    except NotADirectoryError:
        raise StoreError(
            f"cannot create {path}: a file is in the way of its folder; pass --db with another path"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"cannot write {path} ({exc.strerror}); pass --db with a writable file"
        ) from exc
    os.close(fd)


def _check_header(path: Path) -> None:
    """Refuse a non-empty file that is not SQLite without letting SQLite touch it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(
            f"cannot read {path} ({exc.strerror}); pass --db with another file"
        ) from exc
    if head and head != SQLITE_MAGIC:
        raise StoreError(_not_ours(path))
