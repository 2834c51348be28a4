"""Reading the audit trail: events filtered by person, kind of action, object and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from persistence.audit import AuditEvent
from persistence.ids import parse_id
from purchasing.clock import COOPERATIVE_TIMEZONE
from purchasing.errors import N_, Message
from purchasing.models import User
from purchasing.parsing import parse_date


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; blank fields do not filter. `process` names a program
    (`scheduler`, `supplier`, ...) rather than a person."""

    person_id: int | None = None
    process: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: str = ""
    until: str = ""


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    who: str


def _day_start(day_text: str, *, after: bool = False) -> datetime | None:
    day = parse_date(day_text)
    if day is None:
        return None
    if after:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), COOPERATIVE_TIMEZONE).astimezone(UTC)


def audit_events(
    session: Session, wanted: AuditFilter, limit: int | None = 100
) -> tuple[list[AuditRow], dict[str, Message]]:
    """The events that match, newest first, with who did each; and the filter fields that
    could not be read (they are ignored)."""
    invalid: dict[str, Message] = {}
    query = select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.user_id)
    if wanted.person_id is not None:
        query = query.where(AuditEvent.user_id == wanted.person_id)
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.object_type:
        query = query.where(AuditEvent.object_type == wanted.object_type)
    if wanted.object_id:
        object_id = parse_id(wanted.object_id)
        if object_id is not None:
            query = query.where(AuditEvent.object_id == object_id)
        else:
            invalid["object_id"] = Message(N_("Enter a number."))
    for name, text, after in (("since", wanted.since, False), ("until", wanted.until, True)):
        if not text:
            continue
        bound = _day_start(text, after=after)
        if bound is None:
            invalid[name] = Message(N_("Enter a date as DD/MM/YYYY."))
        elif after:
            query = query.where(AuditEvent.at < bound)
        else:
            query = query.where(AuditEvent.at >= bound)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if limit is not None and not wanted.process:
        query = query.limit(limit)
    rows = []
    for event, name in session.execute(query):
        process = str(event.details.get("by", "")) if event.details else ""
        if wanted.process and (event.user_id is not None or process != wanted.process):
            continue
        rows.append(AuditRow(event, name or process or "—"))
        if limit is not None and len(rows) >= limit:
            break
    return rows, invalid


def people(session: Session) -> list[User]:
    """Those who appear in the trail, by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.id.in_(select(AuditEvent.user_id).where(AuditEvent.user_id.is_not(None))))
            .order_by(User.name)
        )
    )


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


PROCESSES = ("scheduler", "supplier", "command line", "demo loader")
OBJECT_TYPES = ("batch", "purchase_order", "round", "need", "category", "offer", "supplier")
