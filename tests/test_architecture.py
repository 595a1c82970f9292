"""The layers of DESIGN.md hold: `make lint` (import-linter) fails on an import against them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def run_lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own tool, our own arguments)
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": str(LINT_IMPORTS.parent)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the project's packages and import contracts, to break on purpose."""
    for package in ("articles", "comments", "config"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(module: Path, line: str) -> None:
    module.write_text(f"{line}  # noqa\n{module.read_text()}")


def test_the_project_keeps_its_import_contracts(tree):
    result = run_lint(tree)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # tasks must not know the areas that queue them (it was a circle once).
        ("comments/tasks.py", "from comments.posting import services", "clients, then the areas"),
        # one area does not reach into another: shared rules live in the common ground.
        ("comments/privacy/views.py", "from comments.posting import section", "the areas"),
        # comments renders no article page of its own making.
        ("comments/posting/views.py", "from articles import views", "only by their models"),
        ("articles/models.py", "from comments import models", "stand on nothing of comments"),
    ],
)
def test_an_import_against_the_layers_fails_the_lint(tree, module, line, contract):
    add_import(tree / module, line)

    result = run_lint(tree)

    assert result.returncode != 0
    assert f"{contract}" in result.stdout
    assert "BROKEN" in result.stdout
