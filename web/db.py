"""The web application's transaction boundary: one session per request, committed once.

Views call use cases, which only flush. When the view has answered, the request's changes are
committed if the response is not an error (status below 400) and rolled back otherwise, as a
refused form (422), a missing object (404) or an unexpected error (500) must change nothing.
A view that answers a refusal with a redirect says so with `discard_changes()` (the error
helpers in `web.errors` do it); the rare view that must keep what a refusal recorded says so
with `keep_changes()`. No view commits or rolls back by itself (a test checks it).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session

from persistence import create_engine_for, make_session_factory


def init_app(app: Flask) -> None:
    use_database(app, app.config["DATABASE_URL"])
    app.after_request(_end_transaction)
    app.teardown_appcontext(_close)


def use_database(app: Flask, url: str) -> None:
    """Points the application's sessions at the database `url`. The engine it used before is
    the caller's to dispose of (the tests point one application at each test's database)."""
    engine = create_engine_for(url)
    app.config["DATABASE_URL"] = url
    app.extensions["coachat.engine"] = engine
    app.extensions["coachat.sessions"] = make_session_factory(engine)


def session() -> Session:
    """The current request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["coachat.sessions"]()
    return g.db_session


def discard_changes() -> None:
    """This request was refused although its response is not an error (a flash and a
    redirect): whatever it changed is rolled back."""
    g.db_outcome = "discard"


def keep_changes() -> None:
    """This request's changes are committed even though it was refused: for a refusal that
    itself records something (the refreshed preview of a file found invalid on import)."""
    g.db_outcome = "keep"


def after_commit(work: Callable[[], None]) -> None:
    """Runs `work` once the request's changes are committed (never if they are rolled back):
    for work that must see them from another session, such as analysing an upload."""
    g.setdefault("db_after_commit", []).append(work)


def _end_transaction(response: Response) -> Response:
    db_session: Session | None = g.get("db_session")
    if db_session is None:
        return response
    outcome = g.pop("db_outcome", None)
    if outcome == "keep" or (outcome is None and response.status_code < 400):
        db_session.commit()
        for work in g.pop("db_after_commit", []):
            work()
    else:
        db_session.rollback()
    return response


def _close(_exc: BaseException | None) -> None:
    # Closing rolls back whatever was not committed (a request that ended in an exception).
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
