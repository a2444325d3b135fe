"""The words of the interview: what a question is, how a typed answer is read, how a value is shown.

Pure, and shared by the sections (who.py, what.py, sections.py), the working sheet (sheet.py) and the
terminal (prompts.py). Rules every question follows:

- a typed answer is checked by the same code that checks an answers file (the pydantic models), so
  an answer the prompt accepts is an answer `Answers.model_validate` accepts;
- an empty answer is None: the key stays out of the document (the schema's default applies);
- every choice list ends with "skip / unknown";
- a date is read with `dates.parse_date` and the resolved date is echoed back (`→ Wed 2026-12-03`).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from dealcoach.dates import parse_date
from dealcoach.errors import BadDate
from dealcoach.vocabulary import (
    Budget,
    DealType,
    Journey,
    Owner,
    Role,
    Sector,
    Stage,
    Stance,
    StopReason,
    Strategy,
)

SKIP = "__skip__"
"""The value of the "skip / unknown" entry of every choice list."""
SKIP_TITLE = "skip / unknown"
OTHER = "__other__"

DATE_HINT = "e.g. next wed, in 2 weeks, 2026-12-03; Enter to skip"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# --- the words of each choice list --------------------------------------------------------------

# The titles of the choices, one per enum member (a test checks that none is missing).
STAGE_TITLES = {
    Stage.lead: "lead",
    Stage.qualified: "qualified lead",
    Stage.prospect: "prospect",
    Stage.opportunity: "opportunity",
    Stage.closing: "closing",
}
SOURCE_TITLES = {
    "inbound": "inbound: they came to us",
    "outbound": "outbound: we reached out",
    "referral": "referral",
    "partner": "partner",
}
TYPE_TITLES = {
    DealType.new: "new business",
    DealType.expansion: "expansion of an existing customer",
    DealType.renewal: "renewal",
}
SECTOR_TITLES = {
    Sector.public: "public sector",
    Sector.private: "private",
    Sector.nonprofit: "nonprofit",
}
ROLE_TITLES = {
    Role.decision_maker: "decision maker",
    Role.economic_buyer: "economic buyer: signs off the budget",
    Role.champion: "champion: sells for us inside",
    Role.influencer: "influencer",
    Role.user: "user",
    Role.procurement: "procurement",
    Role.blocker: "blocker",
}
STANCE_TITLES = {
    Stance.supportive: "supportive",
    Stance.neutral: "neutral",
    Stance.skeptical: "skeptical",
}
OWNER_TITLES = {
    Owner.buyer: "they do",
    Owner.us: "we do",
    Owner.both: "both of us",
}
BUDGET_TITLES = {
    Budget.approved: "approved",
    Budget.needs_approval: "needs approval",
    Budget.none: "no budget",
}
"""`unknown` is the "skip / unknown" entry itself."""
JOURNEY_TITLES = {
    Journey.recognizing: "recognizing the problem",
    Journey.exploring: "exploring solutions",
    Journey.comparing: "comparing options",
    Journey.deciding: "deciding",
}
FIT_TITLES = {"yes": "yes", "no": "no"}
STOP_TITLES = {
    StopReason.none: "nothing: it is moving",
    StopReason.new_direction: "a new direction on their side",
    StopReason.lost_funding: "they lost the funding",
    StopReason.back_burner: "put on the back burner",
    StopReason.need_not_served: "a need we don't serve",
    StopReason.chose_other: "they chose another option",
}
STRATEGY_TITLES = {
    Strategy.hybrid: "hybrid: picks one per deal (recommended)",
    Strategy.acceleration: "acceleration: short deal, tight cadence",
    Strategy.decision_support: "decision support: long deal, follow their pace",
    Strategy.selectivity: "selectivity: little time, drop weak deals early",
}
REVIEW_TITLES = {"keep": "keep as is", "update": "update", "remove": "remove"}
MOVE_TITLES = {"keep": "as planned", "date": "new date", "done": "done"}


# --- what the caller shows and asks -------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    title: str
    value: str


@dataclass(frozen=True)
class Question:
    """One question. `key` says where the answer goes (`deal.value`, `who.0.role`)."""

    key: str
    kind: Literal["text", "select", "confirm"]
    message: str
    hint: str = ""
    default: str | bool = ""
    choices: tuple[Choice, ...] = ()
    parse: Callable[[str], Any] | None = field(default=None, repr=False, compare=False)

    def check(self, text: str) -> str | None:
        """Why a typed answer cannot be accepted, or None when it can."""
        if self.parse is None:
            return None
        try:
            self.parse(text)
        except ValueError as exc:
            return str(exc)
        return None


@dataclass(frozen=True)
class Say:
    """A line to show: a section heading, a note, or the echo of a resolved date."""

    text: str
    kind: Literal["intro", "section", "info", "echo"] = "info"


Step = Question | Say
Steps = Generator[Step, Any, Any]


# --- showing values -------------------------------------------------------------------------------


def shown(text: object) -> str:
    """User text made safe to print: control characters escaped, so it cannot drive the terminal."""
    out = []
    for char in str(text):
        if char.isprintable() or char == " ":
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


def format_date(value: date | str) -> str:
    """`Wed 2026-12-03` (weekday names fixed in English, whatever the locale)."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}"


def jsonable(value: Any) -> Any:
    """A document made of JSON types only (dates as ISO text, decimals as text, enums as values)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def date_or_none(value: Any) -> date | None:
    """A stored date as a date, or None when it is missing or not a date (a hand-edited draft)."""
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _reason(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "not accepted"))
    return message.removeprefix("Value error, ")


# --- parsers: text -> JSON-ready value (None = absent); ValueError(reason) when not acceptable ----


def plain_text(text: str) -> str | None:
    return text.strip() or None


def required_text(reason: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip()
        if not value:
            raise ValueError(reason)
        return value

    return parse


def comma_list(text: str) -> list[str] | None:
    items = [part.strip() for part in text.split(",") if part.strip()]
    return items or None


def pain_scale(text: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    if value not in {"1", "2", "3", "4", "5"}:
        raise ValueError("pain is a whole number from 1 (barely) to 5 (urgent)")
    return int(value)


def model_field(
    model: type[BaseModel], name: str, today: date, number_format: str = "us"
) -> Callable[[str], Any]:
    """Check one typed answer with the schema's own rules (the same as for an answers file)."""
    stub = {key: "x" for key, info in model.model_fields.items() if info.is_required()}
    context = {"today": today, "number_format": number_format}

    def parse(text: str) -> Any:
        value = text.strip()
        if not value:
            return None
        try:
            parsed = model.model_validate({**stub, name: value}, context=context)
        except ValidationError as exc:
            errors = exc.errors()
            mine = [error for error in errors if tuple(error.get("loc", ()))[:1] == (name,)]
            raise ValueError(_reason((mine or errors)[0])) from None
        return parsed.model_dump(mode="json")[name]

    return parse


def date_field(today: date, *, not_after: date | None = None) -> Callable[[str], str | None]:
    """A date as a rep types it (`next wed`, `in 2 weeks`, `2026-12-03`), stored as ISO text."""

    def parse(text: str) -> str | None:
        if not text.strip():
            return None
        try:
            value = parse_date(text, today)
        except BadDate as exc:
            raise ValueError(exc.message) from None
        if not_after is not None and value > not_after:
            raise ValueError(
                f"{format_date(value)} is after today: give the date of the meeting just held"
            )
        return value.isoformat()

    return parse
