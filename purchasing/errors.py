"""Errors the purchasing use cases raise: the same as the catalog's, so that the interface
shows every refusal the same way, and `NotAllowed` for what the actor's role does not allow."""

from __future__ import annotations

from suppliers.errors import N_, Conflict, Euros, Invalid, Message, NotFound, Refused, Units

__all__ = [
    "N_",
    "Conflict",
    "Euros",
    "Invalid",
    "Message",
    "NotAllowed",
    "NotFound",
    "Refused",
    "Units",
]


class NotAllowed(Refused):
    """Who acts may not do this (`purchasing.permissions` says who may do what): answered 403
    by pages and the API, exit code 2 on the command line."""
