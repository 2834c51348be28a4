"""Engines and sessions: one place that knows how to connect."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def create_engine_for(url: str, **options: Any) -> Engine:
    """An engine for `url`; SQLite gets foreign keys enforced and a busy timeout."""
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(url, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
            dbapi_connection.create_collation(NAME_COLLATION, _compare_names)

        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


NAME_COLLATION = "fr-x-icu"
"""How names are sorted: as a French reader expects, "Écran" with the E's, case aside.
PostgreSQL has it from ICU; SQLite gets a collation of the same name on each connection."""


def _name_key(text: str) -> tuple[str, str]:
    plain = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return plain.casefold(), text


def _compare_names(left: str, right: str) -> int:
    a, b = _name_key(left), _name_key(right)
    return (a > b) - (a < b)


def by_name(column: Any) -> Any:
    """`column` sorted as a French reader expects (see `NAME_COLLATION`)."""
    return column.collate(NAME_COLLATION)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (views render after committing)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
