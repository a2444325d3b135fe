"""What each follow-up brings the buyer and how to say it: the sales copy of the plan.

The planner decides when a follow-up goes out and to whom; this module decides what it carries,
from the interview. Every follow-up brings something the buyer needs, never a bare "checking in".
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from dealcoach.answers.record import AnswersRecord, StakeholderRecord, StepRecord
from dealcoach.domain import contact
from dealcoach.domain.timeline import cites_past
from dealcoach.records import Slot
from dealcoach.vocabulary import POWER_ROLES, Stage

CLOSE_PLAN_ITEMS = ("signer", "legal review", "security review", "vendor set-up", "purchase order")
OWE_OUTLINE = "Send what they asked for; say what happens next."
RENEWAL_MILESTONE = "renewal notice"


class Words(NamedTuple):
    """What a follow-up brings, and the outline of the message that carries it."""

    bring: str
    outline: str


def goal(answers: AnswersRecord) -> str:
    """Their goal in their words, as every follow-up cites it."""
    return answers.how.metrics or answers.deal.title or "what they want to change"


def answers_goal(answers: AnswersRecord) -> bool:
    return bool(answers.how.metrics or answers.deal.title)


# -- anchored follow-ups ----------------------------------------------------------------------


def recap(answers: AnswersRecord, slots: tuple[Slot, Slot] | None, due: date) -> Words:
    """The recap after the meeting; `slots` are the two to offer when no next step is agreed.

    A next step dated before the recap goes out is not confirmed for that date: a new one is asked.
    """
    open_items = open_questions(answers)
    bring = (
        f"Recap: their goal ({goal(answers)})"
        if answers_goal(answers)
        else "Recap: their goal as you understood it, for them to correct"
    )
    bring += f"; still open: {open_items}" if open_items else ""
    bring += f"; the draft mutual plan ({mutual_plan(answers.what)})"
    ns = answers.next_step
    if slots is None:
        passed = (ns.date is not None and ns.date < due) or cites_past(ns.what, due, due)
        when = f" on {ns.date.isoformat()}" if ns.date else ""
        bring += (
            "; agree a new date for the next step (the one agreed has passed)"
            if passed
            else f"; confirm the next step: {ns.what or 'as agreed'}{when}"
        )
        outline = "Thank them, restate their goal in their words, list what is open, attach the plan, confirm the next step."
    else:
        first, second = slots
        bring += f"; propose a next step with two slots: {first} or {second}"
        outline = "Thank them, restate their goal, list what is open, attach the plan, offer two dated slots for the next step."
    return Words(bring, outline)


def before_step(step: StepRecord, on: date) -> Words:
    """Ahead of a buyer step: our part of it, or the question what they need from us."""
    if step.bring:
        return Words(
            f"{step.bring}, for their {step.step} on {day(on)}",
            f"Send it with a line on how it helps the {step.step}; offer to walk them through it.",
        )
    return Words(
        f"The question: what do they need from us for the {step.step} on {day(on)}?",
        "Ask what would help them most for the step, and offer to prepare it.",
    )


def late_delivery(step: StepRecord) -> str:
    """What the touch after a step adds when our part did not come before it."""
    return f"; {step.bring} (late: say sorry it did not come before)" if step.bring else ""


def after_step(answers: AnswersRecord, step: StepRecord, late: str) -> Words:
    criteria = answers.how.criteria
    objections = f" (likely {', '.join(criteria[:2])})" if criteria else ""
    return Words(
        f"How the {step.step} went; answers to the objections it raised{objections}; "
        f"a dated next step{late}",
        "Ask for the outcome, answer what came up, propose the next dated step.",
    )


def renewal(answers: AnswersRecord, days: int, notice: date) -> Words:
    results = answers.how.metrics or "the outcome they bought for"
    return Words(
        f"Usage and results against {results}, {days} days before the notice date ({notice.isoformat()})",
        "Show what they got, ask what must change, agree the renewal steps.",
    )


def owe_check(owe: str) -> Words:
    """What they asked for went out with another follow-up: ask whether it answered them."""
    return Words(
        f"Whether what they asked for ({owe}), already sent, is what they needed",
        "Check it answered their request; say what happens next.",
    )


def our_task(step: StepRecord, due_by: date) -> Words:
    return Words(step.bring or step.step, f"Our part: get it done by {due_by.isoformat()}.")


def check_back(answers: AnswersRecord, why: str) -> Words:
    return Words(
        f"What is new for their goal ({goal(answers)}) since they paused ({why}), "
        "and the question whether the timing is right now",
        "Check back with something new; ask whether to restart, wait or stop.",
    )


# -- flexible follow-ups: discovery, cadence, closing the loop ---------------------------------


def discovery(answers: AnswersRecord, main: str) -> list[tuple[str, Words]]:
    """What the buyer would need to fill the gaps in what we know, each with its gap's name."""
    a = answers
    items: list[tuple[str, Words]] = []
    powers = [p for p in a.who if p.role is not None and p.role.value in POWER_ROLES]
    champion = main or "your contact"
    cold = [p for p in powers if not p.met]
    closing = a.deal.stage is Stage.closing
    if closing:
        missing = close_plan_gaps(a)
        if missing:
            bring = f"A close plan to fill in together: {', '.join(missing)}, each with a date"
            outline = "Walk back from their start date; ask them to fill in names and dates."
            items.append(("close_plan", Words(bring, outline)))
    if not powers and not closing:
        bring = (
            f"A one-page business case {champion} can forward to whoever signs, "
            "and the question: who approved the last purchase like this?"
        )
        outline = "Give them something worth forwarding; ask who signed the last similar purchase."
        items.append(("no_power", Words(bring, outline)))
    elif main and cold and len(cold) == len(powers) and main not in {p.name for p in powers}:
        items.append(("no_power", introduction(a, main, cold[0])))
    if not contact.buyer_steps(a) and a.when.decision_date is None:
        go_live = a.when.compelling_event or "their go-live"
        bring = f"A timeline worked back from {go_live}, for them to correct"
        items.append(
            ("no_dates", Words(bring, "Share the draft timeline; ask which dates are wrong."))
        )
    if not a.how.criteria:
        compare = ", ".join(a.how.alternatives) or "the options they are weighing"
        bring = f"A draft list of evaluation criteria for comparing {compare}, for them to edit"
        outline = "Offer the list as a starting point; ask what they would add or drop."
        items.append(("no_criteria", Words(bring, outline)))
    return items


def close_plan_gaps(answers: AnswersRecord) -> list[str]:
    known = " ".join(s.step.lower() for s in answers.what)
    roles = {p.role.value for p in answers.who if p.role is not None}
    missing = []
    if not roles & POWER_ROLES:
        missing.append("signer")
    for item in CLOSE_PLAN_ITEMS[1:]:
        word = item.split()[0].replace("-", "")
        if word not in known.replace("-", ""):
            missing.append(item)
    if "procurement" in roles and "purchase order" in missing:
        missing.remove("purchase order")
    return missing


def cadence(answers: AnswersRecord) -> list[Words]:
    """Unanswered-cadence touches, each bringing something from the interview."""
    a, aim = answers, goal(answers)
    things: list[Words] = []
    if a.how.metrics:
        things.append(
            Words(
                f"A worked example of how they would reach {a.how.metrics}",
                "Show the path to their number; ask what would make it credible internally.",
            )
        )
    if a.how.criteria:
        things.append(
            Words(
                f"A one-page answer on their criteria: {', '.join(a.how.criteria)}",
                "Answer each criterion in a line; ask which one worries them most.",
            )
        )
    rivals = [x for x in a.how.alternatives if not _is_status_quo(x)]
    if rivals:
        things.append(
            Words(
                f"How we compare with {', '.join(rivals)} on what they said matters",
                "Be fair about the alternatives; ask where they lean.",
            )
        )
    if len(rivals) < len(a.how.alternatives):
        things.append(
            Words(
                f"What waiting costs them: {aim}, delayed by a quarter",
                "Put a number on doing nothing; ask whether it matches theirs.",
            )
        )
    if a.when.compelling_event:
        things.append(
            Words(
                f"A plan that lands before {a.when.compelling_event}",
                "Work back from their date; show what must happen when.",
            )
        )
    if a.how.budget.value in ("unknown", "needs_approval"):
        things.append(
            Words(
                f"A price range with a return estimate against {aim}, for the budget approval",
                "Give them numbers they can defend; ask who approves and when.",
            )
        )
    if not things:
        things.append(
            Words(
                f"The one question that decides what comes next: is {aim} still a priority this quarter?",
                "Ask it plainly and make it easy to answer.",
            )
        )
    return things


def reason_to_answer(answers: AnswersRecord, due: date, around: date) -> str:
    """One reason to answer now that still holds on `due` (`around`: when the buyer said it)."""
    a = answers
    decision = a.when.decision_date
    event, step = a.when.compelling_event, a.next_step
    step_passed = step.date is not None and step.date < due
    return (
        (event if not cites_past(event, due, around) else "")
        or (f"their decision date ({decision.isoformat()})" if decision and decision > due else "")
        or (
            f"the next step they named: {step.what}"
            if step.what and not step_passed and not cites_past(step.what, due, around)
            else ""
        )
        or "what waiting costs them"
    )


def escalate_to(main: str, other: str) -> str:
    """`other` unless empty; the caller passes "" for a signer never met (no cold escalation)."""
    return other or f"{main or 'the champion'}'s manager"


def escalation(answers: AnswersRecord, who: str, reason: str) -> Words:
    return Words(
        f"To {who}: their goal ({goal(answers)}), where things stand, and what we need to keep {reason} on track",
        "Escalate with respect: the champion's manager or the executive sponsor, never a last-chance note.",
    )


def where_we_stand(answers: AnswersRecord) -> Words:
    """Their decision date has passed and no new one was given: ask, once, where things stand."""
    return Words(
        f"Where things stand on their goal ({goal(answers)}) now that the date they set for "
        "their decision has passed: what changed, and when do they now expect to decide? "
        "A one-word 'later' or 'no' is an answer too",
        "Ask plainly where the decision stands and for the new date; make it easy to answer.",
    )


def introduction(answers: AnswersRecord, champion: str, signer: StakeholderRecord) -> Words:
    """A signer never met is reached through the champion, never with a cold note."""
    title = f" ({signer.title})" if signer.title else ""
    return Words(
        f"A one-page note on their goal ({goal(answers)}) {champion} can forward to "
        f"{signer.name}{title}, and the ask: an introduction to {signer.name}",
        "Ask the champion for an introduction to the signer; give them something worth forwarding.",
    )


def close_loop(answers: AnswersRecord, reason: str) -> Words:
    return Words(
        f"Their original goal ({goal(answers)}), one reason to answer now ({reason}), "
        "and a one-word way out: now, later or no",
        "Close the loop politely: a one-word reply is enough.",
    )


# -- helpers ----------------------------------------------------------------------------------


def mutual_plan(steps: list[StepRecord]) -> str:
    dated = [s for s in steps if s.date is not None]
    if not steps:
        return "who decides, their steps to a decision and the dates"
    count = len(steps)
    text = f"{count} step{'s' if count > 1 else ''}, {len(dated)} dated"
    if len(dated) < len(steps):
        text += ": ask for the missing dates"
    return text


def open_questions(answers: AnswersRecord) -> str:
    a = answers
    gaps = []
    if not any(p.role is not None and p.role.value in POWER_ROLES for p in a.who):
        gaps.append("who signs")
    if not contact.buyer_steps(a):
        gaps.append("the dates of their steps")
    if not a.how.criteria:
        gaps.append("how they will judge the offer")
    if a.how.budget.value == "unknown":
        gaps.append("the budget")
    return ", ".join(gaps)


def _is_status_quo(alternative: str) -> bool:
    text = alternative.casefold()
    return any(word in text for word in ("nothing", "status quo", "in-house", "wait"))


def day(on: date | None) -> str:
    return on.strftime("%a %Y-%m-%d") if on else "no date"


# -- the one question a drafted message asks (`dealcoach draft`) ---------------------------------

# (what the outline says, the question to the buyer); the first that the outline holds wins
_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("ask who signed the last similar purchase", "Who signed the last similar purchase?"),
    ("ask them to fill in names and dates", "Could you fill in the names and dates?"),
    ("ask which dates are wrong", "Which of these dates are wrong?"),
    ("ask what they would add or drop", "What would you add or drop?"),
    ("ask what would make it credible", "What would make this credible internally?"),
    ("ask which one worries them most", "Which of these worries you most?"),
    ("ask where they lean", "Where do you lean today?"),
    ("ask whether it matches theirs", "Does that match your own estimate?"),
    ("ask who approves and when", "Who approves it, and when?"),
    ("ask whether to restart, wait or stop", "Should we pick this up now, wait, or stop here?"),
    ("ask for the outcome", "How did the {step} go, and what came up?"),
    ("ask what would help them most", "What would help you most for the {step}?"),
    ("ask what must change", "What must change for the renewal?"),
    ("introduction to the signer", "Could you introduce me to the person who signs?"),
    (
        "where the decision stands",
        "Where does the decision stand, and when do you now expect to decide?",
    ),
    ("confirm the next step", "Can we confirm the next step{on}?"),
    ("offer to walk them through it", "Would a short walk-through before the {step} help?"),
    ("a one-word reply is enough", "Now, later or no?"),
    ("check it answered their request", "Did what we sent answer your request?"),
    ("send what they asked for", "Does this answer what you asked for?"),
    ("escalate", "Who on your side is best placed to keep this moving?"),
    ("work back from their date", "Does this plan fit your date?"),
)


def the_question(outline: str, bring: str, *, milestone: str | None, milestone_day: str) -> str:
    """The one question that moves the deal, from the follow-up's outline: the message asks it.

    Two follow-ups carry their question in what they bring (the slots, the one question); the
    others name it in the outline ("ask who signed..."). Without either, ask for the next step.
    """
    said = outline.lower()
    step = milestone or "next step"
    if "two dated slots" in said and "two slots: " in bring:
        return f"Would {bring.split('two slots: ', 1)[1].split(';')[0]} work for the next step?"
    if "the one question that decides" in bring.lower() and "?" in bring:
        asked = bring.split(": ", 1)[-1].split("?")[0].strip()
        return asked[:1].upper() + asked[1:] + "?"
    on = f" ({step} on {milestone_day})" if milestone and milestone_day else ""
    for fragment, question in _QUESTIONS:
        if fragment in said:
            return question.format(step=step, on=on)
    if milestone:
        return f"Is the {milestone}{' on ' + milestone_day if milestone_day else ''} still on?"
    return "What would be the best next step on your side?"
