"""Option aliases shared by commands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import typer

STATUSES: dict[str, str | None] = {
    "open": "open",
    "won": "won",
    "lost": "lost",
    "let_go": "let_go",
    "let-go": "let_go",
    "all": None,
}


def pick(option: str, value: str | None, valid: Mapping[str, str | None]) -> str | None:
    """Our own choice parsing (case and `-`/`_` forgiving): a value out of the list is a usage
    error, exit 2 like Typer's own choices (README, exit codes), in one line listing the good ones."""
    from dealcoach.errors import BadInput

    key = (value or "").strip().lower()
    if key in valid:
        return valid[key]
    raise BadInput(f"unknown {option} {value!r}; use one of {', '.join(valid)}", exit_code=2)


JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout and nothing else.")
]
