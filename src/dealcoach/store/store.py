"""The store a command opens: one connection, and the parts that read and write through it.

The store is the only part of dealcoach that talks to SQLite. It is split by composition, as
simonw/llm wraps one sqlite-utils `Database`: every part holds the same `Connection`, so a command
can run several parts' writes in one transaction (`with store.db.write():`).

    with Store.open(path) as store:
        deal_id = store.deals.resolve("Acme")
        store.plans.save(deal_id, planned, today=today)
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from dealcoach.errors import DealcoachError
from dealcoach.store.connection import BUSY_TIMEOUT_MS, Connection
from dealcoach.store.deals import Deals
from dealcoach.store.exchange import Exchange
from dealcoach.store.interviews import Interviews
from dealcoach.store.learning import Learning
from dealcoach.store.morning import Morning
from dealcoach.store.plans import Plans


class Store:
    """One open dealcoach database. Use `Store.open(path)`, ideally as a context manager.

    `db` opens, migrates, backs up and runs the transactions; `deals`, `interviews`, `plans`,
    `morning`, `exchange` and `learning` are the tables seen from what each command needs.
    """

    def __init__(self, db: Connection) -> None:
        self.db = db
        self.deals = Deals(db)
        self.interviews = Interviews(db, self.deals)
        self.learning = Learning(db)
        self.plans = Plans(db, self.deals, self.interviews, self.learning)
        self.morning = Morning(db)
        self.exchange = Exchange(db, self.deals)

    @classmethod
    def open(cls, path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Store:
        """Open (creating, 0600, and migrating if needed) the database at `path`.

        `busy_timeout_ms` is how long to wait for another writer (tests shorten it).
        """
        return cls(Connection.open(path, busy_timeout_ms=busy_timeout_ms))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Closes; a failure that comes from a damaged file becomes one line pointing to doctor."""
        try:
            if isinstance(exc, Exception) and not isinstance(exc, DealcoachError):
                explained = self.db.explain(exc)
                if explained is not None:
                    raise explained from exc
        finally:
            self.close()
