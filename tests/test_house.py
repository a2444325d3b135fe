"""The plan of the house (docs/ARCHITECTURE.md), checked so that it cannot drift.

The layer contracts themselves are import-linter's (`lint-imports`, run by .ci/run); these are the
rules it does not express: small rooms, a short top level, empty package files, and a map that
names every folder.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dealcoach"
MAX_LINES = 500
MAX_TOP_LEVEL = 10


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_500_lines(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.relative_to(ROOT)} has {lines} lines; split it by job"


def test_the_top_level_keeps_at_most_ten_modules() -> None:
    top = sorted(
        p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py"}
    )
    assert len(top) <= MAX_TOP_LEVEL, top


def test_package_files_stay_empty() -> None:
    """A re-export in a package's __init__ would drag rich or pydantic into `next`'s start-up:
    a package file holds a docstring at most (the root, its version too)."""
    for init in sorted(PACKAGE.rglob("__init__.py")):
        body = ast.parse(init.read_text(encoding="utf-8")).body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        if init.parent == PACKAGE:
            assert [ast.unparse(node).split(" = ")[0] for node in body] == ["__version__"]
        else:
            assert body == [], init.relative_to(ROOT)


def test_the_architecture_document_maps_every_folder() -> None:
    document = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    folders = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    missing = [name for name in folders if f"`{name}/`" not in document]
    assert not missing, f"docs/ARCHITECTURE.md does not name {missing}"
    for subpackage in PACKAGE.glob("*/*/__init__.py"):
        name = f"{subpackage.parent.parent.name}/{subpackage.parent.name}/"
        assert f"`{name}`" in document, f"docs/ARCHITECTURE.md does not name {name}"


def test_code_comments_cite_only_what_the_repository_holds() -> None:
    """A comment citing a document outside the repository sends the reader nowhere."""
    for module in [*_modules(), *sorted((ROOT / "tests").glob("*.py"))]:
        if module.name == "test_house.py":
            continue
        text = module.read_text(encoding="utf-8")
        assert "DESIGN.md" not in text and "HOUSE.md" not in text, module.relative_to(ROOT)


def test_the_layer_contracts_hold() -> None:
    """The same check .ci/run makes, so that the README's test command catches a broken layer."""
    import subprocess
    import sys

    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-3000:]
