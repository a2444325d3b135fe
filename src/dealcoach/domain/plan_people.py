"""Who a follow-up goes to: the stakeholder whose role fits a buyer step, and never a signer cold.

The champion carries the deal, but the security answers are read by the security lead and the
redlines by legal; and a signer nobody has met is reached through the champion's introduction,
not with a cold "now, later or no".
"""

from __future__ import annotations

import re

from dealcoach.answers.record import AnswersRecord, StakeholderRecord, StepRecord
from dealcoach.vocabulary import POWER_ROLES, STEP_OWNERS


def for_step(answers: AnswersRecord, step: StepRecord) -> str:
    """The stakeholder who does this step by their title or role, or "" when none is known
    (a signer never met included: the champion introduces them first)."""
    step_words = _words(step.step)
    for step_fit, title_fit, role in STEP_OWNERS:
        if not step_words & step_fit:
            continue
        for person in answers.who:
            fits = (role is not None and person.role is role) or _words(person.title) & title_fit
            if fits and cold_signer(answers, person.name) is None:
                return person.name
    return ""


def cold_signer(answers: AnswersRecord, name: str) -> StakeholderRecord | None:
    """The person named, when they can sign and nobody has met them yet."""
    return next(
        (
            p
            for p in answers.who
            if p.name == name and p.role is not None and p.role in POWER_ROLES and not p.met
        ),
        None,
    )


def _words(text: str) -> frozenset[str]:
    """Every word case-blind; an upper-case one ("IT", "PO") also as written."""
    found = re.findall(r"[A-Za-z0-9]+", text)
    return frozenset(w.casefold() for w in found) | {w for w in found if w.isupper()}
