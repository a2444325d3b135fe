"""The interview: driven by keystrokes like a rep would type them, plus its pure parts and the drafts."""

from __future__ import annotations

import copy
import io
import os
import stat
import sys
from collections.abc import Callable, Iterable
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import questionary
from prompt_toolkit.application import create_app_session
from prompt_toolkit.application.current import AppSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.plain_text import PlainTextOutput

from dealcoach import prompts
from dealcoach.answers.schema import Answers, DealAnswers
from dealcoach.domain.interview import questions
from dealcoach.domain.interview.flow import Interview, describe_draft
from dealcoach.domain.interview.questions import SKIP, Question, Say
from dealcoach.domain.interview.sections import FULL_SECTIONS, QUICK_SECTIONS
from dealcoach.home import drafts, paths
from dealcoach.prompts import run_interview
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
from tests.keys import (
    answer,
    choose,
    confirm,
    ctrl_c,
    enter,
    keep,
    keys,
    skip,
    type_text,
)

TODAY = date(2026, 11, 23)  # a Monday

# The answers of a deal qualified three days ago (the example answers file of README.md).
PREFILL: dict[str, Any] = {
    "deal": {
        "account": "Lincoln Unified School District",
        "title": "Reading platform for 12 schools",
        "value": 48000,
        "currency": "USD",
        "stage": "opportunity",
        "source": "inbound",
        "type": "new",
        "sector": "public",
        "strategy": "hybrid",
        "meeting_date": "2026-11-20",
    },
    "who": [
        {
            "name": "Dana Ruiz",
            "title": "Director of Curriculum",
            "role": "champion",
            "met": True,
            "stance": "supportive",
        }
    ],
    "what": [
        {
            "step": "Board presentation",
            "owner": "both",
            "bring": "Case study from a district of similar size",
            "date": "2026-12-03",
        }
    ],
    "when": {
        "decision_date": "2026-12-15",
        "compelling_event": "Spring budget is voted on Dec 15",
        "budget_cycle": "July fiscal year",
    },
    "how": {
        "criteria": ["teacher adoption", "price per student"],
        "metrics": "Reading scores up 10 % in a year",
        "alternatives": ["do nothing", "Competitor B"],
        "budget": "needs_approval",
        "funding": "Title I",
    },
    "readiness": {"journey": "comparing", "pain": 4, "fit": True},
    "next_step": {"agreed": True, "what": "Board presentation", "date": "2026-12-03"},
    "signals": {"stop_reason": "none"},
}

# Pointer positions where a choice list starts when nothing is known yet: on the schema's default
# where it has one (stage lead, type new, owner buyer, stop reason none, strategy hybrid), else on
# "skip / unknown", the last entry.
SOURCE_SKIP = 5  # inbound, outbound, referral, partner, somewhere else, skip
SECTOR_SKIP = 3
ROLE_SKIP = 7
STANCE_SKIP = 3
BUDGET_SKIP = 3
JOURNEY_SKIP = 4
FIT_SKIP = 2


def run(
    presses: str,
    *,
    prefill: dict[str, Any] | None = None,
    draft: dict[str, Any] | None = None,
    quick: bool = False,
    today: date = TODAY,
    save_draft: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the interview on scripted keys through the prompt_toolkit session, as the CLI tests do.

    The pipe is closed after the last key, so a missing key fails with EOFError instead of hanging.
    """
    saved: list[dict[str, Any]] = []

    def save(document: dict[str, Any]) -> None:
        saved.append(copy.deepcopy(document))
        if save_draft is not None:
            save_draft(document)

    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        inp.send_text(presses)
        inp.close()
        doc = run_interview(today=today, prefill=prefill, draft=draft, quick=quick, save_draft=save)
    return doc, saved


def run_shown(presses: str, **options: Any) -> tuple[dict[str, Any], str]:
    """Run with input and output passed through, and return what the rep saw (as plain text)."""
    screen = io.StringIO()
    with create_pipe_input() as inp:
        inp.send_text(presses)
        inp.close()
        doc = run_interview(
            today=options.pop("today", TODAY),
            prefill=options.pop("prefill", None),
            draft=options.pop("draft", None),
            quick=options.pop("quick", False),
            save_draft=lambda _draft: None,
            input=inp,
            output=PlainTextOutput(screen),
        )
    assert not options
    return doc, screen.getvalue()


def valid(doc: dict[str, Any]) -> Answers:
    return Answers.model_validate(doc, context={"today": TODAY})


def with_changes(base: dict[str, Any], **sections: dict[str, Any]) -> dict[str, Any]:
    expected = copy.deepcopy(base)
    for name, changes in sections.items():
        expected[name].update(changes)
    return expected


# The keys of a complete first interview of the example deal.
NEW_DEAL_DEAL = keys(
    answer("Lincoln Unified School District"),
    answer("Reading platform for 12 schools"),
    answer("48,000"),
    answer("usd"),
    choose(3),  # opportunity
    choose(0, start=SOURCE_SKIP),  # inbound
    keep(),  # new business
    choose(0, start=SECTOR_SKIP),  # public sector
    answer("2026-11-20"),
)
NEW_DEAL_WHO = keys(
    confirm(True),
    answer("Dana Ruiz"),
    answer("Director of Curriculum"),
    choose(2, start=ROLE_SKIP),  # champion
    confirm(True),
    choose(0, start=STANCE_SKIP),  # supportive
    confirm(False),
)
NEW_DEAL_REST = keys(
    # What
    confirm(True),
    answer("Board presentation"),
    choose(2),  # both of us
    answer("Case study from a district of similar size"),
    answer("2026-12-03"),
    confirm(False),
    # When
    answer("2026-12-15"),
    answer("Spring budget is voted on Dec 15"),
    answer("July fiscal year"),
    # How
    answer("teacher adoption, price per student"),
    answer("Reading scores up 10 % in a year"),
    answer("do nothing, Competitor B"),
    choose(1, start=BUDGET_SKIP),  # needs approval
    answer("Title I"),
    # Readiness & fit
    choose(2, start=JOURNEY_SKIP),  # comparing
    answer("4"),
    choose(0, start=FIT_SKIP),  # yes
    # Next step
    confirm(True),
    answer("Board presentation"),
    answer("2026-12-03"),
    # Signals, strategy
    keep(),
    keep(),
)
NEW_DEAL_ANSWERS = 38  # questions in NEW_DEAL_*


# --- the keystroke-driven interview ------------------------------------------------------------


@pytest.mark.timeout(30)
def test_a_full_first_interview_produces_the_answers_document() -> None:
    doc, saved = run(NEW_DEAL_DEAL + NEW_DEAL_WHO + NEW_DEAL_REST)

    expected = copy.deepcopy(PREFILL)
    expected["deal"]["value"] = "48000"  # typed "48,000": stored exactly, as decimal text
    assert doc == expected
    assert valid(doc).to_document() == valid(PREFILL).to_document()

    # Saved after every answer: the first draft already holds the account.
    assert len(saved) >= NEW_DEAL_ANSWERS
    assert saved[0]["answers"]["deal"]["account"] == "Lincoln Unified School District"
    assert saved[-1]["done"] == list(FULL_SECTIONS)
    assert saved[-1]["answers"] == doc


@pytest.mark.timeout(30)
def test_a_yes_no_question_takes_y_then_enter_as_people_type_it() -> None:
    """`y` waits for Enter, so the Enter does not answer the next question (a tmux trial typed
    `y`, Enter, then a name, and lost the person); Enter alone keeps the default."""
    presses = keys(
        NEW_DEAL_DEAL,
        type_text("y"),
        enter(),  # Add a person? yes
        answer("Dana Ruiz"),
        answer("Director of Curriculum"),
        choose(2, start=ROLE_SKIP),
        type_text("y"),
        enter(),  # Met in person? yes
        choose(0, start=STANCE_SKIP),
        enter(),  # Add another person? the default: no
        type_text("n"),
        enter(),  # Add a step? no
        enter() * 3,
        enter() * 5,
        enter() * 3,
        type_text("n"),
        enter(),  # Next step agreed? no
        enter(),
        enter(),
    )
    doc, _ = run(presses)
    assert doc["who"] == PREFILL["who"]
    assert not doc.get("what")
    assert doc["next_step"] == {"agreed": False}


@pytest.mark.timeout(30)
def test_requalify_enter_keeps_every_answer() -> None:
    questions = (
        29  # deal 9, who 2, what 2, when 3, how 5, readiness 3, next step 3, signals, strategy
    )
    doc, saved = run(enter() * questions, prefill=PREFILL)

    assert doc == with_changes(PREFILL, deal={"meeting_date": TODAY.isoformat()})
    assert len(saved) >= questions  # one per answer, one more when a section closes after a note


@pytest.mark.timeout(30)
def test_requalify_from_stored_answers_keeps_them_exactly() -> None:
    """The command pre-fills from `Answers.to_document()`: empty texts and lists included."""
    sparse = copy.deepcopy(PREFILL)
    sparse["deal"]["title"] = ""
    sparse["how"]["criteria"] = []
    sparse["how"]["budget"] = "unknown"
    sparse["readiness"] = {}
    stored = valid(sparse).to_document()
    assert stored["deal"]["title"] == "" and stored["how"]["budget"] == "unknown"

    doc, _ = run(enter() * 29, prefill=stored)

    stored["deal"]["meeting_date"] = TODAY.isoformat()
    assert doc == stored


@pytest.mark.timeout(30)
def test_skipped_questions_leave_their_keys_out() -> None:
    presses = keys(
        answer("Acme"),
        enter(),  # title: skipped
        enter(),  # value: skipped, so no currency question
        choose(5),  # stage: skip / unknown
        enter(),  # source: the pointer starts on skip / unknown
        enter(),  # type: new business
        enter(),  # sector: skip
        enter(),  # meeting date: today
        confirm(False),  # nobody to add
        confirm(False),  # no step to add
        enter() * 3,  # when
        enter() * 5,  # how (budget: skip)
        enter() * 3,  # readiness
        confirm(False),  # no next step agreed
        choose(6),  # stop reason: skip / unknown
        enter(),  # strategy: hybrid
    )
    doc, _ = run(presses)

    assert doc == {
        "deal": {
            "account": "Acme",
            "type": "new",
            "meeting_date": TODAY.isoformat(),
            "strategy": "hybrid",
        },
        "who": [],
        "what": [],
        "when": {},
        "how": {},
        "readiness": {},
        "next_step": {"agreed": False},
        "signals": {},
    }
    parsed = valid(doc)
    assert parsed.deal.stage is Stage.lead and parsed.how.budget is Budget.unknown


def deal_then_nothing(*deal_keys: str) -> str:
    """A Deal section from `deal_keys`, then every later section skipped."""
    return keys(
        *deal_keys,
        confirm(False),
        confirm(False),
        enter() * 3,
        enter() * 5,
        enter() * 3,
        confirm(False),
        enter(),
        enter(),
    )


@pytest.mark.timeout(30)
def test_an_invalid_answer_is_asked_again_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    validators: dict[str, Callable[[str], bool | str]] = {}
    real_text = questionary.text

    def text(message: str, **options: Any) -> Any:
        validators[message] = options["validate"]
        return real_text(message, **options)

    monkeypatch.setattr(questionary, "text", text)
    presses = deal_then_nothing(
        answer("Acme"),
        enter(),
        answer("-5"),  # refused: the prompt stays, showing why
        answer("48000"),
        answer("dollars"),  # refused: not a currency code
        answer("EUR"),
        enter(),
        enter(),
        enter(),
        enter(),
        enter(),
    )
    doc, screen = run_shown(presses)

    # Had "-5" or "dollars" been taken, every later key would have answered the wrong question.
    assert doc["deal"]["value"] == "48000"
    assert doc["deal"]["currency"] == "EUR"
    assert "Estimated value?" in screen
    # The prompt refuses them itself, and says why (questionary shows the string under the prompt).
    assert validators["Estimated value?"]("-5") == "must be 0 or more"
    assert validators["Estimated value?"]("48000") is True
    assert "three-letter currency code" in str(validators["Currency?"]("dollars"))


@pytest.mark.timeout(30)
def test_an_empty_account_is_refused() -> None:
    presses = deal_then_nothing(enter(), answer("Acme"), enter(), enter(), *[enter()] * 5)
    doc, _ = run(presses)

    assert doc["deal"]["account"] == "Acme"


@pytest.mark.timeout(30)
def test_a_natural_date_is_resolved_and_echoed() -> None:
    presses = keys(
        answer("Acme"),
        enter(),
        enter(),
        enter(),
        enter(),
        enter(),
        enter(),
        answer("tomorrow"),  # refused: the meeting was already held
        answer("2026-11-20"),
        confirm(False),
        confirm(True),
        answer("Board presentation"),
        keep(),  # they do
        enter(),  # nothing to bring yet
        answer("someday"),  # refused: not a date
        answer("next wed"),  # its next occurrence after Monday the 23rd
        confirm(False),
        answer("in 2 weeks"),
        enter() * 2,
        enter() * 5,
        enter() * 3,
        confirm(False),
        enter(),
        enter(),
    )
    doc, screen = run_shown(presses)

    assert doc["what"] == [{"step": "Board presentation", "owner": "buyer", "date": "2026-11-25"}]
    assert doc["when"] == {"decision_date": "2026-12-07"}
    assert "→ Wed 2026-11-25" in screen
    assert "→ Mon 2026-12-07" in screen


@pytest.mark.timeout(30)
def test_ctrl_c_keeps_the_draft_and_resume_skips_the_finished_sections() -> None:
    def keep_draft(document: dict[str, Any]) -> None:
        drafts.save("new", document)

    interrupted = keys(
        NEW_DEAL_DEAL,
        confirm(True),
        answer("Dana Ruiz"),
        answer("Director of Curriculum"),
        ctrl_c(),  # while choosing Dana's role
    )
    with pytest.raises(KeyboardInterrupt):
        run(interrupted, save_draft=keep_draft)

    draft = drafts.load("new")
    assert draft is not None
    assert draft["done"] == ["deal"]
    assert draft["answers"]["deal"]["account"] == "Lincoln Unified School District"
    assert draft["answers"]["who"] == [{"name": "Dana Ruiz", "title": "Director of Curriculum"}]
    assert describe_draft(draft) == (
        "interview of Lincoln Unified School District, 1 of 9 sections done"
    )

    # Resume: Who is asked again with what was given (keep Dana, then add nobody); Deal is not.
    resumed = keys(confirm(True), enter(), NEW_DEAL_REST)
    doc, _ = run(resumed, draft=draft)

    expected = copy.deepcopy(PREFILL)
    expected["deal"]["value"] = "48000"
    expected["who"] = [{"name": "Dana Ruiz", "title": "Director of Curriculum"}]
    assert doc == expected
    valid(doc)


@pytest.mark.timeout(30)
def test_ctrl_c_at_the_first_question_raises_and_saves_nothing_new() -> None:
    saved: list[dict[str, Any]] = []
    with pytest.raises(KeyboardInterrupt):
        run(ctrl_c(), save_draft=saved.append)
    assert saved == []


@pytest.mark.timeout(30)
def test_resuming_a_draft_taken_mid_section_offers_its_answers_as_defaults() -> None:
    draft = {
        "version": 1,
        "mode": "full",
        "requalify": False,
        "today": TODAY.isoformat(),
        "answers": {"deal": {"account": "Acme", "value": "1200", "meeting_date": "2026-11-23"}},
        "done": [],
    }
    presses = deal_then_nothing(
        keep(),  # Acme
        enter(),  # title
        keep(),  # 1200
        answer("EUR"),
        enter(),
        enter(),
        enter(),
        enter(),
        keep(),  # meeting date
    )
    doc, _ = run(presses, draft=draft)

    assert doc["deal"] == {
        "account": "Acme",
        "value": "1200",
        "currency": "EUR",
        "stage": "lead",
        "type": "new",
        "meeting_date": "2026-11-23",
        "strategy": "hybrid",
    }


@pytest.mark.timeout(30)
def test_requalify_reviews_the_known_people() -> None:
    prefill = copy.deepcopy(PREFILL)
    prefill["who"].append({"name": "Ray Ng", "role": "blocker", "met": False})
    presses = keys(
        enter() * 9,  # deal kept
        confirm(False),  # not as they are
        choose(1),  # Dana Ruiz: update
        keep(),  # name
        answer("Assistant Superintendent"),
        choose(0, start=2),  # champion -> decision maker
        keep(),  # met: yes
        keep(),  # supportive
        choose(2),  # Ray Ng: remove
        enter(),  # add nobody
        enter() * 20,  # the rest kept
    )
    doc, _ = run(presses, prefill=prefill)

    expected = with_changes(PREFILL, deal={"meeting_date": TODAY.isoformat()})
    expected["who"] = [
        {
            "name": "Dana Ruiz",
            "title": "Assistant Superintendent",
            "role": "decision_maker",
            "met": True,
            "stance": "supportive",
        }
    ]
    assert doc == expected


@pytest.mark.timeout(30)
def test_a_renewal_asks_for_its_notice_date() -> None:
    presses = deal_then_nothing(
        answer("Acme"),
        enter(),
        enter(),
        enter(),
        enter(),
        choose(2),  # renewal
        enter(),
        answer("in 4 months"),
        enter(),
    )
    doc, _ = run(presses)
    assert doc["deal"]["type"] == "renewal"
    assert doc["deal"]["renewal_notice"] == "2027-03-23"


@pytest.mark.timeout(30)
def test_a_source_of_its_own() -> None:
    presses = deal_then_nothing(
        answer("Acme"),
        enter(),
        enter(),
        enter(),
        choose(4, start=SOURCE_SKIP),  # somewhere else
        answer("trade show"),
        enter(),
        enter(),
        enter(),
    )
    doc, _ = run(presses)
    assert doc["deal"]["source"] == "trade show"


@pytest.mark.timeout(30)
def test_a_stop_reason_with_the_buyers_date() -> None:
    presses = keys(
        enter() * 27,
        choose(2),  # lost funding
        answer("2027-07-01"),
        enter(),  # strategy
    )
    doc, _ = run(presses, prefill=PREFILL)
    assert doc["signals"] == {"stop_reason": "lost_funding", "until": "2027-07-01"}


@pytest.mark.timeout(30)
def test_quick_update_changes_only_what_it_asks() -> None:
    presses = keys(
        answer("Demo for the principals went well"),
        keep(),  # meeting: today
        keep(),  # the next step still stands (it is on Dec 3, still ahead)
        keep(),
        answer("in 2 weeks"),  # ... but moved
        choose(1),  # Board presentation (Thu 2026-12-03): new date
        answer("2026-12-10"),
        confirm(False),  # no new step
        confirm(True),  # someone new
        answer("Sam Lee"),
        skip(),
        choose(0, start=ROLE_SKIP),  # decision maker
        confirm(False),
        enter(),  # stance unknown
        confirm(False),
        answer("2027-01-15"),  # decision date moved
        choose(3),  # back burner
        answer("in 3 months"),
    )
    doc, saved = run(presses, prefill=PREFILL, quick=True)

    expected = copy.deepcopy(PREFILL)
    expected["deal"]["meeting_date"] = TODAY.isoformat()
    expected["next_step"]["date"] = "2026-12-07"
    expected["what"][0]["date"] = "2026-12-10"
    expected["who"].append({"name": "Sam Lee", "role": "decision_maker", "met": False})
    expected["when"]["decision_date"] = "2027-01-15"
    expected["signals"] = {"stop_reason": "back_burner", "until": "2027-02-23"}
    doc["deal"].pop("meeting_note", None)
    assert doc == expected
    valid(doc)
    assert saved[-1]["mode"] == "quick"
    assert saved[-1]["answers"]["deal"]["meeting_note"] == "Demo for the principals went well"


@pytest.mark.timeout(30)
def test_quick_update_after_the_step_that_was_next() -> None:
    """The next step that was due is the meeting just held; a finished buyer step leaves the plan."""
    prefill = copy.deepcopy(PREFILL)
    prefill["next_step"] = {"agreed": True, "what": "Demo", "date": "2026-11-23"}
    presses = keys(
        skip(),  # no note
        keep(),
        confirm(False),  # nothing agreed this time (the old step is not offered again)
        choose(2),  # Board presentation: done
        confirm(False),
        confirm(False),
        keep(),
        keep(),  # nothing stops it
    )
    doc, _ = run(presses, prefill=prefill, quick=True)

    assert doc["next_step"] == {"agreed": False}
    assert doc["what"] == []
    assert doc["who"] == PREFILL["who"] and doc["how"] == PREFILL["how"]


@pytest.mark.timeout(30)
def test_quick_update_note_travels_in_the_answers() -> None:
    presses = keys(
        answer("Signed the pilot"), keep(), keep(), keep(), keep(), keep(), confirm(False)
    )
    presses += keys(confirm(False), keep(), keep())
    doc, _ = run(presses, prefill=PREFILL, quick=True)
    assert doc["deal"].get("meeting_note") == "Signed the pilot"
    valid(doc)


def test_quick_without_previous_answers_is_the_full_interview() -> None:
    assert Interview(today=TODAY, quick=True).sections == FULL_SECTIONS
    assert Interview(today=TODAY, prefill=PREFILL, quick=True).sections == QUICK_SECTIONS


@pytest.mark.timeout(30)
def test_prompts_go_to_stderr_when_stdout_is_redirected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`qualify --json > plan.json`: the interview shows on the terminal, stdout stays clean."""
    fake_stdout, fake_stderr = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", fake_stdout)
    monkeypatch.setattr(sys, "stderr", fake_stderr)
    with create_pipe_input() as inp:
        # A session nobody configured, as in a real run (the tests' tripwire session has one).
        monkeypatch.setattr(prompts, "get_app_session", lambda: AppSession(input=inp))
        inp.send_text(deal_then_nothing(answer("Acme"), *[enter()] * 7))
        inp.close()
        doc = run_interview(
            today=TODAY,
            prefill=None,
            draft=None,
            quick=False,
            save_draft=lambda _d: None,
            input=inp,
        )
    assert doc["deal"]["account"] == "Acme"
    assert fake_stdout.getvalue() == ""
    assert "Account?" in fake_stderr.getvalue()
    assert "→ Mon 2026-11-23" in fake_stderr.getvalue()


@pytest.mark.timeout(30)
def test_user_text_is_shown_escaped() -> None:
    prefill = copy.deepcopy(PREFILL)
    prefill["who"][0]["name"] = "Dana\x1b[2J Ruiz"
    _, screen = run_shown(enter() * 29, prefill=prefill)
    assert "Dana\\x1b[2J Ruiz" in screen
    assert "\x1b" not in screen


# --- the pure interview ------------------------------------------------------------------------

USE_DEFAULT = object()


def script(
    iv: Interview, replies: Iterable[Any]
) -> tuple[list[Question], list[Say], dict[str, Any]]:
    """Drive the generator without a terminal; USE_DEFAULT answers with the question's default."""
    pending = list(replies)
    questions: list[Question] = []
    says: list[Say] = []
    steps = iv.steps()
    item = next(steps)
    try:
        while True:
            if isinstance(item, Say):
                says.append(item)
                item = steps.send(None)
                continue
            questions.append(item)
            assert pending, f"no reply scripted for {item.key}"
            reply = pending.pop(0)
            item = steps.send(item.default if reply is USE_DEFAULT else reply)
    except StopIteration:
        pass
    assert not pending, f"{len(pending)} replies left over"
    return questions, says, iv.result()


def test_every_choice_list_ends_with_skip_or_unknown() -> None:
    replies: list[Any] = ["Acme", "", "100", "", *[USE_DEFAULT] * 5]
    replies += [True, "Dana", "", USE_DEFAULT, False, USE_DEFAULT, False]
    replies += [True, "Survey", USE_DEFAULT, "", "", False]
    replies += [*[USE_DEFAULT] * 11, True, "", "", "lost_funding", "", USE_DEFAULT]
    questions, _, doc = script(Interview(today=TODAY), replies)

    selects = [q for q in questions if q.kind == "select"]
    assert {q.key for q in selects} >= {
        "deal.stage",
        "deal.source",
        "deal.type",
        "deal.sector",
        "who.0.role",
        "who.0.stance",
        "what.0.owner",
        "how.budget",
        "readiness.journey",
        "readiness.fit",
        "signals.stop_reason",
        "deal.strategy",
    }
    for question in selects:
        assert question.choices[-1].value == SKIP, question.key
        assert question.choices[-1].title == "skip / unknown"
        assert question.default in {choice.value for choice in question.choices}
    assert doc["signals"] == {"stop_reason": "lost_funding"}
    valid(doc)


@pytest.mark.parametrize(
    ("titles", "enum"),
    [
        (questions.STAGE_TITLES, Stage),
        (questions.TYPE_TITLES, DealType),
        (questions.SECTOR_TITLES, Sector),
        (questions.ROLE_TITLES, Role),
        (questions.STANCE_TITLES, Stance),
        (questions.OWNER_TITLES, Owner),
        (questions.JOURNEY_TITLES, Journey),
        (questions.STOP_TITLES, StopReason),
        (questions.STRATEGY_TITLES, Strategy),
        (questions.BUDGET_TITLES, Budget),
    ],
)
def test_every_schema_value_can_be_chosen(titles: dict[Any, str], enum: type[Enum]) -> None:
    missing = set(enum) - set(titles)
    assert missing <= {Budget.unknown}  # "unknown" is the skip / unknown entry itself


@pytest.mark.parametrize(
    ("parse", "text", "reason"),
    [
        (questions.model_field(DealAnswers, "value", TODAY), "-5", "must be 0 or more"),
        (questions.model_field(DealAnswers, "value", TODAY), "lots", "such as 48000"),
        (questions.model_field(DealAnswers, "currency", TODAY), "US", "three-letter"),
        (questions.pain_scale, "0", "1 (barely) to 5 (urgent)"),
        (questions.pain_scale, "3.5", "1 (barely) to 5 (urgent)"),
        (questions.date_field(TODAY), "2026-02-30", "not a real date"),
        (questions.date_field(TODAY), "3000-01-01", "outside"),
        (questions.date_field(TODAY, not_after=TODAY), "tomorrow", "after today"),
    ],
)
def test_a_refused_answer_says_why(parse: Callable[[str], Any], text: str, reason: str) -> None:
    question = Question("x", "text", "X?", parse=parse)
    problem = question.check(text)
    assert problem is not None and reason in problem
    assert question.check("") is None  # empty is always "skip"


@pytest.mark.parametrize(
    ("text", "resolved"),
    [
        ("next wed", "2026-11-25"),
        ("wed", "2026-11-25"),
        ("next mon", "2026-11-30"),
        ("in 2 weeks", "2026-12-07"),
        ("2026-12-03", "2026-12-03"),
        ("tomorrow", "2026-11-24"),
    ],
)
def test_dates_are_read_relative_to_today(text: str, resolved: str) -> None:
    assert questions.date_field(TODAY)(text) == resolved


def test_every_accepted_answer_is_accepted_by_the_schema() -> None:
    replies = ["Acme", "Pilot", "1,250.50", "eur", "closing", "referral", "expansion", "private"]
    replies += ["2026-11-20", False, False, "next fri", "", "", "a, b,, c", "", ""]
    replies += ["approved", "", "deciding", "5", "no", False, "chose_other", "selectivity"]
    _, says, doc = script(Interview(today=TODAY), replies)

    parsed = valid(doc)
    assert doc["deal"]["value"] == "1250.50" and doc["deal"]["currency"] == "EUR"
    assert doc["how"]["criteria"] == ["a", "b", "c"]
    assert parsed.readiness.fit is False and parsed.readiness.pain == 5
    assert Say("→ Fri 2026-11-27", "echo") in says


def test_the_draft_is_plain_json_even_from_a_typed_prefill() -> None:
    answers = valid(PREFILL)
    iv = Interview(today=TODAY, prefill=answers)
    draft = iv.draft()
    assert draft["answers"]["deal"]["value"] == "48000"
    assert draft["answers"]["what"][0]["date"] == "2026-12-03"
    assert draft["answers"]["deal"]["meeting_date"] == TODAY.isoformat()
    assert draft["mode"] == "full" and draft["done"] == [] and draft["requalify"] is True


def test_shown_escapes_control_characters() -> None:
    assert questions.shown("Acme\x1b[31m\nInc\u200b") == "Acme\\x1b[31m\\x0aInc\\u200b"
    assert questions.shown("Café [draft]") == "Café [draft]"


# --- drafts --------------------------------------------------------------------------------------


def test_a_draft_is_saved_private_and_read_back(dealcoach_home: Path) -> None:
    draft = {"version": 1, "answers": {"deal": {"account": "Acme"}}, "done": ["deal"]}
    path = drafts.save("D12", draft)

    assert path == dealcoach_home / "drafts" / "D12.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert drafts.load("D12") == draft
    assert drafts.load("new") is None


def test_the_newest_draft_and_discarding() -> None:
    assert drafts.newest() is None
    old = drafts.save("new", {"n": 1})
    drafts.save("D3", {"n": 2})
    os.utime(old, ns=(1_000_000_000, 1_000_000_000))

    assert drafts.newest() == ("D3", {"n": 2})
    drafts.discard("D3")
    assert drafts.newest() == ("new", {"n": 1})
    drafts.discard("new")
    drafts.discard("new")  # absent is fine
    assert drafts.newest() is None


def test_saving_is_atomic(monkeypatch: pytest.MonkeyPatch, dealcoach_home: Path) -> None:
    drafts.save("new", {"n": 1})

    def killed(_fd: int) -> None:
        raise KeyboardInterrupt  # the process dies between writing and renaming

    monkeypatch.setattr(paths.os, "fsync", killed)  # paths.write_private does the saving
    with pytest.raises(KeyboardInterrupt):
        drafts.save("new", {"n": 2})

    assert drafts.load("new") == {"n": 1}
    assert sorted(p.name for p in (dealcoach_home / "drafts").iterdir()) == ["new.json"]


def test_a_damaged_draft_reads_as_none(dealcoach_home: Path) -> None:
    drafts.save("new", {"n": 1})
    (dealcoach_home / "drafts" / "D4.json").write_text("{half a fi", encoding="utf-8")
    (dealcoach_home / "drafts" / ".D4.abc.tmp").write_text("{", encoding="utf-8")

    assert drafts.load("D4") is None
    assert drafts.newest() == ("new", {"n": 1})
    drafts.discard("D4")
    assert sorted(p.name for p in (dealcoach_home / "drafts").iterdir()) == ["new.json"]


@pytest.mark.parametrize("key", ["../x", "D0", "d12", "D12.json", "", "new/"])
def test_draft_keys_are_checked(key: str) -> None:
    with pytest.raises(ValueError, match="not a draft key"):
        drafts.save(key, {})


def test_draft_key_for_a_deal() -> None:
    assert drafts.key_for(12) == "D12"
    assert drafts.key_for(None) == "new"


def test_typing_helpers_read_like_the_conversation() -> None:
    assert type_text("Acme") + enter() == "Acme\r"
    assert answer("Acme") == "\x15Acme\r"
    assert confirm(True) == "y\r" and confirm(False) == "n\r"
    assert choose(2, start=1) == "\x1b[A\x1b[B\x1b[B\r"


@pytest.mark.timeout(30)
def test_a_missing_key_fails_instead_of_hanging() -> None:
    with pytest.raises(EOFError):
        run(answer("Acme"))


def test_has_terminal_follows_the_session_and_the_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    assert prompts.has_terminal() is False  # the tests' tripwire session: DummyInput
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        assert prompts.has_terminal() is True

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(prompts, "get_app_session", lambda: AppSession())
    monkeypatch.setattr(sys, "stdin", Tty())
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # qualify --json > plan.json
    monkeypatch.setattr(sys, "stderr", Tty())
    assert prompts.has_terminal() is True
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # < /dev/null
    assert prompts.has_terminal() is False


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("presses", "resumed"), [(enter(), True), (confirm(False), False)])
def test_offer_resume(presses: str, resumed: bool) -> None:
    draft = Interview(today=TODAY, prefill=PREFILL).draft()
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        inp.send_text(presses)
        inp.close()
        assert prompts.offer_resume(draft) is resumed


@pytest.mark.parametrize(
    ("number_format", "typed", "kept"),
    [("us", "48,000", "48000"), ("eu", "48.000", "48000"), ("eu", "1.234,56", "1234.56"),
     ("us", "1.234", "1.234"), ("eu", "48,000", "48.000")],
)  # fmt: skip
def test_the_value_question_reads_the_number_format_and_echoes_it(
    number_format: str, typed: str, kept: str
) -> None:
    """The rep sees what `48,000` was read as; the document keeps a plain decimal that the
    answers schema reads back unchanged."""
    replies = ["Acme", "Pilot", typed, "eur", "closing", "referral", "expansion", "private"]
    replies += ["2026-11-20", False, False, "next fri", "", "", "a, b,, c", "", ""]
    replies += ["approved", "", "deciding", "5", "no", False, "chose_other", "selectivity"]
    iv = Interview(today=TODAY, number_format=number_format)
    _, says, doc = script(iv, replies)
    assert doc["deal"]["value"] == kept
    assert Say(f"→ {kept}", "echo") in says
    assert str(valid(doc).deal.value) == kept


def test_the_value_question_refuses_a_guess_with_the_forms() -> None:
    parse = questions.model_field(DealAnswers, "value", TODAY, "eu")
    with pytest.raises(ValueError, match=r"1\.234,56.*number_format in config.toml is eu"):
        parse("1,5")
