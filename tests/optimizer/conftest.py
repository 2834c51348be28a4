"""Fixtures for optimizer tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CBC = Path("/usr/bin/cbc")


@pytest.fixture
def cbc_available() -> None:
    """Skips a test that needs Debian's CBC when it is missing, except in CI (``CI=true``),
    where a missing solver must fail the run rather than hide a test."""
    if CBC.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CBC (/usr/bin/cbc, Debian package coinor-cbc) is required in CI")
    pytest.skip("CBC not installed (apt-get install -y coinor-cbc)")
