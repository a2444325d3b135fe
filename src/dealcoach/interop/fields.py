"""A deal's custom fields: the CRM columns that map to no field, kept under their header names.

Stored as one JSON object of text to text (NULL when there is none), in the deals table's last
column; exported as that object. A field holds at most 64 KB: the only limit, so that a column of
10,000 distinct values imports and a hostile megabyte does not. Pure: no SQL, no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

MAX_BYTES = 65_536  # one field's value, in UTF-8


def too_long(value: str) -> int | None:
    """The value's size in bytes when it is over the limit, else None (cheap for short ones)."""
    if len(value) * 4 <= MAX_BYTES:
        return None
    size = len(value.encode("utf-8", "surrogatepass"))
    return size if size > MAX_BYTES else None


def limit_message(size: int) -> str:
    return f"the cell is {size:,} bytes; a custom field holds at most {MAX_BYTES:,} (64 KB)"


def dump(fields: Mapping[str, str]) -> str | None:
    """The stored text: the object in its own key order, or NULL when there is none."""
    return json.dumps(dict(fields), ensure_ascii=False) if fields else None


def load(text: str | None) -> dict[str, str]:
    """The stored text back to the object ({} when there is none)."""
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def check(value: Any) -> None:
    """An imported `fields` cell: a JSON object of text to text, each value within the limit."""
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError('expected a JSON object of text to text, such as {"Region": "EMEA"}')
    for key, text in value.items():
        size = too_long(text)
        if size is not None:
            raise ValueError(f"{_name(key)}: {limit_message(size)}")


def merged(
    old: Mapping[str, str], new: Mapping[str, str], columns: Iterable[str]
) -> dict[str, str]:
    """A re-import: each column the new file has replaces its value, or removes it when its cell
    is empty; the keys of columns the file does not have stay as they were."""
    result = dict(old)
    for column in columns:
        if column in new:
            result[column] = new[column]
        else:
            result.pop(column, None)
    return result


def changed_keys(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """The keys added, removed or changed, in order: what `--dry-run` names."""
    keys = [*old, *(k for k in new if k not in old)]
    return [k for k in keys if old.get(k) != new.get(k)]


def _name(key: str, limit: int = 40) -> str:
    shown = key if len(key) <= limit else key[: limit - 1] + "…"
    return repr(shown)
