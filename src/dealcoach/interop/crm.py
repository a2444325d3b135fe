"""The CRMs' deal exports: their column and stage maps, and each row checked in dealcoach's terms.

HubSpot, Pipedrive and Salesforce name their columns and stages their own way; `--map` and
`--map-stage` name the others. Amounts stay exact decimal text and a slash date is never guessed.
Every row of every file is checked before anything is written; what the rows then change is worked
out by `crm_actions`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dealcoach.dates import EARLIEST, LATEST
from dealcoach.errors import BadInput
from dealcoach.interop.fields import limit_message, too_long
from dealcoach.interop.loading import Loaded, Problem, no_known_columns
from dealcoach.vocabulary import STAGES

SHOWN_LINES = 8  # line numbers listed in one grouped problem before "+N more"

FIELDS: dict[str, str] = {
    "external_id": "the CRM's deal id (a re-import updates by it)",
    "account": "the buyer's company",
    "title": "what they would buy",
    "value": "the amount",
    "currency": "a three-letter code",
    "stage": "the pipeline stage",
    "status": "open, won or lost",
    "decision_date": "the expected close date",
    "created": "when the deal was created",
    "owner": "the deal's owner in the CRM",
    "next_step": "the CRM's next step",
}
STAGE_TARGETS = (*STAGES, "won", "lost")
STATUS_WORDS = {"open": "open", "won": "won", "lost": "lost"}


@dataclass(frozen=True)
class Crm:
    name: str
    label: str
    columns: dict[str, tuple[str, ...]]  # field -> the header names tried, in order
    stages: dict[str, str]  # stage name as the CRM shows it -> a dealcoach stage, won or lost


_CLOSED = {"Closed Won": "won", "Closed Lost": "lost"}

CRMS: dict[str, Crm] = {
    "hubspot": Crm(
        "hubspot",
        "HubSpot",
        {
            "external_id": ("Record ID",),
            "account": ("Associated Company", "Company name"),
            "title": ("Deal Name",),
            "value": ("Amount",),
            "currency": ("Currency",),
            "stage": ("Deal Stage",),
            "decision_date": ("Close Date",),
            "created": ("Create Date",),
            "owner": ("Deal owner",),
        },
        {
            "Appointment Scheduled": "lead",
            "Qualified To Buy": "qualified",
            "Presentation Scheduled": "prospect",
            "Decision Maker Bought-In": "opportunity",
            "Contract Sent": "closing",
            **_CLOSED,
        },
    ),
    "pipedrive": Crm(
        "pipedrive",
        "Pipedrive",
        {
            "external_id": ("Deal - ID",),
            "account": ("Deal - Organization",),
            "title": ("Deal - Title",),
            "value": ("Deal - Value",),
            "currency": ("Deal - Currency",),
            "stage": ("Deal - Stage",),
            "status": ("Deal - Status",),
            "decision_date": ("Deal - Expected close date",),
            "created": ("Deal - Deal created",),
            "owner": ("Deal - Owner",),
        },
        {
            "Lead In": "lead",
            "Qualified": "qualified",
            "Contact Made": "prospect",
            "Demo Scheduled": "opportunity",
            "Proposal Made": "opportunity",
            "Negotiations Started": "closing",
            **_CLOSED,
        },
    ),
    "salesforce": Crm(
        "salesforce",
        "Salesforce",
        {
            "external_id": ("Opportunity ID",),
            "account": ("Account Name",),
            "title": ("Opportunity Name",),
            "value": ("Amount",),
            "currency": ("Opportunity Currency",),
            "stage": ("Stage",),
            "decision_date": ("Close Date",),
            "created": ("Created Date",),
            "owner": ("Opportunity Owner",),
            "next_step": ("Next Step",),
        },
        {
            "Prospecting": "lead",
            "Qualification": "qualified",
            "Needs Analysis": "qualified",
            "Value Proposition": "opportunity",
            "Id. Decision Makers": "opportunity",
            "Perception Analysis": "opportunity",
            "Proposal/Price Quote": "closing",
            "Negotiation/Review": "closing",
            **_CLOSED,
        },
    ),
}


def stage_key(name: str) -> str:
    """Stage names match ignoring case, spaces and punctuation (`Closed - Won`, `closedwon`)."""
    return re.sub(r"[\W_]+", "", name.casefold())


def looks_like_crm(header: Sequence[str]) -> str | None:
    """The CRM whose id column the header has, to suggest --from."""
    names = {cell.strip().lower() for cell in header}
    for crm in CRMS.values():
        if any(col.lower() in names for col in crm.columns["external_id"]):
            return crm.name
    return None


@dataclass(frozen=True)
class CrmDeal:
    """One validated row of a CRM export, in dealcoach's terms."""

    file: str
    line: int
    external_id: str
    account: str
    title: str | None
    value: str | None
    currency: str | None
    stage: str | None  # a dealcoach stage, or None when the CRM gives none (or a closed one)
    status: str  # open, won or lost
    decision_date: date | None
    created: date | None
    owner: str | None
    next_step: str | None
    fields: dict[str, str] = field(default_factory=dict)  # custom fields: cells of other columns
    field_columns: tuple[str, ...] = ()  # the other columns this row has (empty cells included)


def parse_maps(items: Iterable[str]) -> dict[str, str]:
    """`--map "Column Name=field"`: field -> the column to read it from."""
    found: dict[str, str] = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        target = target.strip().lower()
        if not sep or not column.strip():
            raise BadInput(f"--map {item!r}: write it as 'Column Name=field'")
        if target not in FIELDS:
            raise BadInput(
                f"--map {item!r}: unknown field {target!r}; use one of {', '.join(FIELDS)}"
            )
        found[target] = column.strip()
    return found


def parse_stage_maps(items: Iterable[str]) -> dict[str, str]:
    """`--map-stage "Name=stage"`: the CRM's stage name -> a dealcoach stage, won or lost."""
    found: dict[str, str] = {}
    for item in items:
        name, sep, target = item.rpartition("=")
        target = target.strip().lower()
        if not sep or not name.strip():
            raise BadInput(f"--map-stage {item!r}: write it as 'Stage Name=stage'")
        if target not in STAGE_TARGETS:
            raise BadInput(
                f"--map-stage {item!r}: unknown stage {target!r}; use one of {', '.join(STAGE_TARGETS)}"
            )
        found[stage_key(name)] = target
    return found


def check_date_format(fmt: str | None) -> None:
    if fmt is None:
        return
    if "%" not in fmt:
        raise BadInput(f"--date-format {fmt!r} has no % field; e.g. %m/%d/%Y or %d/%m/%Y")
    try:
        datetime(2026, 11, 23).strftime(fmt)
    except ValueError:
        raise BadInput(f"--date-format {fmt!r} is not a strftime format") from None


def validate_crm(
    files: Sequence[Loaded],
    crm: Crm,
    maps: Mapping[str, str],
    stage_maps: Mapping[str, str],
    date_format: str | None,
) -> tuple[list[CrmDeal], list[Problem]]:
    """Every row of every file, checked; unknown stages are grouped, one problem per name."""
    problems: list[Problem] = []
    deals: list[CrmDeal] = []
    seen: dict[str, tuple[str, int]] = {}
    unknown_stages: dict[str, tuple[str, str, list[int]]] = {}
    stages = {stage_key(name): target for name, target in crm.stages.items()}
    stages.update(stage_maps)
    for loaded in files:
        columns = _crm_columns(loaded, crm, maps, problems)
        if columns is None:
            continue
        id_column = columns["external_id"]
        getters = {name: loaded.getter(column) for name, column in columns.items()}
        others = _other_columns(loaded, columns.values())
        for line, record in loaded.records:

            def cell(name: str, record: Any = record, getters: dict[str, Any] = getters) -> str:
                get = getters.get(name)
                value = get(record) if get is not None else None
                return "" if value is None else str(value).strip()

            row_problems: list[str] = []
            external_id = cell("external_id")
            if not external_id:
                row_problems.append(f"{id_column} is empty")
            elif external_id in seen:
                file, first = seen[external_id]
                at = f"line {first}" if file == loaded.name else f"{file} line {first}"
                row_problems.append(f"{id_column} {external_id} repeats {at}")
            else:
                seen[external_id] = (loaded.name, line)
            title = cell("title") or None
            account = cell("account") or title
            if not account:
                names = " or ".join(columns[f] for f in ("account", "title") if f in columns)
                row_problems.append(f"no account: {names} is empty")
            value = _crm_amount(cell("value"), columns.get("value"), row_problems)
            currency = _crm_currency(cell("currency"), columns.get("currency"), row_problems)
            stage_name = cell("stage")
            stage: str | None = None
            stage_status: str | None = None
            if stage_name:
                target = stages.get(stage_key(stage_name))
                if target is None:
                    entry = unknown_stages.setdefault(
                        stage_key(stage_name), (loaded.name, stage_name, [])
                    )
                    entry[2].append(line)
                elif target in ("won", "lost"):
                    stage_status = target
                else:
                    stage = target
            status = stage_status or "open"
            status_text = cell("status")
            if status_text:
                word = STATUS_WORDS.get(status_text.lower())
                if word is None:
                    row_problems.append(
                        f"{columns['status']} {status_text!r} is not open, won or lost"
                    )
                elif word != "open" or stage_status is None:
                    status = word
            decision = _crm_date(
                cell("decision_date"), columns.get("decision_date"), date_format, row_problems
            )
            created = _crm_date(cell("created"), columns.get("created"), date_format, row_problems)
            custom, custom_columns = others(record)
            for name, text in custom.items():
                size = too_long(text)
                if size is not None:
                    row_problems.append(f"column {name!r}: {limit_message(size)}")
            for message in row_problems:
                problems.append(Problem(loaded.name, line, message))
            if row_problems or not external_id or not account:
                continue
            deals.append(
                CrmDeal(
                    file=loaded.name,
                    line=line,
                    external_id=external_id,
                    account=account,
                    title=title,
                    value=value,
                    currency=currency,
                    stage=stage,
                    status=status,
                    decision_date=decision,
                    created=created,
                    owner=cell("owner") or None,
                    next_step=cell("next_step") or None,
                    fields=custom,
                    field_columns=custom_columns,
                )
            )
    known = ", ".join(crm.stages)
    for file, name, lines in unknown_stages.values():
        shown = ", ".join(str(n) for n in lines[:SHOWN_LINES])
        more = f" (+{len(lines) - SHOWN_LINES} more)" if len(lines) > SHOWN_LINES else ""
        word = "line" if len(lines) == 1 else "lines"
        problems.append(
            Problem(
                file,
                None,
                f"{word} {shown}{more}: unknown stage {name!r}; {crm.label}'s known stages are"
                f' {known}; map it with --map-stage "{name}=STAGE"'
                f" (STAGE: {', '.join(STAGE_TARGETS)})",
            )
        )
    return deals, problems


def _other_columns(
    loaded: Loaded, used: Iterable[str]
) -> Callable[[Any], tuple[dict[str, str], tuple[str, ...]]]:
    """What reads a record's custom fields: every column no field is read from, under its header
    name as written (empty cells left out), and the names of those columns the record has."""
    taken = {name.strip().lower() for name in used}

    def text(value: Any) -> str:
        if value is None:
            return ""
        return (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)).strip()

    if loaded.format == "csv":
        spots = [
            (i, name) for i, name in enumerate(loaded.header) if name and name.lower() not in taken
        ]
        names = tuple(name for _, name in spots)

        def from_cells(cells: Any) -> tuple[dict[str, str], tuple[str, ...]]:
            found = {name: value for i, name in spots if (value := cells[i].strip())}
            return found, names

        return from_cells

    def from_object(record: Any) -> tuple[dict[str, str], tuple[str, ...]]:
        keys = tuple(k for k in record if k.strip() and k.strip().lower() not in taken)
        found = {k: value for k in keys if (value := text(record[k]))}
        return found, keys

    return from_object


def _crm_columns(
    loaded: Loaded, crm: Crm, maps: Mapping[str, str], problems: list[Problem]
) -> dict[str, str] | None:
    """field -> the header name it is read from; None (with problems) when required ones lack."""
    by_lower = {name.strip().lower(): name.strip() for name in loaded.header}
    found: dict[str, str] = {}
    bad = False
    for field_name, column in maps.items():
        if column.lower() not in by_lower:
            problems.append(Problem(loaded.name, 1, f"--map: no column {column!r} in the header"))
            bad = True
        else:
            found[field_name] = by_lower[column.lower()]
    for field_name, candidates in crm.columns.items():
        if field_name in found or field_name in maps:
            continue
        for candidate in candidates:
            if candidate.lower() in by_lower:
                found[field_name] = by_lower[candidate.lower()]
                break
    if not found and not bad:
        problems.append(no_known_columns(loaded))
        return None
    if "external_id" not in found and "external_id" not in maps:
        problems.append(
            Problem(
                loaded.name,
                1,
                f"missing column {crm.columns['external_id'][0]!r} ({crm.label}'s deal id);"
                " or name another with --map 'Column=external_id'",
            )
        )
        bad = True
    if "account" not in found and "title" not in found and not bad:
        names = " or ".join(repr(c) for c in (*crm.columns["account"], *crm.columns["title"]))
        problems.append(
            Problem(
                loaded.name,
                1,
                f"missing column {names}; or name another with --map 'Column=account'",
            )
        )
        bad = True
    return None if bad else found


_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN = re.compile(r"\d+(\.\d+)?|\.\d+")


def _crm_amount(text: str, column: str | None, problems: list[str]) -> str | None:
    """An exact amount: plain digits, or with comma thousands separators; never a float."""
    if not text:
        return None
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN.fullmatch(text):
        problems.append(f"{column} {text!r} is not an amount such as 48000 or 48,000.00")
        return None
    number = Decimal(text)
    if number >= Decimal("1e15"):
        problems.append(f"{column} {text!r} is too large")
        return None
    return format(number, "f")


def _crm_currency(text: str, column: str | None, problems: list[str]) -> str | None:
    if not text:
        return None
    if len(text) != 3 or not text.isascii() or not text.isalpha():
        problems.append(f"{column} {text!r} is not a three-letter currency code such as USD")
        return None
    return text.upper()


_ISO_DAY = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
)


def parse_crm_date(text: str, date_format: str | None) -> date:
    """ISO (a timestamp's date part too), or `--date-format`; a slash date is never guessed."""
    match = _ISO_DAY.fullmatch(text)
    day: date | None = None
    if match:
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            raise ValueError(f"{text!r} is not a real date (check the month and day)") from None
    elif date_format is not None:
        try:
            day = datetime.strptime(text, date_format).date()
        except ValueError:
            raise ValueError(f"{text!r} does not match --date-format {date_format}") from None
    else:
        raise ValueError(
            f"{text!r} is not an ISO date (YYYY-MM-DD); pass --date-format, e.g. %m/%d/%Y"
        )
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{text!r} is outside {EARLIEST} .. {LATEST}")
    return day


def _crm_date(
    text: str, column: str | None, date_format: str | None, problems: list[str]
) -> date | None:
    if not text:
        return None
    try:
        return parse_crm_date(text, date_format)
    except ValueError as exc:
        problems.append(f"{column} {exc}")
        return None
