"""The "who" questions: the people in the decision, their role, whether we met them, their stance.

The full interview's `who` section and the quick update's `people` section both live here, with the
line that shows a known person for review. They write the `who` list of the answers document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dealcoach.domain.interview.questions import (
    ROLE_TITLES,
    STANCE_TITLES,
    Steps,
    plain_text,
    required_text,
    shown,
)
from dealcoach.domain.interview.sheet import Sheet


def ask_who(sheet: Sheet) -> Steps:
    """The full interview's "who": review the people known, then add new ones."""
    yield from sheet.review(
        "who",
        "Known people:",
        person_line,
        "name",
        lambda person, index: edit_person(sheet, person, index, ask_name=True),
    )
    people = sheet.items("who")
    yield from add_people(sheet, first_default=not people and not sheet.requalify)


def add_people(sheet: Sheet, *, first_default: bool, first_message: str = "Add a person?") -> Steps:
    """Add people one by one; an empty name cancels the one being added."""
    people = sheet.items("who")
    adding = yield from sheet.ask_confirm("who.add", first_message, first_default)
    while adding:
        person: dict[str, Any] = {}
        index = len(people)
        name = yield from sheet.ask_text(
            person, "name", f"who.{index}.name", "Name?", "Enter to cancel", plain_text
        )
        if name:
            people.append(person)
            sheet.revision += 1
            yield from edit_person(sheet, person, index, ask_name=False)
        adding = yield from sheet.ask_confirm("who.add", "Add another person?", False)


def edit_person(sheet: Sheet, person: dict[str, Any], index: int, *, ask_name: bool) -> Steps:
    """One person's questions; the name is asked again only when updating a known person."""
    key = f"who.{index}"
    if ask_name:
        yield from sheet.ask_text(
            person,
            "name",
            f"{key}.name",
            "Name?",
            "required",
            required_text("a name is needed (choose 'remove' to drop this person)"),
        )
    yield from sheet.ask_text(
        person,
        "title",
        f"{key}.title",
        "Their title?",
        "e.g. Director of Curriculum; Enter to skip",
        plain_text,
    )
    yield from sheet.ask_select(person, "role", f"{key}.role", "Role in the decision?", ROLE_TITLES)
    met = yield from sheet.ask_confirm(f"{key}.met", "Met in person?", bool(person.get("met")))
    if person.get("met") != met:
        sheet.put(person, "met", met)
    yield from sheet.ask_select(person, "stance", f"{key}.stance", "Their stance?", STANCE_TITLES)


def ask_people(sheet: Sheet) -> Steps:
    """The quick update's "people": only whoever is new (the known people are kept)."""
    yield from add_people(sheet, first_default=False, first_message="Anyone new on their side?")


def person_line(person: Mapping[str, Any]) -> str:
    """A known person in the review list: name, title, role, met or not, stance."""
    facts = []
    if person.get("role"):
        facts.append(str(person["role"]).replace("_", " "))
    facts.append("met" if person.get("met") else "not met")
    if person.get("stance"):
        facts.append(str(person["stance"]))
    title = f", {shown(person['title'])}" if person.get("title") else ""
    details = ", ".join(shown(fact) for fact in facts)
    return f"  • {shown(person.get('name') or '?')}{title} ({details})"
