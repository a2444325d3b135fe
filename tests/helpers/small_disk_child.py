"""Run dealcoach with a database that cannot grow (PRAGMA max_page_count): a full disk."""

from __future__ import annotations

import sqlite3
import sys

_connect = sqlite3.connect


def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
    conn = _connect(*args, **kwargs)  # type: ignore[arg-type]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {max(pages, 1) + 8}")
    return conn


sqlite3.connect = connect  # type: ignore[assignment]

from dealcoach.cli import main  # noqa: E402

sys.argv[0] = "dealcoach"
main()
