"""The scheduler process (`coachat scheduler`): the one place periodic work runs.

APScheduler keeps its jobs in the application database (SQLAlchemy job store), each with an
explicit id, `coalesce` (runs missed while the machine was down are caught up once, not once
per missed slot), one instance at a time, and a real misfire grace time. The periodic jobs are:
closing the round whose cut-off has passed, closing the tenders whose closing time has
passed, reminding members two days before a cut-off,
reminding members of their overdue invoices (hourly; each invoice at most once per
`reminder_days`), and working the queued background jobs (optimisations, frontiers, closings
asked by hand). Every one of them is safe to run from two processes at once: the work itself
is claimed with conditional updates in the database.

Never started inside the web application or its workers.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from persistence import create_engine_for, make_session_factory
from persistence.jobs import beat
from purchasing.clock import COOPERATIVE_TIMEZONE
from scheduling.jobs import (
    close_due_rounds,
    close_tenders_due,
    remind_members,
    remind_overdue,
    work_jobs,
)

log = logging.getLogger("coachat.scheduler")

MISFIRE_GRACE_SECONDS = 6 * 3600
SCHEDULER_HEARTBEAT = "scheduler"
"""The name the scheduler beats under (see `persistence.jobs.beat` and `/healthz`)."""
_SESSIONS: dict[str, tuple[Engine, sessionmaker[Session]]] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Rhythms:
    """How often each periodic job runs, in seconds."""

    close_due: float = 15.0
    work: float = 2.0
    remind: float = 600.0
    overdue: float = 3600.0


def _connected(database_url: str) -> tuple[Engine, sessionmaker[Session]]:
    with _LOCK:
        if database_url not in _SESSIONS:
            engine = create_engine_for(database_url)
            _SESSIONS[database_url] = (engine, make_session_factory(engine))
        return _SESSIONS[database_url]


def _sessions(database_url: str) -> sessionmaker[Session]:
    return _connected(database_url)[1]


def dispose_engines() -> None:
    """Closes this process's database connections (after the scheduler has shut down)."""
    with _LOCK:
        for engine, _ in _SESSIONS.values():
            engine.dispose()
        _SESSIONS.clear()


# The job store keeps references to these module-level functions and their arguments.
def run_close_due_rounds(database_url: str) -> None:
    close_due_rounds(_sessions(database_url))


def run_close_tenders(database_url: str) -> None:
    close_tenders_due(_sessions(database_url))


def run_remind_members(database_url: str) -> None:
    remind_members(_sessions(database_url))


def run_remind_overdue(database_url: str) -> None:
    remind_overdue(_sessions(database_url))


def run_work_jobs(database_url: str) -> None:
    sessions = _sessions(database_url)
    beat(sessions, SCHEDULER_HEARTBEAT)
    work_jobs(sessions)


def build_scheduler(database_url: str, rhythms: Rhythms | None = None) -> BackgroundScheduler:
    """A scheduler with the loop's periodic jobs, stored in the application database."""
    rhythms = rhythms or Rhythms()
    engine, _ = _connected(database_url)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs")},
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
        timezone=COOPERATIVE_TIMEZONE,
    )
    periodic: list[tuple[str, Any, float]] = [
        ("coachat-close-due-rounds", run_close_due_rounds, rhythms.close_due),
        ("coachat-close-due-tenders", run_close_tenders, rhythms.close_due),
        ("coachat-work-jobs", run_work_jobs, rhythms.work),
        ("coachat-remind-members", run_remind_members, rhythms.remind),
        ("coachat-remind-overdue-invoices", run_remind_overdue, rhythms.overdue),
    ]
    for job_id, function, seconds in periodic:
        scheduler.add_job(
            function,
            "interval",
            seconds=seconds,
            args=[database_url],
            id=job_id,
            name=job_id,
            replace_existing=True,
        )
    return scheduler


def serve(database_url: str, rhythms: Rhythms | None = None) -> None:
    """Runs the scheduler until SIGINT or SIGTERM; running jobs are finished first."""
    scheduler = build_scheduler(database_url, rhythms)
    stop = threading.Event()

    def ask_to_stop(signum: int, _frame: object) -> None:
        log.info("scheduler stopping (signal %s)", signum)
        stop.set()

    signal.signal(signal.SIGINT, ask_to_stop)
    signal.signal(signal.SIGTERM, ask_to_stop)
    scheduler.start()
    log.info("scheduler started")
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        dispose_engines()
