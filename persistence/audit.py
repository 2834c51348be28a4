"""The audit trail, shared by every domain: who did what, when, to which object.

Every use case that changes data takes the person acting as a keyword-only `actor` and records
its change here, in the same transaction: the event is kept only if the change is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from persistence.base import Base, UTCDateTime, utcnow


class Actor(Protocol):
    """Who acts: a signed-in user (anything with an `id`), or a `Process` acting on its own.

    A protocol rather than the user model, so that the catalog, which knows nothing of accounts,
    can record who changed it.
    """

    @property
    def id(self) -> int | None: ...


@dataclass(frozen=True)
class Process:
    """A change made by a program rather than by a signed-in person: the command line without
    `--as`, the demo loader, the scheduler. Recorded with no user and its `name`."""

    name: str
    id: None = None


COMMAND_LINE = Process("command line")
DEMO_LOADER = Process("demo loader")
SCHEDULER = Process("scheduler")


class AuditEvent(Base):
    """Who did what, when, to which object."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record_event(
    session: Session,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    actor: Actor | None,
    **details: Any,
) -> AuditEvent:
    """Adds an audit event to the current transaction; it is kept only if the change is.

    `actor` None means nobody in particular (tests, data set up by hand); a `Process` is
    recorded by its name under `by`.
    """
    if isinstance(actor, Process):
        details = {"by": actor.name, **details}
    event = AuditEvent(
        user_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    session.add(event)
    return event
