"""Start-up discipline (issue 6): each command loads only what it uses.

Every command runs in its own Python process here and reports the modules it loaded. The daily
commands must not pay for pydantic (about 80 ms), the interview's questionary and prompt_toolkit,
or rich when they print JSON. `cli_params` is what keeps Typer from importing pydantic; its answers
are checked against Typer's own converter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperOption
from typer.models import OptionInfo

from dealcoach.cli import command_name
from dealcoach.cli_params import _OnDemand
from tests.clirun import EXAMPLES, TODAY, invoke, rows

PROBE = """
import json, sys
out, argv = sys.argv[1], sys.argv[2:]
sys.argv = ["dealcoach", *argv]
from dealcoach.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(out, "w") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""
NEVER = {
    "questionary",
    "prompt_toolkit",
    "dateparser",
    "holidays",
    "sqlite_utils",
    "sklearn",
    "numpy",
    "scipy",
}


def _loaded(tmp_path: Path, *argv: str) -> set[str]:
    """The packages and modules one run of `dealcoach ARGV` imported (it must exit 0)."""
    out = tmp_path / "probe.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and out.exists(), done.stderr
    report = json.loads(out.read_text())
    assert report["code"] in (0, None), done.stderr
    return {name.split(".")[0] for name in report["modules"]} | set(report["modules"])


@pytest.fixture
def judged(tmp_path: Path) -> Path:
    """A store with two qualified deals, planned and judged this morning by a first `next`."""
    db = tmp_path / "deals.db"
    for example in ("healthy-district.toml", "thin-lead.toml"):
        result = invoke(
            "--db", str(db), "--today", TODAY, "qualify", "--answers", str(EXAMPLES / example)
        )
        assert result.exit_code == 0, result.stderr
    signal = ("log", "D2", "--kind", "call", "--signal", "back_burner", "--note", "After budget")
    result = invoke("--db", str(db), "--today", TODAY, *signal)  # a stored signal is read back
    assert result.exit_code == 0, result.stderr
    assert invoke("--db", str(db), "--today", TODAY, "next").exit_code == 0
    return db


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (["next", "--json"], set()),
        (["next"], {"rich"}),
        (["list", "--json"], set()),
        (["next", "--json", "--limit", "3"], set()),
        (["show", "D1"], {"rich"}),
        (["show", "D1", "--json"], set()),
        (["draft", "F1"], set()),
    ],
)
def test_daily_commands_on_a_judged_store_skip_pydantic(
    judged: Path, tmp_path: Path, argv: list[str], allowed: set[str]
) -> None:
    loaded = _loaded(tmp_path, "--db", str(judged), "--today", TODAY, *argv)
    assert "dealcoach" in loaded  # the probe ran the command it claims to
    assert "dealcoach.commands.data" not in loaded  # main registered only the command it runs
    assert ("dealcoach.commands.draft" in loaded) is (argv[0] == "draft")
    heavy = (NEVER | {"pydantic", "pydantic_core", "rich"}) - allowed
    assert sorted(loaded & heavy) == []


def _planned(db: Path) -> str:
    ((followup,),) = rows(db, "SELECT min(id) FROM followups WHERE status = 'planned'")
    return f"F{followup}"


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (["--today", "2027-02-01", "next", "--json"], set()),  # every verdict came due: re-judged
        (
            ["--today", TODAY, "log", "D1", "--kind", "email", "--replied", "--note", "Yes"],
            {"rich"},
        ),
        (["--today", TODAY, "done", "FIRST"], {"rich"}),
    ],
    ids=["next-rejudges", "log", "done"],
)
def test_commands_that_replan_skip_pydantic_too(
    judged: Path, tmp_path: Path, argv: list[str], allowed: set[str]
) -> None:
    """Stored answers reach the planner as plain records (`answer_record`), not the schema."""
    argv = [_planned(judged) if arg == "FIRST" else arg for arg in argv]
    loaded = _loaded(tmp_path, "--db", str(judged), *argv)
    assert "dealcoach.workflow.replan" in loaded  # the deals were planned again in this run
    # the holidays library runs once per country and year, then its dates come from the cache
    heavy = (NEVER - {"holidays"}) | ({"pydantic", "pydantic_core", "rich"} - allowed)
    assert sorted(loaded & heavy) == []


def test_version_and_help_load_no_heavy_library(tmp_path: Path) -> None:
    for argv in (["--version"], ["--help"], ["next", "--help"]):
        loaded = _loaded(tmp_path, *argv)
        assert sorted(loaded & (NEVER | {"pydantic", "rich"})) == [], argv


# --- cli_params answers what Typer's own converter answers -------------------------------------


class Colour(StrEnum):
    red = "red"
    dark_blue = "dark-blue"


def _option(annotation: Any, info: OptionInfo) -> TyperOption:
    """The Click parameter Typer builds for `value: ANNOTATION = INFO`."""

    def run(value=info):  # type: ignore[no-untyped-def]
        ...

    run.__annotations__ = {"value": annotation, "return": None}
    app = typer.Typer()
    app.command()(run)
    (param,) = [p for p in typer.main.get_command(app).params if p.name == "value"]
    assert isinstance(param, TyperOption)
    return param


def _typer_answer(param: TyperOption, value: Any) -> tuple[str, Any]:
    from typer._coercion import build_runtime_param

    try:
        return "ok", build_runtime_param(param.type_descriptor).coerce(value, param, None)
    except typer.BadParameter as exc:
        return "error", exc.format_message()


def _our_answer(param: TyperOption, value: Any) -> tuple[str, Any]:
    try:
        return "ok", _OnDemand(param.type_descriptor).coerce(value, param, None)
    except typer.BadParameter as exc:
        return "error", exc.format_message()


CASES = [
    (str, typer.Option(None), ["", "plain", "--dash", "é ü", None]),
    (Path, typer.Option(None), ["x.db", "/tmp", "", "-", None]),
    (Path, typer.Option(None, exists=True), ["/definitely/not/here.db", "/tmp"]),
    (
        int,
        typer.Option(12, min=1),
        ["1", "0", "-3", "+4", "12", 12, "x", "1.5", "99999999999999999999"],
    ),
    (int, typer.Option(5, min=1, max=9, clamp=True), ["0", "10", "5"]),
    (Colour, typer.Option(None), ["red", "dark-blue", "RED", "green", Colour.red, None]),
    (Colour, typer.Option(None, case_sensitive=False), ["RED", "red", "Dark-Blue", "ReD ", "blue"]),
]


@pytest.mark.parametrize(
    ("annotation", "info", "value"),
    [(annotation, info, value) for annotation, info, values in CASES for value in values],
)
def test_on_demand_conversion_is_typers_own(annotation: Any, info: OptionInfo, value: Any) -> None:
    param = _option(annotation, info)
    assert _our_answer(param, value) == _typer_answer(param, value)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["next"], "next"),
        (["--db", "x.db", "next", "--json"], "next"),
        (["log", "D1", "--db", "x.db", "--kind", "email"], "log"),
        (["--today=2026-01-05", "--debug", "done", "F1"], "done"),
        (["--db", "next"], None),  # "next" is the database file here, not the command
        (["--help"], None),
        (["--version"], None),
        (["nxt"], None),
        ([], None),
    ],
)
def test_main_registers_only_the_command_it_runs(argv: list[str], expected: str | None) -> None:
    assert command_name(argv) == expected


CONFIGS = [
    'country = "US"\n',
    'country = "de"\nhome_currency = "eur"\n[rates]\nUSD = 0.92\nGBP = "1.17"\n',
    "[cadence.acceleration]\nspacing = [1, 2]\nceiling = 4\n[stale_days]\nlead = 9\n",
]


@pytest.mark.parametrize("text", CONFIGS)
def test_a_checked_config_is_read_back_from_the_cache_unchanged(
    dealcoach_home: Path, text: str
) -> None:
    from dealcoach.home.config import load_settings
    from dealcoach.home.config_file import settings_from

    dealcoach_home.mkdir(exist_ok=True)
    config = dealcoach_home / "config.toml"
    config.write_text(text)
    first = load_settings(config)
    assert (dealcoach_home / "cache" / "settings.json").exists()
    assert load_settings(config) == first  # from the cache
    assert first == settings_from(tomllib.loads(text), config)


def test_with_a_config_the_daily_commands_still_skip_pydantic(
    judged: Path, tmp_path: Path, dealcoach_home: Path
) -> None:
    """Reps set their country: checking config.toml once must not cost every command 100 ms."""
    dealcoach_home.mkdir(exist_ok=True)
    config = dealcoach_home / "config.toml"
    config.write_text('country = "US"\nhome_currency = "USD"\n')
    argv = ("--db", str(judged), "--today", TODAY, "next", "--json")
    assert "pydantic" in _loaded(tmp_path, *argv)  # the first run checks the file
    assert "pydantic" not in _loaded(tmp_path, *argv)  # the next ones trust the checked copy
    config.write_text('country = "US"\n[stale_days]\nlead = 0\n')  # an edit is checked again
    done = subprocess.run(
        [sys.executable, "-m", "dealcoach", *argv], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "stale_days" in done.stderr and "config.toml" in done.stderr
