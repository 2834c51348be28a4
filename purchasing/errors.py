"""Errors the purchasing use cases raise: those of the catalog, and one of their own."""

from __future__ import annotations

from suppliers.errors import N_, Invalid, Message, NotFound, Refused

__all__ = ["N_", "Conflict", "Invalid", "Message", "NotFound", "Refused"]


class Conflict(Refused):
    """The object changed state meanwhile (for instance a need was pooled)."""
