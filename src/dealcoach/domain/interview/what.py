"""The "what" questions: the steps on the buyer's side, who does each, its date, what we bring.

The full interview's `what` section and the quick update's `steps` section both live here, with the
line that shows a known step for review. They write the `what` list of the answers document.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from dealcoach.domain.interview.questions import (
    MOVE_TITLES,
    OWNER_TITLES,
    Steps,
    date_or_none,
    format_date,
    plain_text,
    required_text,
    shown,
)
from dealcoach.domain.interview.sheet import Sheet
from dealcoach.vocabulary import Owner


def ask_what(sheet: Sheet) -> Steps:
    """The full interview's "what": review the steps known, then add new ones."""
    yield from sheet.review(
        "what",
        "Their steps so far:",
        step_line,
        "step",
        lambda step, index: edit_step(sheet, step, index, ask_name=True),
    )
    steps = sheet.items("what")
    yield from add_steps(sheet, first_default=not steps and not sheet.requalify)


def add_steps(
    sheet: Sheet,
    *,
    first_default: bool,
    first_message: str = "Add a step on their side (survey, board meeting, security review…)?",
) -> Steps:
    """Add steps one by one; an empty name cancels the one being added."""
    steps = sheet.items("what")
    adding = yield from sheet.ask_confirm("what.add", first_message, first_default)
    while adding:
        step: dict[str, Any] = {}
        index = len(steps)
        name = yield from sheet.ask_text(
            step,
            "step",
            f"what.{index}.step",
            "Step?",
            "e.g. board presentation; Enter to cancel",
            plain_text,
        )
        if name:
            steps.append(step)
            sheet.revision += 1
            yield from edit_step(sheet, step, index, ask_name=False)
        adding = yield from sheet.ask_confirm("what.add", "Add another step?", False)


def edit_step(sheet: Sheet, step: dict[str, Any], index: int, *, ask_name: bool) -> Steps:
    """One step's questions; the name is asked again only when updating a known step."""
    key = f"what.{index}"
    if ask_name:
        yield from sheet.ask_text(
            step,
            "step",
            f"{key}.step",
            "Step?",
            "required",
            required_text("a step needs a name (choose 'remove' to drop it)"),
        )
    yield from sheet.ask_select(
        step, "owner", f"{key}.owner", "Who does it?", OWNER_TITLES, fallback=Owner.buyer.value
    )
    yield from sheet.ask_text(
        step,
        "bring",
        f"{key}.bring",
        "What will we bring to it?",
        "e.g. a case study for the board; Enter to skip",
        plain_text,
    )
    yield from sheet.ask_date(
        step, "date", f"{key}.date", f"Date of {shown(step['step'])}?", check="step"
    )


def ask_steps(sheet: Sheet) -> Steps:
    """The quick update's "steps": each planned step as planned, moved or done; then new ones."""
    steps = sheet.items("what")
    for step in list(steps):
        index = steps.index(step)
        when = date_or_none(step.get("date"))
        label = f"{shown(step.get('step') or '?')} ({format_date(when) if when else 'no date'})?"
        move = yield from sheet.ask_action(f"what.{index}", label, MOVE_TITLES)
        if move == "done":
            steps.remove(step)  # done: it leaves the plan (the history keeps it)
            sheet.revision += 1
        elif move == "date":
            yield from sheet.ask_date(step, "date", f"what.{index}.date", "New date?", check="step")
    yield from add_steps(sheet, first_default=False, first_message="Any new step on their side?")


def step_line(step: Mapping[str, Any]) -> str:
    """A known step in the review list: name, who does it, its date, what we bring."""
    when = date_or_none(step.get("date"))
    owner = OWNER_TITLES.get(_enum(Owner, step.get("owner")), "they do")
    parts = [owner, format_date(when) if when else "no date"]
    if step.get("bring"):
        parts.append(f"we bring: {shown(step['bring'])}")
    return f"  • {shown(step.get('step') or '?')} ({', '.join(parts)})"


def _enum(kind: type[Enum], value: Any) -> Any:
    """The enum member, or None for a value the schema does not know (a draft edited by hand)."""
    try:
        return kind(value)
    except ValueError:
        return None
