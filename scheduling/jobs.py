"""The background work, as the scheduler process runs it: the pooling loop, e-mail, the
analysis of uploaded price lists, and issuing members' invoices.

Each job function takes the job's session (one transaction, committed with the job's `done`
state by `persistence.jobs.run_claimed`), the job and a progress callback, and calls the use
cases of `rounds` and `batches`, the outbox or the catalog's uploads; the periodic tasks
(closing due rounds, reminding members) each run in one unit of work of their own.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

import optimizer
from infrastructure.smtp import smtp_settings
from mailing.outbox import JOB_KIND as SEND_EMAIL
from mailing.outbox import Purpose, retry_waiting_emails, send_email_job
from money.invoice_requests import (
    BATCH_INVOICES_JOB,
    DUES_JOB,
    issue_requested_batch_invoices,
    issue_requested_dues,
)
from money.issuing import IssuingProgress
from money.reminders import remind_overdue_invoices
from optimizer.frontier import frontier
from optimizer.jsonio import problem_from_dict
from optimizer.jsonout import result_to_dict
from persistence import unit_of_work, utcnow
from persistence.audit import SCHEDULER
from persistence.jobs import (
    Job,
    JobFailed,
    JobFunction,
    Progress,
    recover_stale,
    work_one,
    work_queued,
)
from purchasing.clock import cooperative_today
from purchasing.errors import Conflict, Refused
from purchasing.models import Batch, Notice, Round, Scenario, User
from purchasing.orders.mail import ORDER_EMAIL
from purchasing.orders.mail import PURPOSE as ORDER_EMAIL_PURPOSE
from purchasing.rounds.policies import policy_from_json
from purchasing.rounds.rounds import REMIND_BEFORE, close_round, due_round
from purchasing.tenders.closing import close_due_tenders, scenario_problem
from suppliers.uploads import ANALYSIS_JOB, UploadLimits, analyse_upload

log = logging.getLogger("coachat.jobs")


def close_round_job(session: Session, job: Job, progress: Progress) -> dict[str, Any]:
    """Closes the round the lead asked to close (nothing to do if it closed meanwhile)."""
    progress(10, "pooling")
    try:
        asked_by = session.get(User, job.created_by_id) if job.created_by_id else None
        result = close_round(session, int(job.params["round_id"]), actor=asked_by or SCHEDULER)
    except Conflict:
        return {"already_closed": True}
    return {"batch_id": result.batch_id, "pooled": result.pooled}


def _problem(data: dict[str, Any], policy_json: dict[str, Any]) -> tuple[optimizer.Problem, int]:
    """A batch's problem as it stood at the close (with a tender's quotes for a tender's
    scenario), under the scenario's policy."""
    try:
        problem = problem_from_dict(data)
    except optimizer.InvalidProblem as error:
        raise JobFailed(f"the batch's data cannot be optimised: {error}") from None
    policy = policy_from_json(policy_json)
    try:
        chosen = problem.replace_policy(
            policy.for_optimizer(problem.policy.order_date, problem.policy)
        )
    except optimizer.InvalidProblem as error:  # a collection point the batch was closed without
        raise JobFailed(f"the scenario cannot be optimised: {error}") from None
    return chosen, policy.time_limit


def optimize_scenario_job(session: Session, job: Job, progress: Progress) -> dict[str, Any]:
    """Optimises one scenario of a batch and keeps its result with it."""
    scenario = session.get(Scenario, int(job.params["scenario_id"]))
    if scenario is None:
        raise JobFailed("the scenario no longer exists")
    batch = scenario.batch
    progress(10, "building")
    problem, time_limit = _problem(scenario_problem(session, scenario), scenario.policy)
    progress(30, "solving")
    solution = optimizer.solve(problem, optimizer.SolveOptions(time_limit=float(time_limit)))
    progress(90, "storing")
    result = result_to_dict(solution)
    scenario.result = result
    if scenario.number == 1:
        batch.solver_report = result["report"]
    _tell_leads(session, batch)
    session.flush()
    return {"status": solution.report.status.value}


def frontier_job(session: Session, job: Job, progress: Progress) -> dict[str, Any]:
    """Traces the batch's cost-versus-ecology frontier under its first scenario's policy."""
    batch = session.get(Batch, int(job.params["batch_id"]))
    if batch is None:
        raise JobFailed("the batch no longer exists")
    base = batch.scenarios[0].policy if batch.scenarios else batch.policy
    problem, time_limit = _problem(batch.problem, base)
    points = max(2, min(12, int(job.params.get("points", 6))))
    progress(10, "solving")
    options = optimizer.SolveOptions(time_limit=float(time_limit))
    traced = frontier(problem, points, replace(options, explain=False))
    batch.frontier = [
        {
            "eco_floor": point.eco_floor,
            "total_cost": f"{point.total_cost:.2f}",
            "eco_score": None if point.eco_score is None else f"{point.eco_score:.1f}",
            "needs_unserved": point.needs_unmet,
            "status": point.status.value,
        }
        for point in traced
    ]
    session.flush()
    return {"points": len(traced)}


def analyse_upload_job(session: Session, job: Job, progress: Progress) -> dict[str, Any]:
    """Analyses an uploaded price list; its progress and preview go on the upload's row."""
    upload_id = int(job.params["upload_id"])
    progress(5, "analysing")
    analyse_upload(progress.sessions, upload_id, UploadLimits.from_json(job.params["limits"]))
    return {"upload_id": upload_id}


def _refused(refusal: Refused) -> JobFailed:
    """A refusal met while the job works: the job fails with the refusal's message, kept to be
    translated where the job is shown, and its transaction (nothing issued) is rolled back."""
    return JobFailed(refusal.message.render(), {"refusal": refusal.message.to_data()})


def _asked_by(session: Session, job: Job) -> User | None:
    return session.get(User, job.created_by_id) if job.created_by_id else None


def _issuing_progress(session: Session, progress: Progress) -> IssuingProgress | None:
    """The bar moved from 10 to 95 % as the invoices are issued, on a database that lets
    another connection write while the job's transaction is open. SQLite has one writer: from
    its first number on, the job's transaction holds it until the end, and a progress written
    meanwhile would wait for it; there the bar stays at 10 % until the job ends."""
    if session.get_bind().dialect.name == "sqlite":
        return None
    return lambda done, total: progress(10 + 85 * done // max(total, 1), "issuing")


def issue_batch_invoices_job(session: Session, job: Job, progress: Progress) -> dict[str, Any]:
    """Issues the batch's invoices as the lead who asked, every check made again."""
    batch_id = int(job.params["batch_id"])
    progress(10, "issuing")
    try:
        result = issue_requested_batch_invoices(
            session,
            batch_id,
            cooperative_today(),
            actor=_asked_by(session, job) or SCHEDULER,
            progress=_issuing_progress(session, progress),
        )
    except Refused as refusal:
        raise _refused(refusal) from None
    return {
        "batch_id": batch_id,
        "issued": [invoice.number for invoice in result.issued],
        "waiting": list(result.waiting),
        "already": list(result.already),
    }


def issue_dues_job(session: Session, job: Job, progress: Progress) -> dict[str, Any]:
    """Issues the year's dues as the person who asked, every check made again."""
    year = int(job.params["year"])
    progress(10, "issuing")
    try:
        issued = issue_requested_dues(
            session,
            year,
            cooperative_today(),
            actor=_asked_by(session, job) or SCHEDULER,
            progress=_issuing_progress(session, progress),
        )
    except Refused as refusal:
        raise _refused(refusal) from None
    return {"year": year, "issued": [invoice.number for invoice in issued]}


# What follows once an e-mail of each purpose has gone (money's invoices and reminders next).
EMAIL_PURPOSES: dict[str, Purpose] = {ORDER_EMAIL_PURPOSE: ORDER_EMAIL}


def send_email(session: Session, job: Job, progress: Progress) -> dict[str, Any]:
    """Sends one queued e-mail, then does what its purpose says follows."""
    return send_email_job(session, job, progress, EMAIL_PURPOSES)


JOB_FUNCTIONS: dict[str, JobFunction] = {
    "close_round": close_round_job,
    "optimize_scenario": optimize_scenario_job,
    "frontier": frontier_job,
    SEND_EMAIL: send_email,
    ANALYSIS_JOB: analyse_upload_job,
    BATCH_INVOICES_JOB: issue_batch_invoices_job,
    DUES_JOB: issue_dues_job,
}


def _tell_leads(session: Session, batch: Batch) -> None:
    """A notice on the leads' home that a batch waits for them (once per batch)."""
    known = session.scalar(
        select(Notice.id).where(Notice.kind == "batch_waiting", Notice.batch_id == batch.id)
    )
    if known is None:
        session.add(
            Notice(
                audience="leads",
                kind="batch_waiting",
                batch_id=batch.id,
                round_id=batch.round_id,
                params={"round": batch.round.name},
            )
        )


def close_due_rounds(sessions: sessionmaker[Session], now: datetime | None = None) -> int | None:
    """Closes the open round if its cut-off has passed; returns the batch made, if any.

    Run late (the machine was down over several cut-offs), it still closes one round: the
    next one opens with the rhythm's next cut-off after now."""
    with unit_of_work(sessions) as session:
        due = due_round(session, now)
        if due is None:
            return None
        try:
            result = close_round(session, due.id, actor=SCHEDULER, now=now)
        except Conflict:
            return None
        log.info("round %s closed: %s needs pooled", due.name, result.pooled)
        return result.batch_id


def close_tenders_due(sessions: sessionmaker[Session], now: datetime | None = None) -> list[int]:
    """Closes the tenders whose closing time has passed (their scenarios are then queued);
    returns their ids. Run late, it closes them all at once."""
    with unit_of_work(sessions) as session:
        closed = close_due_tenders(session, actor=SCHEDULER, now=now)
    if closed:
        log.info("tenders closed: %s", ", ".join(str(tender) for tender in closed))
    return closed


def remind_members(sessions: sessionmaker[Session], now: datetime | None = None) -> bool:
    """Two days before a cut-off, a notice on the members' dashboards (once per round)."""
    now = now or utcnow()
    with unit_of_work(sessions) as session:
        soon = session.scalar(
            select(Round).where(
                Round.status == "open",
                Round.reminded_at.is_(None),
                Round.cutoff_at.is_not(None),
                Round.cutoff_at <= now + REMIND_BEFORE,
                Round.cutoff_at > now,
            )
        )
        if soon is None or soon.cutoff_at is None:
            return False
        marked = session.execute(
            update(Round)
            .where(Round.id == soon.id, Round.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if marked.rowcount != 1:  # type: ignore[attr-defined]
            return False
        session.add(
            Notice(
                audience="members",
                kind="cutoff_soon",
                round_id=soon.id,
                params={"cutoff_at": soon.cutoff_at.isoformat()},
                expires_at=soon.cutoff_at,
            )
        )
        return True


def remind_overdue(sessions: sessionmaker[Session], now: datetime | None = None) -> int:
    """Reminds members of their overdue invoices (at most once per invoice every
    `reminder_days`); returns how many invoices were reminded. Nothing while e-mail is off:
    the reminders would only wait in the outbox."""
    if smtp_settings() is None:
        return 0
    with unit_of_work(sessions) as session:
        reminded = remind_overdue_invoices(session, actor=SCHEDULER, now=now)
    if reminded:
        log.info("overdue invoices reminded: %s", ", ".join(r.number for r in reminded))
    return len(reminded)


def work_jobs(
    sessions: sessionmaker[Session], limit: int | None = None, now: datetime | None = None
) -> int:
    """Takes up jobs left by a dead process and e-mails waiting for another attempt, then
    works the queued jobs."""
    with unit_of_work(sessions) as session:
        recovered = recover_stale(session)
        retry_waiting_emails(session, now)
    if recovered:
        log.warning("jobs taken up again after an interruption: %s", recovered)
    return work_queued(sessions, JOB_FUNCTIONS, limit)


def work_job(sessions: sessionmaker[Session], job_id: int) -> Job | None:
    """Works the one job `job_id` (if still queued), leaving every other queued job to the
    scheduler: what a command that queued a job and waits for it runs."""
    return work_one(sessions, job_id, JOB_FUNCTIONS)


def notices_for(session: Session, audience: str, now: datetime | None = None) -> list[Notice]:
    """The current notices for `audience` (`members` or `leads`), newest first."""
    now = now or utcnow()
    query = (
        select(Notice)
        .where(Notice.audience == audience)
        .where((Notice.expires_at.is_(None)) | (Notice.expires_at > now))
        .order_by(Notice.id.desc())
        .limit(5)
    )
    if audience == "leads":
        query = query.join(Batch, Notice.batch_id == Batch.id).where(Batch.status == "proposed")
    return list(session.scalars(query))
