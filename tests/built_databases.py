"""The template databases the worker has built, and their rows, kept here rather than in
tests/conftest.py: pytest may load that file under two module names (`conftest` for its
fixtures, `tests.conftest` for the tests importing from it), and each would have its own
record and build every template again, with another password hash."""

from __future__ import annotations

from typing import Any

# By backend and key: the template's URL and what its builder returned.
TEMPLATES: dict[tuple[str, str], tuple[str, Any]] = {}

# By PostgreSQL template URL: each table's rows, and the sequences' last values.
TEMPLATE_ROWS: dict[str, tuple[list[tuple[Any, list[dict[str, Any]]]], list[tuple[str, int]]]] = {}
