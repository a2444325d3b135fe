"""Small JSON files in the data folder's cache that spare a later command slow work.

Best effort both ways: a missing, damaged or unwritable cache only means the work is done again.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from dealcoach.home import paths


def read(name: str) -> Any:
    """The cached document, or None."""
    try:
        return json.loads((paths.cache_dir() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(name: str, document: Any) -> None:
    with contextlib.suppress(OSError):
        paths.write_private(paths.cache_dir() / name, json.dumps(document).encode("utf-8"))
