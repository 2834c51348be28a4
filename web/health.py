"""`/healthz` for a load balancer: the database answers, and the scheduler beat recently."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from persistence import utcnow
from persistence.jobs import last_beat
from scheduling.scheduler import SCHEDULER_HEARTBEAT
from web import db

SCHEDULER_LATE_AFTER = timedelta(minutes=2)


def healthz() -> ResponseReturnValue:
    """200 when the database answers and the scheduler beat within two minutes; 503 with what
    is wrong otherwise. Says nothing else about the installation."""
    try:
        session = db.session()
        session.execute(text("SELECT 1"))
        beat_at = last_beat(session, SCHEDULER_HEARTBEAT)
    except SQLAlchemyError:
        return jsonify(database="unreachable", scheduler="unknown"), 503
    if beat_at is None:
        scheduler = "never seen"
    elif utcnow() - beat_at > SCHEDULER_LATE_AFTER:
        scheduler = "late"
    else:
        scheduler = "ok"
    return jsonify(database="ok", scheduler=scheduler), 200 if scheduler == "ok" else 503


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
