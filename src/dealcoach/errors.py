"""Errors that carry their exit code; the CLI's one boundary prints them as a single line."""

from __future__ import annotations

_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}
_CONTROL.update({0x0A: "\\n", 0x09: "\\t", 0x0D: "\\r"})


def escaped(value: object) -> str:
    """Text from a file or the user, safe on a terminal: control characters (escape sequences,
    line breaks) written as `\\x1b`, `\\n`. Idempotent, so text escaped twice reads the same."""
    return str(value).translate(_CONTROL)


class DealcoachError(Exception):
    """A problem the user can fix: printed as one line on stderr, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class BadInput(DealcoachError):
    """A file, option or answer dealcoach cannot accept."""


class BadDate(BadInput):
    """A date dealcoach could not read or will not accept."""


class NotFound(DealcoachError):
    """An unknown or ambiguous deal or follow-up."""


class StoreError(DealcoachError):
    """The database cannot be opened, read or written."""


class Interrupted(DealcoachError):
    """The interview was interrupted; its draft is kept."""

    exit_code = 130
