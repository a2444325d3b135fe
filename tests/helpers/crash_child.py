"""Run one dealcoach command in this process and kill -9 it at the Nth SQL statement.

Usage: python crash_child.py N dealcoach-args...   (N = 0: never kill; print the count instead)
Deterministic crash points (STYLE "tests that run as root"): the kill lands inside SQLite work,
not in interpreter start-up.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys

limit = int(sys.argv[1])
seen = 0
_connect = sqlite3.connect


def _count(statement: str) -> None:
    global seen
    seen += 1
    if limit and seen >= limit:
        os.kill(os.getpid(), signal.SIGKILL)


def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
    conn = _connect(*args, **kwargs)  # type: ignore[arg-type]
    conn.set_trace_callback(_count)
    return conn


sqlite3.connect = connect  # type: ignore[assignment]

from dealcoach.cli import app  # noqa: E402

try:
    app(args=sys.argv[2:], prog_name="dealcoach", standalone_mode=False)
finally:
    if not limit:
        sys.stderr.write(f"statements={seen}\n")
