"""The project's habits, as configured in pyproject.toml and kept by `.ci/run` (issue 19)."""

from __future__ import annotations

import warnings

import pytest

pytestmark = pytest.mark.fast  # pure: no database, Prefect or browser (make test-fast)


def test_our_own_deprecation_warnings_fail_the_test() -> None:
    # Attributed to this module (a project module), so pytest's filter turns it into an error.
    with pytest.raises(DeprecationWarning, match="old way"):
        warnings.warn("the old way", DeprecationWarning, stacklevel=1)
