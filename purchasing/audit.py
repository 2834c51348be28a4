"""The audit trail: who did what, when, to which object."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from purchasing.models import AuditEvent, User


def record(
    session: Session,
    user: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    **details: Any,
) -> AuditEvent:
    """Adds an audit event to the current transaction; it is kept only if the change is."""
    event = AuditEvent(
        user_id=user.id if user is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    session.add(event)
    return event
