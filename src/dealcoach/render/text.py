"""The text helpers every screen and JSON document shares.

User text is always shown as text, never as markup, with control characters escaped, so an
account called `Acme [draft]` or one holding an escape sequence shows as written. Rich is imported
inside the functions that draw, so a `--json` run never loads it.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from dealcoach.errors import escaped

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


DECISION_STYLE = {"pursue": "bold green", "nurture": "bold yellow", "let_go": "bold red"}
DECISION_WORD = {"pursue": "PURSUE", "nurture": "NURTURE", "let_go": "LET GO"}
STATUS_STYLE = {"open": "", "won": "bold green", "lost": "bold red", "let_go": "bold yellow"}


def clean(value: object) -> str:
    """Text from users or imports, safe to put on a terminal."""
    return escaped(value)


def deal_ref(deal_id: int) -> str:
    return f"D{deal_id}"


def followup_ref(followup_id: int) -> str:
    return f"F{followup_id}"


def short_day(value: str | date | None, today: date | None = None) -> str:
    """`Tue Nov 24` this year, `Tue Jan 05 2027` otherwise."""
    if value is None or value == "":
        return "-"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    if today is not None and day.year == today.year:
        return day.strftime("%a %b %d")
    return day.strftime("%a %b %d %Y")


def money(value: Decimal | str | None, currency: str | None) -> str:
    if value is None or value == "":
        return "value unknown"
    number = Decimal(str(value))
    text = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"
    return f"{text} {currency or ''}".strip()


def words(value: object) -> str:
    """An enum value as a word: `decision_maker` → `decision maker`."""
    return str(value).replace("_", " ")


def user_text(value: object, style: str = "") -> Text:
    """User text, escaped, as a rich Text (never markup)."""
    from rich.text import Text

    return Text(clean(value), style=style)


def console(*, stderr: bool = False) -> Console:
    """Colour and width follow the terminal; NO_COLOR is honoured; no ANSI codes when piped.

    Piped output is not padded to the console's width: tables pad every cell with spaces, which
    a terminal hides but a file or a diff keeps.
    """
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return Console(stderr=stderr, highlight=False, emoji=False, markup=False)
    return Console(file=_Unpadded(stream), highlight=False, emoji=False, markup=False)


class _Unpadded:
    """A stream that drops the spaces at the end of each line written through it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._open = ""  # the part of a line not ended yet

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._stream.fileno()

    def write(self, text: str) -> int:
        *lines, self._open = (self._open + text).split("\n")
        for line in lines:
            self._stream.write(line.rstrip(" ") + "\n")
        return len(text)

    def flush(self) -> None:
        if self._open.strip(" ") == "":
            pass  # spaces alone may still be followed by text; keep them until the line ends
        else:
            self._stream.write(self._open)
            self._open = ""
        self._stream.flush()


def write_json(document: Any, out: TextIO | None = None) -> None:
    """One JSON document on stdout, written directly (never through a console that wraps)."""
    stream = out or sys.stdout
    stream.write(json.dumps(document, ensure_ascii=False, indent=2, default=_json_default))
    stream.write("\n")
    stream.flush()


def _json_default(value: object) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
