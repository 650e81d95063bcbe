"""The code's shape, checked: import-linter layer contracts (pyproject.toml), module size,
function complexity and module docstrings (issue 15, docs/architecture.md)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from radon.complexity import cc_visit

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "desktop"
MAX_LINES = 400
MAX_COMPLEXITY = 20


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the ``desktop`` package found in ``cwd``, with the project's contracts."""
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(REPO / 'pyproject.toml')!r}, "
        "no_cache=True, no_logo=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_layer_contracts_hold() -> None:
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "broken" not in result.stdout.lower().split("contracts:")[-1].split(",")[0]


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("desktop/core/knowledge/pack.py", "import desktop.ui.main_window"),  # Qt in the core
        ("desktop/core/records/profile.py", "import desktop.settings"),  # the app, from core
        ("desktop/core/models/catalog.py", "import desktop.core.answer.schema"),  # upward
        ("desktop/core/knowledge/retrieve.py", "import desktop.core.records.vault"),  # sibling
    ],
)
def test_an_upward_import_breaks_the_contracts(tmp_path: Path, module: str, line: str) -> None:
    """A copy of the package with one deliberate upward import fails the same check."""
    shutil.copytree(PACKAGE, tmp_path / "desktop", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout[-2000:]
    assert "BROKEN" in result.stdout


def test_no_module_over_the_size_limit() -> None:
    too_long = {
        str(p.relative_to(REPO)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


def test_no_function_over_the_complexity_limit() -> None:
    too_complex = {
        f"{p.relative_to(REPO)}:{block.lineno} {block.fullname}": block.complexity
        for p in _modules()
        for block in cc_visit(p.read_text(encoding="utf-8"))
        if block.complexity > MAX_COMPLEXITY
    }
    assert not too_complex, f"cyclomatic complexity over {MAX_COMPLEXITY}: {too_complex}"


def test_every_module_says_what_it_holds() -> None:
    missing = [
        str(p.relative_to(REPO))
        for p in _modules()
        if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert not missing, f"modules without a docstring: {missing}"
