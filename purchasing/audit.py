"""The audit trail of the purchasing use cases: who did what, when, to which object."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from persistence.audit import AuditEvent, record_event
from purchasing.models import User


def record(
    session: Session,
    user: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    **details: Any,
) -> AuditEvent:
    """Adds an audit event to the current transaction; it is kept only if the change is."""
    return record_event(
        session, user.id if user is not None else None, action, object_type, object_id, **details
    )
