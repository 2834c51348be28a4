"""The audit page for leads and admins: who did what and when, filtered, exported as CSV."""

from __future__ import annotations

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime

from infrastructure.csv_file import CONTENT_TYPE as CSV_CONTENT_TYPE
from infrastructure.csv_file import csv_bytes
from purchasing.audit_trail import AuditFilter, AuditRow, actions, audit_events, people
from web import db
from web.access import role_required
from web.audit import blueprint
from web.audit.labels import (
    ACTION_LABELS,
    OBJECT_LABELS,
    PROCESS_LABELS,
    details_text,
    object_text,
)
from web.outgoing import download
from web.params import id_arg

PAGE_SIZE = 100


def _filter() -> AuditFilter:
    args = request.args
    # A person is a user's id or the name of a process (the scheduler, the command line).
    person = args.get("person", "").strip()
    is_user = person[:1].isascii() and person[:1].isdigit()
    return AuditFilter(
        person_id=id_arg("person") if is_user else None,
        process=person if not is_user else "",
        action=args.get("action", ""),
        object_type=args.get("object", ""),
        object_id=args.get("object_id", ""),
        since=args.get("since", ""),
        until=args.get("until", ""),
    )


@blueprint.get("/audit")
@role_required("lead")
def audit() -> ResponseReturnValue:
    session = db.session()
    wanted = _filter()
    events, invalid = audit_events(session, wanted, limit=PAGE_SIZE)
    if request.args.get("format") == "csv":
        return _csv(audit_events(session, wanted, limit=None)[0])
    return render_template(
        "audit/audit.html",
        events=events,
        wanted=wanted,
        invalid=invalid,
        people=people(session),
        actions=actions(session),
        action_labels=ACTION_LABELS,
        object_labels=sorted(((k, str(v)) for k, v in OBJECT_LABELS.items()), key=lambda kv: kv[1]),
        process_labels=PROCESS_LABELS,
        object_text=object_text,
        details_text=details_text,
        page_size=PAGE_SIZE,
    )


def _csv(events: list[AuditRow]) -> Response:
    rows: list[list[object]] = [["Date", "Personne", "Action", "Objet", "Identifiant", "Détails"]]
    for row in events:
        rows.append(
            [
                format_datetime(row.event.at, "yyyy-MM-dd HH:mm:ss"),
                str(PROCESS_LABELS.get(row.who, row.who)),
                str(ACTION_LABELS.get(row.event.action, row.event.action)),
                object_text(row.event.object_type, None, row.event.details),
                row.event.object_id if row.event.object_id is not None else "",
                details_text(row.event.action, row.event.details),
            ]
        )
    return download(csv_bytes(rows), "journal.csv", CSV_CONTENT_TYPE, private=True)
