"""The project's habits, as configured in pyproject.toml and kept by `.ci/run` (issue 19)."""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast  # pure: no database, Prefect or browser (make test-fast)

ROOT = Path(__file__).resolve().parents[1]


def test_our_own_deprecation_warnings_fail_the_test() -> None:
    # Attributed to this module (a project module), so pytest's filter turns it into an error.
    with pytest.raises(DeprecationWarning, match="old way"):
        warnings.warn("the old way", DeprecationWarning, stacklevel=1)


def _recipe(target: str) -> list[str]:
    """The command lines of one Makefile target."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_ci_lints_with_make_lint_and_nothing_else() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nmake lint\n" in ci
    # No linter of its own beside it, which could drift from what developers run.
    for tool in ("ruff", "mypy", "lint-imports"):
        assert tool not in ci.replace("make lint", ""), tool
    assert _recipe("lint") == [
        "$(BIN)/ruff check .",
        "$(BIN)/ruff format --check .",
        "$(BIN)/mypy",
        "$(BIN)/lint-imports",
    ]


def test_mypy_checks_bench_and_scripts_and_is_strict_on_the_rules_and_tables() -> None:
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert {"bench", "scripts", "lifecycle", "models"} <= set(mypy["packages"])
    strict = next(o for o in mypy["overrides"] if "lifecycle.*" in o["module"])
    assert {"models", "models.*", "lifecycle"} <= set(strict["module"])
    for flag in ("disallow_untyped_defs", "disallow_any_generics", "warn_return_any"):
        assert strict[flag] is True, flag
    assert strict["implicit_reexport"] is False
