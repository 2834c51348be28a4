"""Shared persistence: the declarative base, column types and database sessions.

It sits below every domain package and knows none of them.
"""

from persistence.base import Base, Money, Quantity, UnitPrice, UTCDateTime, utcnow
from persistence.session import create_engine_for, make_session_factory

__all__ = [
    "Base",
    "Money",
    "Quantity",
    "UTCDateTime",
    "UnitPrice",
    "create_engine_for",
    "make_session_factory",
    "utcnow",
]
