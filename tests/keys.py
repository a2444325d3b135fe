"""Keystrokes for driving the interview, so that a test reads like the conversation.

Each helper returns the characters a rep would press; a test joins them and feeds them to a pipe
input. Text prompts and yes/no questions need Enter (Enter alone keeps the default); a choice list
moves with the arrow keys and takes Enter.
"""

from __future__ import annotations

ENTER = "\r"
CLEAR_LINE = "\x15"  # Ctrl-U: delete everything before the cursor (the pre-filled default)
CTRL_C = "\x03"
UP = "\x1b[A"
DOWN = "\x1b[B"


def type_text(text: str) -> str:
    """Characters typed into a text prompt, without submitting them."""
    return text


def enter() -> str:
    """Enter: submit what is there (the default, when nothing was typed)."""
    return ENTER


def keep() -> str:
    """Accept the pre-filled answer (the same key as `enter`, named for what it means)."""
    return ENTER


def answer(text: str) -> str:
    """Replace whatever is pre-filled with `text` and submit it."""
    return CLEAR_LINE + text + ENTER


def skip() -> str:
    """Clear a text prompt and submit it empty."""
    return CLEAR_LINE + ENTER


def choose(index: int, *, start: int = 0) -> str:
    """Pick the choice at `index` (0 = the first) when the pointer starts at `start` (the default)."""
    return UP * start + DOWN * index + ENTER


def confirm(yes: bool) -> str:
    """Answer a yes/no question: `y` or `n`, then Enter."""
    return ("y" if yes else "n") + ENTER


def ctrl_c() -> str:
    return CTRL_C


def keys(*presses: str) -> str:
    return "".join(presses)
