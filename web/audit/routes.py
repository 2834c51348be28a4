"""The audit page for leads and admins: who did what and when, filtered, exported as CSV."""

from __future__ import annotations

import csv
import io

from flask import Response, render_template, request
from flask_babel import format_datetime

from purchasing.audit_trail import AuditFilter, actions, audit_events, people
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

PAGE_SIZE = 100


def _filter() -> AuditFilter:
    args = request.args
    person = args.get("person", "")
    return AuditFilter(
        person_id=int(person) if person.isdigit() else None,
        process=person if person and not person.isdigit() else "",
        action=args.get("action", ""),
        object_type=args.get("object", ""),
        object_id=args.get("object_id", ""),
        since=args.get("since", ""),
        until=args.get("until", ""),
    )


@blueprint.get("/audit")
@role_required("lead")
def audit():  # type: ignore[no-untyped-def]
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


def _csv(events) -> Response:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Date", "Personne", "Action", "Objet", "Identifiant", "Détails"])
    for row in events:
        writer.writerow(
            [
                format_datetime(row.event.at, "yyyy-MM-dd HH:mm:ss"),
                str(PROCESS_LABELS.get(row.who, row.who)),
                str(ACTION_LABELS.get(row.event.action, row.event.action)),
                object_text(row.event.object_type, None, row.event.details),
                row.event.object_id if row.event.object_id is not None else "",
                details_text(row.event.action, row.event.details),
            ]
        )
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="journal.csv"'},
    )
