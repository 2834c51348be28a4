"""Long work with its state in the database: queued, running with progress, done or failed.

A job is a row. Whoever wants work done adds a queued job in its own transaction (so the job
exists exactly when the change that asked for it does); the scheduler process claims queued
jobs one at a time, runs them, and records how they ended. A claim is a conditional update,
so two workers never run the same job. A running job beats a heartbeat; a job whose heartbeat
stopped (its process was killed) is queued again, or failed once it has been tried too often.

Domain packages say what each kind of job does; this module only keeps the bookkeeping.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from persistence.base import Base, UTCDateTime, utcnow
from persistence.unit_of_work import unit_of_work

JOB_STATUSES = ("queued", "running", "done", "failed")
ACTIVE_JOB_STATUSES = ("queued", "running")
MAX_ATTEMPTS = 3
HEARTBEAT_SECONDS = 5.0
STALE_AFTER = timedelta(seconds=60)


class Job(Base):
    """One piece of long work and how it is going."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(
            f"status IN {JOB_STATUSES!r}",
            name="status_known",
        ),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(120), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(120), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_JOB_STATUSES


class JobFailed(Exception):
    """A job cannot do its work; the message is what the lead reads on the page. `result`,
    kept as the failed job's result, says more to whoever shows it (a refusal's message
    to translate)."""

    def __init__(self, reason: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.result = dict(result or {})


def enqueue(
    session: Session,
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    actor_id: int | None = None,
) -> Job:
    """Adds a queued job to the current transaction (it exists only if the transaction commits)."""
    job = Job(kind=kind, params=dict(params or {}), status="queued", created_by_id=actor_id)
    session.add(job)
    session.flush()
    return job


def active_job(session: Session, kind: str, **params: Any) -> Job | None:
    """The queued or running job of `kind` whose parameters include `params`, if any."""
    jobs = session.scalars(
        select(Job).where(Job.kind == kind, Job.status.in_(ACTIVE_JOB_STATUSES)).order_by(Job.id)
    )
    for job in jobs:
        if all(job.params.get(key) == value for key, value in params.items()):
            return job
    return None


def worker_name() -> str:
    """Names this process in the jobs it claims: host, process id and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:120]


def claim_next(sessions: Callable[[], Session], kinds: tuple[str, ...] | None = None) -> int | None:
    """Claims the oldest queued job, each claim in a transaction of its own; returns its id, or
    None when there is nothing to do.

    The claim is a conditional update: of two workers that pick the same job, only the one
    whose update finds it still queued gets it."""
    query = select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(20)
    if kinds is not None:
        query = query.where(Job.kind.in_(kinds))
    with unit_of_work(sessions, commit=False) as session:
        candidates = list(session.scalars(query))
    for job_id in candidates:
        if claim(sessions, job_id):
            return job_id
    return None


def claim(sessions: Callable[[], Session], job_id: int) -> bool:
    """Claims the job `job_id` if it is still queued, in a transaction of its own; says whether
    this worker got it (a conditional update: of two claims, one wins)."""
    now = utcnow()
    with unit_of_work(sessions) as session:
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued")
            .values(
                status="running",
                worker=worker_name(),
                started_at=now,
                heartbeat_at=now,
                attempts=Job.attempts + 1,
                progress=0,
                error="",
            )
        )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def recover_stale(session: Session, now: datetime | None = None) -> list[int]:
    """Jobs left running by a process that died go back to the queue, or fail once they have
    been tried `MAX_ATTEMPTS` times; returns their ids. Flushes; the caller commits."""
    now = now or utcnow()
    stale = list(
        session.scalars(
            select(Job).where(
                Job.status == "running",
                (Job.heartbeat_at.is_(None)) | (Job.heartbeat_at < now - STALE_AFTER),
            )
        )
    )
    for job in stale:
        if job.attempts >= MAX_ATTEMPTS:
            job.status = "failed"
            job.error = "interrupted"
            job.finished_at = now
        else:
            job.status = "queued"
            job.worker = ""
            job.step = ""
    session.flush()
    return [job.id for job in stale]


@dataclass
class Progress:
    """How a running job tells how far it is: each call commits in a session of its own, so
    the page sees it while the job's own transaction is still open."""

    sessions: sessionmaker[Session]
    job_id: int

    def __call__(self, percent: int, step: str = "") -> None:
        with unit_of_work(self.sessions) as session:
            session.execute(
                update(Job)
                .where(Job.id == self.job_id, Job.status == "running")
                .values(progress=max(0, min(100, percent)), step=step[:120], heartbeat_at=utcnow())
            )


@contextmanager
def heartbeat(sessions: sessionmaker[Session], job_id: int) -> Iterator[None]:
    """Beats the job's heartbeat every few seconds while the block runs (a long solve cannot)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                with unit_of_work(sessions) as session:
                    session.execute(
                        update(Job)
                        .where(Job.id == job_id, Job.status == "running")
                        .values(heartbeat_at=utcnow())
                    )
            except Exception:
                continue

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


JobFunction = Callable[[Session, Job, Progress], dict[str, Any] | None]


def run_claimed(
    sessions: sessionmaker[Session], job_id: int, functions: dict[str, JobFunction]
) -> Job:
    """Runs a claimed job: its function works in one transaction that commits with the job's
    `done` state, or rolls back and records the failure in a transaction of its own."""
    progress = Progress(sessions, job_id)
    try:
        with heartbeat(sessions, job_id), unit_of_work(sessions) as session:
            job = session.get(Job, job_id)
            if job is None or job.status != "running":
                raise LookupError(f"job {job_id} is not running")
            function = functions.get(job.kind)
            if function is None:
                raise JobFailed(f"unknown kind of job {job.kind!r}")
            result = function(session, job, progress)
            job.status = "done"
            job.progress = 100
            job.step = ""
            job.result = result or {}
            job.finished_at = utcnow()
    except Exception as error:
        reason = str(error) if isinstance(error, JobFailed) else f"{type(error).__name__}: {error}"
        with unit_of_work(sessions) as session:
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "running")
                .values(
                    status="failed",
                    error=reason[:2000],
                    result=error.result if isinstance(error, JobFailed) else {},
                    finished_at=utcnow(),
                )
            )
    with unit_of_work(sessions) as session:
        finished = session.get(Job, job_id)
        assert finished is not None
        session.expunge(finished)
        return finished


def work_queued(
    sessions: sessionmaker[Session],
    functions: dict[str, JobFunction],
    limit: int | None = None,
) -> int:
    """Claims and runs queued jobs until none is left (or `limit` were run); returns how many."""
    done = 0
    while limit is None or done < limit:
        job_id = claim_next(sessions, tuple(functions))
        if job_id is None:
            break
        run_claimed(sessions, job_id, functions)
        done += 1
    return done


def work_one(
    sessions: sessionmaker[Session], job_id: int, functions: dict[str, JobFunction]
) -> Job | None:
    """Runs the job `job_id` now, and no other, if it is still queued; None when another
    worker has it or it has run already."""
    if not claim(sessions, job_id):
        return None
    return run_claimed(sessions, job_id, functions)


class Heartbeat(Base):
    """When a long-running process (the scheduler) last said it was alive."""

    __tablename__ = "process_heartbeat"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    worker: Mapped[str] = mapped_column(String(120), default="")


def beat(sessions: Callable[[], Session], name: str) -> None:
    """Records that the process `name` is alive now, in a transaction of its own."""
    with unit_of_work(sessions) as session:
        found = session.get(Heartbeat, name)
        if found is None:
            session.add(Heartbeat(name=name, beat_at=utcnow(), worker=worker_name()))
        else:
            found.beat_at = utcnow()
            found.worker = worker_name()


def last_beat(session: Session, name: str) -> datetime | None:
    """When the process `name` last beat, if ever."""
    found = session.get(Heartbeat, name)
    return found.beat_at if found is not None else None
