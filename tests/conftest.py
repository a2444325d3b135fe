"""Every test gets its own data folder, and no test can wait on a prompt it did not expect."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("dealcoach", deadline=None, max_examples=150, print_blob=True)
settings.load_profile("dealcoach")


@pytest.fixture(autouse=True)
def dealcoach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DEALCOACH_HOME in a temporary folder: the database, config and drafts all land there."""
    home = tmp_path / "dealcoach-home"
    monkeypatch.setenv("DEALCOACH_HOME", str(home))
    for name in ("DEALCOACH_DB", "DEALCOACH_TODAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return home


@pytest.fixture(autouse=True)
def no_unexpected_prompts() -> Iterator[None]:
    """A tripwire: any prompt a test did not script fails at once instead of hanging."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import DummyInput
    from prompt_toolkit.output import DummyOutput

    with create_app_session(input=DummyInput(), output=DummyOutput()):
        yield
