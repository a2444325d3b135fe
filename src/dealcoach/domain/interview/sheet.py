"""The sheet being filled in: the working answers document, and the questions that write to it.

Every section (sections.py, who.py, what.py) asks through one `Sheet`: `answer = yield from
sheet.ask_text(...)`. Each reply is merged into `sheet.doc` at once, and `sheet.revision` counts the
changes, so the caller can save a draft after any reply. Rules the questions follow:

- a pre-filled answer (from the last interview, or from the draft) is the question's default, and
  Enter keeps it exactly as it was;
- an empty answer leaves the key out of the document (the schema's default applies).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from dealcoach.domain.date_checks import warning_line, warnings
from dealcoach.domain.interview.questions import (
    DATE_HINT,
    REVIEW_TITLES,
    SKIP,
    SKIP_TITLE,
    Choice,
    Question,
    Say,
    Steps,
    date_field,
    date_or_none,
    format_date,
    shown,
)
from dealcoach.domain.workdays import WorkCalendar

Check = Literal["step", "decision"] | None
"""Which warnings a date question adds to its echo (domain/date_checks.py); None: none."""


@dataclass
class Sheet:
    """One interview's working answers: the document, what the deal is, and a count of changes.

    `requalify`: the deal had answers before (so lists start with "keep them?" and adding is not
    the default); `quick`: the short update after a meeting, not the full interview.
    """

    today: date
    doc: dict[str, Any]
    quick: bool = False
    requalify: bool = False
    revision: int = 0
    number_format: str = (
        "us"  # how the rep writes `48,000` (config.toml); the document keeps plain decimals
    )
    calendar: WorkCalendar = field(default_factory=WorkCalendar)  # the rep's working days

    # -- the document

    def deal(self) -> dict[str, Any]:
        """The deal section, made if it is missing."""
        return self.section("deal")

    def section(self, name: str) -> dict[str, Any]:
        """A section of the document as a dict (a draft edited by hand may hold something else)."""
        value = self.doc.get(name)
        if not isinstance(value, dict):
            value = self.doc[name] = {}
        return value

    def items(self, name: str) -> list[dict[str, Any]]:
        """A list section (`who`, `what`), its entries that are not dicts dropped."""
        value = self.doc.get(name)
        if not isinstance(value, list):
            value = self.doc[name] = []
        value[:] = [item for item in value if isinstance(item, dict)]
        return value

    def put(self, target: dict[str, Any], name: str, value: Any) -> None:
        """Store an answer; an empty one leaves the key out. Counts as a change (a draft to save)."""
        if value is None or value == "" or value == []:
            target.pop(name, None)
        else:
            target[name] = value
        self.revision += 1

    # -- question helpers (each is a sub-generator: `value = yield from ...`)

    def ask_text(
        self,
        target: dict[str, Any],
        name: str,
        key: str,
        message: str,
        hint: str,
        parse: Callable[[str], Any],
        *,
        echo_date: bool = False,
        check: Check = None,
    ) -> Steps:
        """A typed answer, asked again until `parse` accepts it; returns the parsed value."""
        current = target.get(name)
        default = _as_text(current)
        if default:
            hint = hint.replace("Enter to skip", "Enter keeps it")
        question = Question(key, "text", message, hint, default, parse=parse)
        while True:
            reply = yield question
            text = "" if reply is None else str(reply)
            try:
                value = parse(text)
            except ValueError:
                continue  # the prompt validates; a caller that does not gets the question again
            break
        if current is not None and text.strip() == default.strip():
            value = current  # Enter keeps the pre-filled answer exactly as it was
        else:
            self.put(target, name, value)
        if echo_date and value:
            day = date_or_none(value) or date_or_none(parse(text))
            if day is not None:
                aside = self.date_aside(day, check)
                yield Say(f"→ {format_date(day)}{aside}", "echo")
        return value

    def ask_date(
        self,
        target: dict[str, Any],
        name: str,
        key: str,
        message: str,
        hint: str = DATE_HINT,
        *,
        not_after: date | None = None,
        check: Check = None,
    ) -> Steps:
        """A date as a rep types it, echoed back resolved (`→ Wed 2026-12-03`); `check` adds a
        warning to the echo for an odd date, which is kept all the same."""
        parse = date_field(self.today, not_after=not_after)
        return (
            yield from self.ask_text(
                target, name, key, message, hint, parse, echo_date=True, check=check
            )
        )

    def date_aside(self, day: date, check: Check) -> str:
        """` (a Saturday: fine, but check it)`, or nothing. A step is checked against the
        decision date too; the decision date only for a day off or a year away."""
        if check is None:
            return ""
        decision = date_or_none(self.section("when").get("decision_date"))
        found = warnings(
            day,
            today=self.today,
            decision_date=decision if check == "step" else None,
            cal=self.calendar,
        )
        return f" ({warning_line(found)})" if found else ""

    def ask_select(
        self,
        target: dict[str, Any],
        name: str,
        key: str,
        message: str,
        titles: Mapping[Any, str],
        *,
        fallback: str | None = None,
        skip_value: str | None = None,
        to_choice: Callable[[Any], str | None] | None = None,
        from_choice: Callable[[str], Any] | None = None,
    ) -> Steps:
        """Choose one; `fallback` is where the pointer starts when nothing is known yet."""
        stored = target.get(name)
        current = to_choice(stored) if to_choice else stored
        values = {str(getattr(value, "value", value)) for value in titles}
        extra: list[Choice] = []
        if current is not None and str(current) not in values and current != skip_value:
            extra.append(Choice(shown(current), str(current)))  # free text kept from before
            values.add(str(current))
        choices = _choices(titles, extra)
        if current is None:
            current = fallback
        default = str(current) if current is not None and str(current) in values else SKIP
        reply = yield Question(key, "select", message, "", default, choices)
        raw = str(reply) if reply is not None else SKIP
        if raw not in values and raw != SKIP:
            raw = SKIP
        if raw == SKIP:
            # "skip / unknown" leaves the key out, unless it already held the schema's "unknown"
            value = stored if skip_value is not None and stored == skip_value else None
        else:
            value = from_choice(raw) if from_choice else raw
        if value != stored or name not in target:
            self.put(target, name, value)
        return value

    def ask_action(self, key: str, message: str, titles: Mapping[str, str]) -> Steps:
        """A choice about an item (keep / update / remove): its first entry, or skip, does nothing."""
        first = next(iter(titles))
        reply = yield Question(key, "select", message, "", first, _choices(titles))
        return reply if reply in titles else first

    def ask_confirm(self, key: str, message: str, default: bool) -> Steps:
        """Yes or no; no reply keeps the default."""
        reply = yield Question(key, "confirm", message, "", default)
        return bool(default if reply is None else reply)

    # -- a list filled in before (people, their steps)

    def review(
        self,
        section: str,
        heading: str,
        line: Callable[[dict[str, Any]], str],
        name_key: str,
        edit: Callable[[dict[str, Any], int], Steps],
    ) -> Steps:
        """Pre-filled people or steps: keep them all, or keep / update / remove each one."""
        items = self.items(section)
        if not items:
            return
        yield Say(heading + "\n" + "\n".join(line(item) for item in items), "info")
        keep = yield from self.ask_confirm(f"{section}.keep", "Keep them as they are?", True)
        if keep:
            return
        for item in list(items):
            name = shown(item.get(name_key) or "?")
            index = items.index(item)
            action = yield from self.ask_action(f"{section}.{index}", f"{name}?", REVIEW_TITLES)
            if action == "remove":
                items.remove(item)
                self.revision += 1
            elif action == "update":
                yield from edit(item, index)


def _choices(titles: Mapping[Any, str], extra: Iterable[Choice] = ()) -> tuple[Choice, ...]:
    """The entries of a choice list, always ending with "skip / unknown"."""
    entries = [
        Choice(title, str(getattr(value, "value", value))) for value, title in titles.items()
    ]
    return (*entries, *extra, Choice(SKIP_TITLE, SKIP))


def _as_text(value: Any) -> str:
    """How a stored value shows as the default of a typed answer."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
