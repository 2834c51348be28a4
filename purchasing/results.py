"""A scenario's result as the optimizer wrote it (the JSON kept with the scenario), read back into
the optimizer's own dataclasses (`optimizer.solution.Solution`), so that every module of the
demand side reads the same typed fields instead of keys. Ids in it are the database ids of
needs, members, offers, suppliers and sites, as strings.

A kept result that cannot be read (damaged, or edited by hand) is refused with the place and
the reason, rather than read as zeros.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from optimizer.jsonfields import InvalidResult
from optimizer.jsonio import result_from_dict
from optimizer.solution import Solution
from purchasing.errors import N_, Message, Refused


class UnreadableResult(Refused):
    """A scenario's kept result that the optimizer's reader refuses."""


def read_result(result: Mapping[str, Any]) -> Solution:
    """The kept result as the optimizer's `Solution`; `UnreadableResult` when it is malformed."""
    try:
        return result_from_dict(result)
    except InvalidResult as error:
        raise UnreadableResult(
            Message(N_("The scenario's result cannot be read: %(error)s."), {"error": str(error)})
        ) from None


def as_id(value: str) -> int | None:
    """A database id kept as a string in a result (None for one that is not)."""
    text = value.strip()
    return int(text) if text.isdigit() and text.isascii() else None
