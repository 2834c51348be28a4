"""The transaction boundary of work that runs outside a web request: a command, a job.

Use cases only flush; whoever calls them owns one transaction, and this is how it is owned
outside the web application (which has its own boundary, one per request, in `web.db`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def unit_of_work(sessions: Callable[[], Session], *, commit: bool = True) -> Iterator[Session]:
    """A session from `sessions` that commits if the block ends normally and rolls back if it
    raises; `commit=False` rolls back in every case (a dry run, a read). The session is closed
    either way.

        with unit_of_work(sessions) as session:
            close_round(session, round_id, actor=SCHEDULER)
    """
    session = sessions()
    try:
        yield session
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
