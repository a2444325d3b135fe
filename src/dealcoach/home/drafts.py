"""Drafts of unfinished interviews: one JSON file per deal (`D12.json`) or for a new deal (`new.json`).

A draft is saved after every answer, so it must survive a process killed at any instant: each save
replaces the file in one step (`paths.write_private`), so a reader sees the old draft or the new
one, never half a file. Files are created 0600.
What a draft holds is the interview's business (see `interview.Interview.draft`); here it is a dict.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

from dealcoach.home.paths import drafts_dir, write_private

_KEY = re.compile(r"new|D[1-9][0-9]{0,17}")


def key_for(deal_id: int | None) -> str:
    """The draft key of a deal (`D12`), or `new` for a deal not created yet."""
    return "new" if deal_id is None else f"D{int(deal_id)}"


def save(key: str, draft: dict[str, Any]) -> Path:
    """Write the draft atomically (temporary file + rename), readable by the owner only."""
    path = _path(key)
    write_private(path, json.dumps(draft, ensure_ascii=False, indent=1).encode("utf-8"))
    return path


def load(key: str) -> dict[str, Any] | None:
    """The saved draft, or None when there is none (or it cannot be read)."""
    return _read(_path(key))


def newest() -> tuple[str, dict[str, Any]] | None:
    """The most recently saved draft and its key, or None when there is none."""
    folder = drafts_dir()
    candidates: list[tuple[int, str, Path]] = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for path in folder.iterdir():
            if path.suffix == ".json" and _KEY.fullmatch(path.stem):
                with contextlib.suppress(OSError):
                    candidates.append((path.stat().st_mtime_ns, path.stem, path))
    for _mtime, key, path in sorted(candidates, reverse=True):
        draft = _read(path)
        if draft is not None:
            return key, draft
    return None


def discard(key: str) -> None:
    """Delete the draft (and any temporary file a killed save left behind); absent is fine."""
    path = _path(key)
    path.unlink(missing_ok=True)
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for leftover in path.parent.glob(f".{key}.*.tmp"):
            leftover.unlink(missing_ok=True)


def _path(key: str) -> Path:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"not a draft key: {key!r} (expected 'new' or a deal id such as 'D12')")
    return drafts_dir() / f"{key}.json"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
