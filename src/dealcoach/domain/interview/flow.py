"""The interview's walk: which sections are left, the draft to resume from, and the answers at the end.

Pure: no terminal, no file. `Interview.steps()` is a generator that yields what to show (`Say`) and what
to ask (`Question`); the caller (prompts.py) sends back the reply of each question (the typed text, the
chosen value, or a bool) and nothing for a `Say`. Every reply is merged into the working answers
document at once (sheet.py), so `Interview.draft()` taken after any reply holds everything answered so
far, and an interview built from that draft skips the sections already completed and re-asks the
unfinished one with its answers as defaults. The sections and their order are the tables of
sections.py; the questions of each section live in deal.py, who.py, what.py and decision.py.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel

from dealcoach.answers.schema import DealAnswers
from dealcoach.domain.interview.questions import Say, Steps, jsonable, shown
from dealcoach.domain.interview.sections import (
    FULL_INTERVIEW,
    FULL_SECTIONS,
    QUICK_SECTIONS,
    QUICK_UPDATE,
)
from dealcoach.domain.interview.sheet import Sheet
from dealcoach.domain.workdays import WorkCalendar

DRAFT_VERSION = 1


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
        number_format: str = "us",
        calendar: WorkCalendar | None = None,
    ) -> None:
        self.today = today
        if draft is not None:
            answers = draft.get("answers")
            doc: dict[str, Any] = (
                copy.deepcopy(dict(answers)) if isinstance(answers, Mapping) else {}
            )
            self.sheet = Sheet(
                today,
                doc,
                quick=draft.get("mode") == "quick",
                requalify=bool(draft.get("requalify")),
                number_format=number_format,
            )
            self.table = QUICK_UPDATE if self.sheet.quick else FULL_INTERVIEW
            self.sections = QUICK_SECTIONS if self.sheet.quick else FULL_SECTIONS
            self.done = [name for name in draft.get("done") or [] if name in self.sections]
            self.resumed = True
        else:
            start = jsonable(prefill) if prefill is not None else {}
            self.sheet = Sheet(
                today,
                copy.deepcopy(start) if isinstance(start, dict) else {},
                number_format=number_format,
            )
            self.sheet.requalify = bool(self.sheet.deal().get("account"))
            self.sheet.quick = bool(quick and self.sheet.requalify)
            self.table = QUICK_UPDATE if self.sheet.quick else FULL_INTERVIEW
            self.sections = QUICK_SECTIONS if self.sheet.quick else FULL_SECTIONS
            self.done = []
            self.resumed = False
            deal = self.sheet.deal()
            deal.pop("meeting_note", None)  # a note belongs to one meeting
            deal["meeting_date"] = today.isoformat()  # the meeting just held; default today
        if calendar is not None:
            self.sheet.calendar = calendar  # the rep's working days, for the dates' warnings

    # -- the public surface

    @property
    def revision(self) -> int:
        """Counts every change: the caller saves a draft when it moves."""
        return self.sheet.revision

    def steps(self) -> Steps:
        """Yield what to show and ask; send each question's reply back (None after a `Say`)."""
        yield Say(self._intro(), "intro")
        total = len(self.table)
        for number, section in enumerate(self.table, start=1):
            if section.name in self.done:
                continue
            yield Say(f"{section.title}  ({number}/{total})", "section")
            yield from section.ask(self.sheet)
            self.done.append(section.name)
            self.sheet.revision += 1

    def draft(self) -> dict[str, Any]:
        """Everything needed to resume: JSON types only."""
        return {
            "version": DRAFT_VERSION,
            "mode": "quick" if self.sheet.quick else "full",
            "requalify": self.sheet.requalify,
            "today": self.today.isoformat(),
            "answers": copy.deepcopy(self.sheet.doc),
            "done": list(self.done),
        }

    def result(self) -> dict[str, Any]:
        """The answers document, in the answers-file schema."""
        doc = copy.deepcopy(self.sheet.doc)
        deal = doc.setdefault("deal", {})
        deal.setdefault("meeting_date", self.today.isoformat())
        if "meeting_note" not in DealAnswers.model_fields:
            # The schema has no place for the note yet: it stays in the draft only.
            deal.pop("meeting_note", None)
        return doc

    def _intro(self) -> str:
        account = shown(self.sheet.deal().get("account") or "")
        if self.resumed:
            done = len(self.done)
            who = account or "a new deal"
            return f"Picking up the draft for {who}: {done} of {len(self.sections)} sections done."
        if self.sheet.quick:
            return f"Quick update for {account}: what happened, the next step, what changed."
        if self.sheet.requalify:
            return f"Re-qualifying {account}: Enter keeps each answer; Ctrl-C keeps a draft."
        return "New deal. Enter skips a question; Ctrl-C keeps a draft (qualify --resume)."


def describe_draft(draft: Mapping[str, Any]) -> str:
    """One line about a draft, for `--resume` and for the "draft kept" message."""
    answers = draft.get("answers") or {}
    account = (answers.get("deal") or {}).get("account") or "a new deal"
    sections = QUICK_SECTIONS if draft.get("mode") == "quick" else FULL_SECTIONS
    done = [name for name in draft.get("done") or [] if name in sections]
    kind = "quick update" if draft.get("mode") == "quick" else "interview"
    return f"{kind} of {shown(account)}, {len(done)} of {len(sections)} sections done"
