"""Every command has help text and appears in README.md; the README's commands are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from dealcoach.cli import app

from .clirun import invoke

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(
    info.name or (info.callback.__name__ if info.callback else "")
    for info in app.registered_commands
)


def test_commands_are_registered() -> None:
    assert {
        "qualify",
        "next",
        "done",
        "log",
        "snooze",
        "keep",
        "close",
        "show",
        "list",
        "plan",
    } <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    result = invoke(name, "--help")
    assert result.exit_code == 0
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help.strip()) > 20, f"{name} needs a docstring"
    assert f"dealcoach {name}" in README, f"README.md does not mention `dealcoach {name}`"


def test_readme_opens_with_what_it_is_then_two_setup_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    assert blocks[0].strip().endswith("dealcoach qualify")
    assert "pip install -e '.[test]'" in blocks[1] and "pytest" in blocks[1]
    assert README.index("local-first") < README.index("## Set up and run")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci
    assert "<!-- test-command -->" in README
