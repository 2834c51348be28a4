"""Errors the use cases raise; their messages are translatable templates.

Defined with the catalog, the lowest domain package, and shared by purchasing, so that the
interface shows every refusal the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def N_(text: str) -> str:
    """Marks `text` for translation where it is defined; the interface translates it when shown."""
    return text


@dataclass(frozen=True)
class Message:
    """A message template (English, translated by the interface) and its parameters."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        return self.text % self.params if self.params else self.text


class Refused(Exception):
    """A use case refused: nothing was changed."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.message = message


class NotFound(Refused):
    """The object does not exist, or the user may not see it (the two are not told apart)."""


class Invalid(Refused):
    """The input breaks a rule; `errors` names each field and what is wrong with it."""

    def __init__(self, errors: dict[str, Message]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first)
        self.errors = errors


class Conflict(Refused):
    """The object changed state meanwhile (for instance a need was pooled, a product merged)."""
