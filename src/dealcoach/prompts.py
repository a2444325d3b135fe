"""The interactive interview on the terminal: the only module that imports questionary.

Import it late (inside the command that runs the interview), so other commands start fast. Every
question is asked with `.unsafe_ask()`: Ctrl-C raises KeyboardInterrupt (`.ask()` would swallow it
and return None, losing the difference between "skipped" and "stopped").
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.input import DummyInput, Input
from prompt_toolkit.output import Output, create_output

from dealcoach.domain.interview.flow import Interview, describe_draft
from dealcoach.domain.interview.questions import Question, Say
from dealcoach.domain.workdays import WorkCalendar

STYLES = {
    "intro": "bold",
    "section": "bold ansicyan",
    "info": "",
    "echo": "ansigreen",
}


def run_interview(
    *,
    today: date,
    prefill: Mapping[str, Any] | None,
    draft: Mapping[str, Any] | None,
    quick: bool,
    save_draft: Callable[[dict[str, Any]], None],
    output: Output | None = None,
    input: Input | None = None,
    number_format: str = "us",
    calendar: WorkCalendar | None = None,
) -> dict[str, Any]:
    """Ask the interview's questions and return the answers document (the answers-file schema).

    `prefill`: the deal's last answers (re-qualify; each is the default, Enter keeps it). `draft`: a
    saved draft to resume (its completed sections are skipped; its mode wins over `quick`).
    `save_draft` is called with the whole draft after every answer, so a KeyboardInterrupt (which
    propagates) or a killed process loses nothing already answered.

    `output`/`input` default to the current prompt_toolkit session's, else the terminal; when stdout
    is not a terminal (`qualify --json > plan.json`) the prompts go to stderr so stdout stays clean.
    """
    interview = Interview(
        today=today,
        prefill=prefill,
        draft=draft,
        quick=quick,
        number_format=number_format,
        calendar=calendar,
    )
    output = output if output is not None else _terminal_output()
    devices = {
        key: value for key, value in (("input", input), ("output", output)) if value is not None
    }

    steps = interview.steps()
    saved_revision = interview.revision
    item = next(steps)
    while True:
        answered = isinstance(item, Question)
        if isinstance(item, Question):
            reply = _ask(item, devices)
        else:
            _show(item, output)
            reply = None
        try:
            item = steps.send(reply)
        except StopIteration:
            item = None
        if answered or interview.revision != saved_revision:
            save_draft(interview.draft())
            saved_revision = interview.revision
        if item is None:
            return interview.result()


def has_terminal() -> bool:
    """Whether the questions can be asked: a keyboard to read and a screen to draw on.

    A prompt_toolkit session given an input (the tests' pipe) counts as a terminal, except the
    tripwire's DummyInput; otherwise stdin must be a terminal, and stdout or stderr too.
    """
    chosen = getattr(get_app_session(), "_input", None)
    if chosen is not None:
        return not isinstance(chosen, DummyInput)
    return _isatty(sys.stdin) and (_isatty(sys.stdout) or _isatty(sys.stderr))


def offer_resume(
    draft: Mapping[str, Any], *, output: Output | None = None, input: Input | None = None
) -> bool:
    """Ask whether to go on with an unfinished interview (Enter: yes). Ctrl-C propagates."""
    output = output if output is not None else _terminal_output()
    devices = {
        key: value for key, value in (("input", input), ("output", output)) if value is not None
    }
    message = f"Go on with the unfinished {describe_draft(draft)}?"
    return bool(
        questionary.confirm(message, default=True, auto_enter=False, **devices).unsafe_ask()
    )


def _ask(question: Question, devices: dict[str, Any]) -> Any:
    if question.kind == "confirm":
        # `y` waits for Enter: people type y + Enter, and an Enter that answered the next
        # question (an empty name cancels the person) would lose what they meant to add
        return questionary.confirm(
            question.message, default=bool(question.default), auto_enter=False, **devices
        ).unsafe_ask()
    if question.kind == "select":
        choices = [questionary.Choice(choice.title, choice.value) for choice in question.choices]
        return questionary.select(
            question.message,
            choices=choices,
            default=question.default or None,
            use_shortcuts=len(choices) <= 10,
            **devices,
        ).unsafe_ask()

    def validate(text: str) -> bool | str:
        return question.check(text) or True

    hint = f"({question.hint})" if question.hint else None
    return questionary.text(
        question.message,
        default=str(question.default),
        instruction=hint,
        validate=validate,
        **devices,
    ).unsafe_ask()


def _show(say: Say, output: Output | None) -> None:
    text = f"\n{say.text}" if say.kind == "section" else say.text
    lines = text.split("\n")
    if say.kind == "echo":
        lines = [f"  {line}" for line in lines]
    fragments = FormattedText([(STYLES.get(say.kind, ""), "\n".join(lines))])
    print_formatted_text(fragments, output=output or get_app_session().output)


def _terminal_output() -> Output | None:
    """None (the session's output) unless stdout is redirected: then the terminal on stderr."""
    if getattr(get_app_session(), "_output", None) is not None:
        return None  # the caller chose one (create_app_session in tests, or an embedding app)
    stdout = sys.stdout
    if stdout is not None and _isatty(stdout):
        return None
    if sys.stderr is None:
        return None
    return create_output(stdout=sys.stderr)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
