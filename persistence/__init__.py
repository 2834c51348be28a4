"""Shared persistence: the declarative base, column types, database sessions and the unit of work.

It sits below every domain package and knows none of them.
"""

from persistence.base import Base, Money, Quantity, UnitPrice, UTCDateTime, utcnow
from persistence.session import by_name, create_engine_for, make_session_factory
from persistence.unit_of_work import unit_of_work

__all__ = [
    "Base",
    "Money",
    "Quantity",
    "UTCDateTime",
    "UnitPrice",
    "by_name",
    "create_engine_for",
    "make_session_factory",
    "unit_of_work",
    "utcnow",
]
