"""One database session per request; it commits only when a view says so."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from persistence import create_engine_for, make_session_factory


def init_app(app: Flask) -> None:
    engine = create_engine_for(app.config["DATABASE_URL"])
    app.extensions["coachat.engine"] = engine
    app.extensions["coachat.sessions"] = make_session_factory(engine)
    app.teardown_appcontext(_close)


def session() -> Session:
    """The current request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["coachat.sessions"]()
    return g.db_session


def _close(_exc: BaseException | None) -> None:
    # Closing rolls back whatever the view did not commit.
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
