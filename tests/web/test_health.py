"""`/healthz`: the database answers and the scheduler beat recently."""

from __future__ import annotations

from datetime import timedelta

from persistence import make_session_factory, utcnow
from persistence.jobs import Heartbeat, beat
from scheduling.scheduler import SCHEDULER_HEARTBEAT


def test_healthy_once_the_scheduler_beats(client, engine, session):
    never = client.get("/healthz")
    assert never.status_code == 503
    assert never.get_json() == {"database": "ok", "scheduler": "never seen"}
    beat(make_session_factory(engine), SCHEDULER_HEARTBEAT)
    healthy = client.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.get_json() == {"database": "ok", "scheduler": "ok"}


def test_a_scheduler_silent_for_minutes_is_late(client, session):
    session.add(Heartbeat(name=SCHEDULER_HEARTBEAT, beat_at=utcnow() - timedelta(minutes=5)))
    session.commit()
    late = client.get("/healthz")
    assert late.status_code == 503 and late.get_json()["scheduler"] == "late"


def test_an_unreachable_database_is_told(tmp_path):
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SECRET_KEY": "test-secret-key-0123456789",
        }
    )
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503 and answer.get_json()["database"] == "unreachable"
    app.extensions["coachat.engine"].dispose()
