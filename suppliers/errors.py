"""Errors the use cases raise; their messages are translatable templates.

Defined with the catalog, the lowest domain package, and shared by purchasing, so that the
interface shows every refusal the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


def N_(text: str) -> str:
    """Marks `text` for translation where it is defined; the interface translates it when shown."""
    return text


@dataclass(frozen=True)
class Euros:
    """An amount in a message, written as the reader's language writes money."""

    amount: Decimal

    def __str__(self) -> str:
        return f"{self.amount:.2f} €"


@dataclass(frozen=True)
class Units:
    """A quantity in a message, written as the reader's language writes numbers (0,5)."""

    amount: Decimal

    def __str__(self) -> str:
        return f"{self.amount.normalize():f}"


@dataclass(frozen=True)
class Message:
    """A message template (English, translated by the interface) and its parameters.

    A parameter may itself be a `Message` (a unit's name, translated with the text), `Euros` or
    `Units`.
    """

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        if not self.params:
            return self.text
        return self.text % {
            name: value.render() if isinstance(value, Message) else value
            for name, value in self.params.items()
        }

    def to_data(self) -> dict[str, Any]:
        """The message as JSON data, to be stored and translated when shown (`from_data`)."""
        params: dict[str, Any] = {}
        for name, value in self.params.items():
            if isinstance(value, Message):
                params[name] = {"message": value.to_data()}
            elif isinstance(value, Euros):
                params[name] = {"euros": str(value.amount)}
            elif isinstance(value, Units):
                params[name] = {"units": str(value.amount)}
            else:
                params[name] = value
        return {"text": self.text, "params": params}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Message:
        params: dict[str, Any] = {}
        for name, value in data.get("params", {}).items():
            if isinstance(value, dict) and "message" in value:
                params[name] = cls.from_data(value["message"])
            elif isinstance(value, dict) and "euros" in value:
                params[name] = Euros(Decimal(value["euros"]))
            elif isinstance(value, dict) and "units" in value:
                params[name] = Units(Decimal(value["units"]))
            else:
                params[name] = value
        return cls(data["text"], params)


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
