"""The audit page for leads and admins: who did what and when, filtered, exported as CSV."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime

from purchasing.audit_trail import AuditFilter, AuditRow, actions, audit_events, people
from web import db
from web.access import role_required
from web.audit import blueprint
from web.audit.labels import ACTION_LABELS

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
        page_size=PAGE_SIZE,
    )


def _csv(events: list[AuditRow]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Date", "Personne", "Action", "Objet", "Identifiant", "Détails"])
    for row in events:
        writer.writerow(
            [
                format_datetime(row.event.at, "yyyy-MM-dd HH:mm:ss"),
                row.who,
                str(ACTION_LABELS.get(row.event.action, row.event.action)),
                row.event.object_type,
                row.event.object_id if row.event.object_id is not None else "",
                json.dumps(row.event.details, ensure_ascii=False, sort_keys=True),
            ]
        )
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="journal.csv"'},
    )
