"""The table of sections: which questions the full interview and the quick update ask, in order.

Each entry names a section (the name a draft keeps in its `done` list), its heading, and the
function that asks its questions. `Interview.steps()` walks one of these tables, so "find callers"
on a section's function lands here. Where the questions live:

- `deal.py`: the deal itself, the meeting just held, the follow-up strategy;
- `who.py`: the people in the decision;
- `what.py`: the steps on their side;
- `decision.py`: when and how they decide, readiness, the next step, what could stop the deal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dealcoach.domain.interview.deal import ask_deal, ask_meeting, ask_strategy
from dealcoach.domain.interview.decision import (
    ask_decision,
    ask_how,
    ask_next_step,
    ask_readiness,
    ask_signals,
    ask_when,
)
from dealcoach.domain.interview.questions import Steps
from dealcoach.domain.interview.sheet import Sheet
from dealcoach.domain.interview.what import ask_steps, ask_what
from dealcoach.domain.interview.who import ask_people, ask_who


@dataclass(frozen=True)
class Section:
    """One section: its name (kept in a draft), its heading, and the questions it asks."""

    name: str
    title: str
    ask: Callable[[Sheet], Steps]


FULL_INTERVIEW: tuple[Section, ...] = (
    Section("deal", "Deal", ask_deal),
    Section("who", "Who: the people in the decision", ask_who),
    Section("what", "What: the steps on their side", ask_what),
    Section("when", "When", ask_when),
    Section("how", "How they will decide", ask_how),
    Section("readiness", "Readiness & fit", ask_readiness),
    Section("next_step", "Next step", ask_next_step),
    Section("signals", "Signals", ask_signals),
    Section("strategy", "Strategy", ask_strategy),
)
"""A new deal, or re-qualifying one: every question, pre-filled from the last answers."""

QUICK_UPDATE: tuple[Section, ...] = (
    Section("meeting", "The meeting", ask_meeting),
    Section("next_step", "Next step", ask_next_step),
    Section("steps", "Their steps: what moved", ask_steps),
    Section("people", "People", ask_people),
    Section("decision", "Decision date", ask_decision),
    Section("signals", "Signals", ask_signals),
)
"""After a meeting (`qualify --quick`): what changed; everything not asked is kept."""

FULL_SECTIONS = tuple(section.name for section in FULL_INTERVIEW)
QUICK_SECTIONS = tuple(section.name for section in QUICK_UPDATE)
