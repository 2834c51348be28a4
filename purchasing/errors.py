"""Errors the purchasing use cases raise: the same as the catalog's, so that the interface
shows every refusal the same way."""

from __future__ import annotations

from suppliers.errors import N_, Conflict, Euros, Invalid, Message, NotFound, Refused, Units

__all__ = ["N_", "Conflict", "Euros", "Invalid", "Message", "NotFound", "Refused", "Units"]
