"""The interview as data: which questions, in which order, with which defaults, and what an answer means.

Pure: no terminal, no file. `Interview.steps()` is a generator that yields what to show (`Say`) and what
to ask (`Question`); the caller (prompts.py) sends back the reply of each question (the typed text, the
chosen value, or a bool) and nothing for a `Say`. Every reply is merged into the working answers
document at once, so `Interview.draft()` taken after any reply holds everything answered so far, and
an interview built from that draft skips the sections already completed and re-asks the unfinished
one with its answers as defaults.

Rules the questions follow:

- a pre-filled answer (from the last interview, or from the draft) is the question's default, and
  Enter keeps it exactly as it was;
- an empty answer leaves the key out of the document (the schema's default applies);
- every choice list ends with "skip / unknown";
- a typed answer is checked by the same code that checks an answers file (the pydantic models), so
  an answer the prompt accepts is an answer `Answers.model_validate` accepts;
- a date is read with `dates.parse_date` and the resolved date is echoed back (`→ Wed 2026-12-03`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from dealcoach.answers.schema import DealAnswers
from dealcoach.dates import parse_date
from dealcoach.errors import BadDate
from dealcoach.vocabulary import (
    NURTURE_STOPS,
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

DRAFT_VERSION = 1

SKIP = "__skip__"
"""The value of the "skip / unknown" entry of every choice list."""
SKIP_TITLE = "skip / unknown"
OTHER = "__other__"

FULL_SECTIONS = (
    "deal",
    "who",
    "what",
    "when",
    "how",
    "readiness",
    "next_step",
    "signals",
    "strategy",
)
QUICK_SECTIONS = ("meeting", "next_step", "steps", "people", "decision", "signals")

SECTION_TITLES = {
    "deal": "Deal",
    "who": "Who: the people in the decision",
    "what": "What: the steps on their side",
    "when": "When",
    "how": "How they will decide",
    "readiness": "Readiness & fit",
    "next_step": "Next step",
    "signals": "Signals",
    "strategy": "Strategy",
    "meeting": "The meeting",
    "steps": "Their steps: what moved",
    "people": "People",
    "decision": "Decision date",
}

DATE_HINT = "e.g. next wed, in 2 weeks, 2026-12-03; Enter to skip"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

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


# --- small pure helpers -------------------------------------------------------------------------


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


def describe_draft(draft: Mapping[str, Any]) -> str:
    """One line about a draft, for `--resume` and for the "draft kept" message."""
    answers = draft.get("answers") or {}
    account = (answers.get("deal") or {}).get("account") or "a new deal"
    sections = QUICK_SECTIONS if draft.get("mode") == "quick" else FULL_SECTIONS
    done = [name for name in draft.get("done") or [] if name in sections]
    kind = "quick update" if draft.get("mode") == "quick" else "interview"
    return f"{kind} of {shown(account)}, {len(done)} of {len(sections)} sections done"


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


def _as_text(value: Any) -> str:
    """How a stored value shows as the default of a typed answer."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


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


def model_field(model: type[BaseModel], name: str, today: date) -> Callable[[str], Any]:
    """Check one typed answer with the schema's own rules (the same as for an answers file)."""
    stub = {key: "x" for key, info in model.model_fields.items() if info.is_required()}

    def parse(text: str) -> Any:
        value = text.strip()
        if not value:
            return None
        try:
            parsed = model.model_validate({**stub, name: value}, context={"today": today})
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


def _choices(titles: Mapping[Any, str], extra: Iterable[Choice] = ()) -> tuple[Choice, ...]:
    entries = [
        Choice(title, str(getattr(value, "value", value))) for value, title in titles.items()
    ]
    return (*entries, *extra, Choice(SKIP_TITLE, SKIP))


def _date_or_none(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# --- the interview ------------------------------------------------------------------------------


class Interview:
    """The state of one interview: the working answers document and the sections completed.

    Build it from the last answers (`prefill`, re-qualify), from a `draft` (resume; the draft's mode
    wins over `quick`), or from nothing (a new deal). `quick` needs previous answers with an
    account; without them the full interview runs.
    """

    def __init__(
        self,
        *,
        today: date,
        prefill: Mapping[str, Any] | BaseModel | None = None,
        draft: Mapping[str, Any] | None = None,
        quick: bool = False,
    ) -> None:
        self.today = today
        self.revision = 0
        if draft is not None:
            answers = draft.get("answers")
            self.doc: dict[str, Any] = (
                copy.deepcopy(dict(answers)) if isinstance(answers, Mapping) else {}
            )
            self.quick = draft.get("mode") == "quick"
            self.sections = QUICK_SECTIONS if self.quick else FULL_SECTIONS
            self.done = [name for name in draft.get("done") or [] if name in self.sections]
            self.resumed = True
            self.requalify = bool(draft.get("requalify"))
        else:
            start = jsonable(prefill) if prefill is not None else {}
            self.doc = copy.deepcopy(start) if isinstance(start, dict) else {}
            self.requalify = bool(self._deal().get("account"))
            self.quick = bool(quick and self.requalify)
            self.sections = QUICK_SECTIONS if self.quick else FULL_SECTIONS
            self.done = []
            self.resumed = False
            deal = self._deal()
            deal.pop("meeting_note", None)  # a note belongs to one meeting
            deal["meeting_date"] = today.isoformat()  # the meeting just held; default today

    # -- the public surface

    def steps(self) -> Steps:
        """Yield what to show and ask; send each question's reply back (None after a `Say`)."""
        yield Say(self._intro(), "intro")
        total = len(self.sections)
        for number, name in enumerate(self.sections, start=1):
            if name in self.done:
                continue
            yield Say(f"{SECTION_TITLES[name]}  ({number}/{total})", "section")
            yield from getattr(self, f"_ask_{name}")()
            self.done.append(name)
            self.revision += 1

    def draft(self) -> dict[str, Any]:
        """Everything needed to resume: JSON types only."""
        return {
            "version": DRAFT_VERSION,
            "mode": "quick" if self.quick else "full",
            "requalify": self.requalify,
            "today": self.today.isoformat(),
            "answers": copy.deepcopy(self.doc),
            "done": list(self.done),
        }

    def result(self) -> dict[str, Any]:
        """The answers document, in the answers-file schema."""
        doc = copy.deepcopy(self.doc)
        deal = doc.setdefault("deal", {})
        deal.setdefault("meeting_date", self.today.isoformat())
        if "meeting_note" not in DealAnswers.model_fields:
            # The schema has no place for the note yet: it stays in the draft only.
            deal.pop("meeting_note", None)
        return doc

    # -- bookkeeping

    def _deal(self) -> dict[str, Any]:
        return self._section("deal")

    def _section(self, name: str) -> dict[str, Any]:
        value = self.doc.get(name)
        if not isinstance(value, dict):
            value = self.doc[name] = {}
        return value

    def _list(self, name: str) -> list[dict[str, Any]]:
        value = self.doc.get(name)
        if not isinstance(value, list):
            value = self.doc[name] = []
        value[:] = [item for item in value if isinstance(item, dict)]
        return value

    def _put(self, target: dict[str, Any], name: str, value: Any) -> None:
        if value is None or value == "" or value == []:
            target.pop(name, None)
        else:
            target[name] = value
        self.revision += 1

    def _intro(self) -> str:
        account = shown(self._deal().get("account") or "")
        if self.resumed:
            done = len(self.done)
            who = account or "a new deal"
            return f"Picking up the draft for {who}: {done} of {len(self.sections)} sections done."
        if self.quick:
            return f"Quick update for {account}: what happened, the next step, what changed."
        if self.requalify:
            return f"Re-qualifying {account}: Enter keeps each answer; Ctrl-C keeps a draft."
        return "New deal. Enter skips a question; Ctrl-C keeps a draft (qualify --resume)."

    # -- question helpers (each is a sub-generator: `value = yield from ...`)

    def _text(
        self,
        target: dict[str, Any],
        name: str,
        key: str,
        message: str,
        hint: str,
        parse: Callable[[str], Any],
        *,
        echo_date: bool = False,
    ) -> Steps:
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
            self._put(target, name, value)
        if echo_date and value:
            day = _date_or_none(value) or _date_or_none(parse(text))
            if day is not None:
                yield Say(f"→ {format_date(day)}", "echo")
        return value

    def _date(
        self,
        target: dict[str, Any],
        name: str,
        key: str,
        message: str,
        hint: str = DATE_HINT,
        *,
        not_after: date | None = None,
    ) -> Steps:
        parse = date_field(self.today, not_after=not_after)
        return (yield from self._text(target, name, key, message, hint, parse, echo_date=True))

    def _select(
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
            self._put(target, name, value)
        return value

    def _action(self, key: str, message: str, titles: Mapping[str, str]) -> Steps:
        """A choice about an item (keep / update / remove): its first entry, or skip, does nothing."""
        first = next(iter(titles))
        reply = yield Question(key, "select", message, "", first, _choices(titles))
        return reply if reply in titles else first

    def _confirm(self, key: str, message: str, default: bool) -> Steps:
        reply = yield Question(key, "confirm", message, "", default)
        return bool(default if reply is None else reply)

    # -- the full interview's sections

    def _ask_deal(self) -> Steps:
        deal = self._deal()
        yield from self._text(
            deal,
            "account",
            "deal.account",
            "Account?",
            "the buyer's organisation; required",
            required_text("the account name is needed"),
        )
        yield from self._text(
            deal,
            "title",
            "deal.title",
            "What would they buy?",
            "a few words; Enter to skip",
            plain_text,
        )
        value = yield from self._text(
            deal,
            "value",
            "deal.value",
            "Estimated value?",
            "a number, e.g. 48000; Enter to skip",
            model_field(DealAnswers, "value", self.today),
        )
        if value is not None:
            yield from self._text(
                deal,
                "currency",
                "deal.currency",
                "Currency?",
                "3 letters, e.g. USD; Enter to skip",
                model_field(DealAnswers, "currency", self.today),
            )
        yield from self._select(
            deal, "stage", "deal.stage", "Stage?", STAGE_TITLES, fallback=Stage.lead.value
        )
        previous = deal.get("source")
        source = yield from self._select(
            deal,
            "source",
            "deal.source",
            "Where did it come from?",
            {**SOURCE_TITLES, OTHER: "somewhere else…"},
        )
        if source == OTHER:
            typed_before = previous not in SOURCE_TITLES and previous != OTHER
            self._put(deal, "source", previous if typed_before else None)
            yield from self._text(
                deal,
                "source",
                "deal.source",
                "Where from?",
                "a few words, e.g. trade show; Enter to skip",
                plain_text,
            )
        kind = yield from self._select(
            deal, "type", "deal.type", "Kind of deal?", TYPE_TITLES, fallback=DealType.new.value
        )
        yield from self._select(deal, "sector", "deal.sector", "Sector?", SECTOR_TITLES)
        if kind == DealType.renewal.value:
            yield from self._date(
                deal,
                "renewal_notice",
                "deal.renewal_notice",
                "Last day they can give notice?",
                "e.g. 2027-03-31, in 4 months; Enter to skip",
            )
        elif "renewal_notice" in deal:
            self._put(deal, "renewal_notice", None)
        yield from self._meeting_date()

    def _meeting_date(self) -> Steps:
        yield from self._date(
            self._deal(),
            "meeting_date",
            "deal.meeting_date",
            "Date of the meeting?",
            "Enter keeps it; or e.g. 2026-11-20",
            not_after=self.today,
        )

    def _review(
        self,
        section: str,
        heading: str,
        line: Callable[[dict[str, Any]], str],
        name_key: str,
        edit: Callable[..., Steps],
    ) -> Steps:
        """Pre-filled people or steps: keep them all, or keep / update / remove each one."""
        items = self._list(section)
        if not items:
            return
        yield Say(heading + "\n" + "\n".join(line(item) for item in items), "info")
        keep = yield from self._confirm(f"{section}.keep", "Keep them as they are?", True)
        if keep:
            return
        for item in list(items):
            name = shown(item.get(name_key) or "?")
            index = items.index(item)
            action = yield from self._action(f"{section}.{index}", f"{name}?", REVIEW_TITLES)
            if action == "remove":
                items.remove(item)
                self.revision += 1
            elif action == "update":
                yield from edit(item, index, ask_name=True)

    def _ask_who(self) -> Steps:
        yield from self._review("who", "Known people:", _person_line, "name", self._person)
        people = self._list("who")
        yield from self._add_people(first_default=not people and not self.requalify)

    def _add_people(self, *, first_default: bool, first_message: str = "Add a person?") -> Steps:
        people = self._list("who")
        adding = yield from self._confirm("who.add", first_message, first_default)
        while adding:
            person: dict[str, Any] = {}
            index = len(people)
            name = yield from self._text(
                person, "name", f"who.{index}.name", "Name?", "Enter to cancel", plain_text
            )
            if name:
                people.append(person)
                self.revision += 1
                yield from self._person(person, index, ask_name=False)
            adding = yield from self._confirm("who.add", "Add another person?", False)

    def _person(self, person: dict[str, Any], index: int, *, ask_name: bool) -> Steps:
        key = f"who.{index}"
        if ask_name:
            yield from self._text(
                person,
                "name",
                f"{key}.name",
                "Name?",
                "required",
                required_text("a name is needed (choose 'remove' to drop this person)"),
            )
        yield from self._text(
            person,
            "title",
            f"{key}.title",
            "Their title?",
            "e.g. Director of Curriculum; Enter to skip",
            plain_text,
        )
        yield from self._select(person, "role", f"{key}.role", "Role in the decision?", ROLE_TITLES)
        met = yield from self._confirm(f"{key}.met", "Met in person?", bool(person.get("met")))
        if person.get("met") != met:
            self._put(person, "met", met)
        yield from self._select(person, "stance", f"{key}.stance", "Their stance?", STANCE_TITLES)

    def _ask_what(self) -> Steps:
        yield from self._review("what", "Their steps so far:", _step_line, "step", self._step)
        steps = self._list("what")
        yield from self._add_steps(first_default=not steps and not self.requalify)

    def _add_steps(
        self,
        *,
        first_default: bool,
        first_message: str = "Add a step on their side (survey, board meeting, security review…)?",
    ) -> Steps:
        steps = self._list("what")
        adding = yield from self._confirm("what.add", first_message, first_default)
        while adding:
            step: dict[str, Any] = {}
            index = len(steps)
            name = yield from self._text(
                step,
                "step",
                f"what.{index}.step",
                "Step?",
                "e.g. board presentation; Enter to cancel",
                plain_text,
            )
            if name:
                steps.append(step)
                self.revision += 1
                yield from self._step(step, index, ask_name=False)
            adding = yield from self._confirm("what.add", "Add another step?", False)

    def _step(self, step: dict[str, Any], index: int, *, ask_name: bool) -> Steps:
        key = f"what.{index}"
        if ask_name:
            yield from self._text(
                step,
                "step",
                f"{key}.step",
                "Step?",
                "required",
                required_text("a step needs a name (choose 'remove' to drop it)"),
            )
        yield from self._select(
            step, "owner", f"{key}.owner", "Who does it?", OWNER_TITLES, fallback=Owner.buyer.value
        )
        yield from self._text(
            step,
            "bring",
            f"{key}.bring",
            "What will we bring to it?",
            "e.g. a case study for the board; Enter to skip",
            plain_text,
        )
        yield from self._date(step, "date", f"{key}.date", f"Date of {shown(step['step'])}?")

    def _ask_when(self) -> Steps:
        when = self._section("when")
        yield from self._decision_date()
        yield from self._text(
            when,
            "compelling_event",
            "when.compelling_event",
            "Compelling event?",
            "why by then, e.g. budget vote on Dec 15; Enter to skip",
            plain_text,
        )
        yield from self._text(
            when,
            "budget_cycle",
            "when.budget_cycle",
            "Budget cycle?",
            "e.g. July fiscal year; Enter to skip",
            plain_text,
        )

    def _decision_date(self) -> Steps:
        yield from self._date(
            self._section("when"),
            "decision_date",
            "when.decision_date",
            "Decision date?",
            "e.g. in 3 weeks, 2026-12-15; Enter to skip",
        )

    def _ask_how(self) -> Steps:
        how = self._section("how")
        yield from self._text(
            how,
            "criteria",
            "how.criteria",
            "How will they judge the offer?",
            "criteria, comma-separated; Enter to skip",
            comma_list,
        )
        yield from self._text(
            how,
            "metrics",
            "how.metrics",
            "What result do they expect?",
            "measurable, e.g. reading scores up 10 %; Enter to skip",
            plain_text,
        )
        yield from self._text(
            how,
            "alternatives",
            "how.alternatives",
            "Alternatives?",
            "comma-separated, e.g. do nothing, Competitor B; Enter to skip",
            comma_list,
        )
        yield from self._select(
            how, "budget", "how.budget", "Budget?", BUDGET_TITLES, skip_value=Budget.unknown.value
        )
        yield from self._text(
            how,
            "funding",
            "how.funding",
            "Funding source?",
            "e.g. Title I; Enter to skip",
            plain_text,
        )

    def _ask_readiness(self) -> Steps:
        readiness = self._section("readiness")
        yield from self._select(
            readiness,
            "journey",
            "readiness.journey",
            "Where are they in their journey?",
            JOURNEY_TITLES,
        )
        yield from self._text(
            readiness,
            "pain",
            "readiness.pain",
            "How much does the problem hurt?",
            "1 = barely … 5 = urgent; Enter to skip",
            pain_scale,
        )
        yield from self._select(
            readiness,
            "fit",
            "readiness.fit",
            "Do they fit our ideal customer?",
            FIT_TITLES,
            to_choice=lambda stored: None if stored is None else ("yes" if stored else "no"),
            from_choice=lambda raw: raw == "yes",
        )

    def _ask_next_step(self) -> Steps:
        nxt = self._section("next_step")
        if self.quick:
            # The step that was next is usually the meeting just held: don't offer it again.
            held = _date_or_none(self._deal().get("meeting_date")) or self.today
            previous = _date_or_none(nxt.get("date"))
            if previous is not None and previous <= held:
                for name in ("agreed", "what", "date"):
                    self._put(nxt, name, None)
        agreed = yield from self._confirm(
            "next_step.agreed", "Did they agree to a concrete next step?", bool(nxt.get("agreed"))
        )
        if nxt.get("agreed") != agreed:
            self._put(nxt, "agreed", agreed)
        if agreed:
            yield from self._text(
                nxt,
                "what",
                "next_step.what",
                "What is it?",
                "e.g. board presentation; Enter to skip",
                plain_text,
            )
            yield from self._date(nxt, "date", "next_step.date", "When?")
        else:
            for name in ("what", "date"):
                if name in nxt:
                    self._put(nxt, name, None)

    def _ask_signals(self) -> Steps:
        signals = self._section("signals")
        reason = yield from self._select(
            signals,
            "stop_reason",
            "signals.stop_reason",
            "Anything that could stop the deal?",
            STOP_TITLES,
            fallback=StopReason.none.value,
        )
        if reason in {stop.value for stop in NURTURE_STOPS}:
            yield from self._date(
                signals,
                "until",
                "signals.until",
                "Until when?",
                "e.g. in 3 months, 2027-07-01; Enter if they didn't say",
            )
        elif "until" in signals:
            self._put(signals, "until", None)

    def _ask_strategy(self) -> Steps:
        yield from self._select(
            self._deal(),
            "strategy",
            "deal.strategy",
            "Follow-up strategy?",
            STRATEGY_TITLES,
            fallback=Strategy.hybrid.value,
        )

    # -- the quick update's sections (everything not asked is kept from the previous answers)

    def _ask_meeting(self) -> Steps:
        yield from self._text(
            self._deal(),
            "meeting_note",
            "deal.meeting_note",
            "What happened?",
            "one line; Enter to skip",
            plain_text,
        )
        yield from self._meeting_date()

    def _ask_steps(self) -> Steps:
        steps = self._list("what")
        for step in list(steps):
            index = steps.index(step)
            when = _date_or_none(step.get("date"))
            label = (
                f"{shown(step.get('step') or '?')} ({format_date(when) if when else 'no date'})?"
            )
            move = yield from self._action(f"what.{index}", label, MOVE_TITLES)
            if move == "done":
                steps.remove(step)  # done: it leaves the plan (the history keeps it)
                self.revision += 1
            elif move == "date":
                yield from self._date(step, "date", f"what.{index}.date", "New date?")
        yield from self._add_steps(first_default=False, first_message="Any new step on their side?")

    def _ask_people(self) -> Steps:
        yield from self._add_people(first_default=False, first_message="Anyone new on their side?")

    def _ask_decision(self) -> Steps:
        yield from self._decision_date()


def _person_line(person: Mapping[str, Any]) -> str:
    facts = []
    if person.get("role"):
        facts.append(str(person["role"]).replace("_", " "))
    facts.append("met" if person.get("met") else "not met")
    if person.get("stance"):
        facts.append(str(person["stance"]))
    title = f", {shown(person['title'])}" if person.get("title") else ""
    details = ", ".join(shown(fact) for fact in facts)
    return f"  • {shown(person.get('name') or '?')}{title} ({details})"


def _step_line(step: Mapping[str, Any]) -> str:
    when = _date_or_none(step.get("date"))
    owner = OWNER_TITLES.get(_enum(Owner, step.get("owner")), "they do")
    parts = [owner, format_date(when) if when else "no date"]
    if step.get("bring"):
        parts.append(f"we bring: {shown(step['bring'])}")
    return f"  • {shown(step.get('step') or '?')} ({', '.join(parts)})"


def _enum(kind: type[Enum], value: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        return None
