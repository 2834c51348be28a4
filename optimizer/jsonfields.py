"""Reading a stored JSON document key by key, each error naming its place (``orders[2].fee``):
what :func:`optimizer.jsonio.result_from_dict` reads a result with."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import NoReturn

from optimizer.problem import InvalidProblem

_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


class InvalidResult(InvalidProblem):
    """A stored result that cannot be read back: ``path`` says where, ``reason`` says why."""


class Fields:
    """One JSON object of a result, read key by key; an error names its place."""

    def __init__(self, data: object, place: str) -> None:
        if not isinstance(data, Mapping):
            raise InvalidResult(place or "(document)", f"must be an object, got {data!r:.60}")
        self.data, self.place = data, place

    def _at(self, key: str) -> str:
        return f"{self.place}.{key}" if self.place else key

    def _fail(self, key: str, wanted: str, value: object) -> NoReturn:
        raise InvalidResult(self._at(key), f"must be {wanted}, got {value!r:.60}")

    def id(self, key: str) -> str:
        """A required id (the writer gives strings; a whole number is taken as its digits)."""
        value = self.data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not value:
            self._fail(key, "an id", value)
        return value

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            self._fail(key, "a string", value)
        return value

    def optional_decimal(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            self._fail(key, "a decimal number", value)
        number = Decimal(str(value)) if _DECIMAL.match(str(value)) else Decimal("NaN")
        if not number.is_finite():
            self._fail(key, "a decimal number", value)
        return number

    def decimal(self, key: str) -> Decimal:
        number = self.optional_decimal(key)
        return Decimal(0) if number is None else number

    def optional_float(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            self._fail(key, "a number", value)
        return float(value)

    def whole(self, key: str) -> int:
        value = self.data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(key, "a whole number", value)
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self._fail(key, "true or false", value)
        return value

    def choice[E: Enum](self, key: str, kind: type[E]) -> E:
        """One of the values of the enumeration ``kind``."""
        value = self.data.get(key)
        try:
            return kind(value)
        except (TypeError, ValueError):
            self._fail(key, "one of " + ", ".join(repr(m.value) for m in kind), value)

    def one_of(self, key: str, values: tuple[str, ...]) -> str:
        value = self.data.get(key)
        if value not in values:
            self._fail(key, "one of " + ", ".join(map(repr, values)), value)
        return str(value)

    def objects(self, key: str) -> list[Fields]:
        """The objects of a list (none when the key is left out)."""
        items = self.data.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            self._fail(key, "a list", items)
        return [Fields(item, f"{self._at(key)}[{i}]") for i, item in enumerate(items)]

    def object(self, key: str) -> Fields | None:
        value = self.data.get(key)
        return None if value is None else Fields(value, self._at(key))

    def ids(self, key: str) -> tuple[str, ...]:
        items = self.data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            self._fail(key, "a list of ids", items)
        return tuple(items)
