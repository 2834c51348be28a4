"""Issuing invoices as long work: the lead asks, the scheduler issues.

Issuing a batch's invoices or the year's dues builds a Factur-X file per member, too long
for a web request. Asking checks at once what can be checked (who asks, the batch's state,
something left to invoice) and queues one job; asking again while it waits or runs gives the
same job. The job issues through the same use cases, whose checks run again then (the batch
may have changed meanwhile): a refusal there issues nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from money.dues import check_year, dues_to_issue, issue_dues
from money.invoice_batches import plan_batch_invoices
from money.invoicing import BatchInvoicing, issue_batch_invoices
from money.issuing import IssuingProgress
from money.journal import billing_settings
from money.models import BillingSettings, MemberInvoice
from persistence.audit import Actor, record_event
from persistence.jobs import Job, active_job, enqueue
from purchasing.errors import N_, Conflict, Message, NotFound
from purchasing.models import Batch
from purchasing.permissions import ISSUE_INVOICES, require

BATCH_INVOICES_JOB = "issue_batch_invoices"
DUES_JOB = "issue_dues"
ISSUING_JOBS = (BATCH_INVOICES_JOB, DUES_JOB)
NOTHING_FOR_THE_BATCH = Message(N_("No invoice to issue for this batch now."))
NOTHING_FOR_THE_YEAR = Message(N_("Every member with dues is invoiced for that year already."))


class NothingToInvoice(Conflict):
    """Nothing is left to issue: every member is invoiced already, or its goods are still on
    their way (`waiting` names them)."""

    def __init__(self, message: Message, waiting: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.waiting = tuple(waiting)


def issuing_job(session: Session, job_id: int) -> Job:
    """The job issuing a batch's invoices or a year's dues numbered `job_id`; `NotFound` for
    any other job."""
    job = session.get(Job, job_id)
    if job is None or job.kind not in ISSUING_JOBS:
        raise NotFound(Message(N_("No such job.")))
    return job


def batch_issuing(session: Session, batch_id: int) -> Job | None:
    """The job issuing the batch's invoices while it waits or runs, if any."""
    return active_job(session, BATCH_INVOICES_JOB, batch_id=batch_id)


def _asker(actor: Actor | None) -> int | None:
    return actor.id if actor is not None else None


def request_batch_invoices(session: Session, batch_id: int, *, actor: Actor | None) -> Job:
    """Queues the issuing of the batch's invoices for the scheduler, after the checks that
    issuing makes: who asks, a batch ordered, someone left to invoice (`NothingToInvoice`
    otherwise). Asking again while the job waits or runs gives the same job: the batch's row
    stays locked until the asking transaction ends, so two leads asking at once queue one.
    Audited."""
    require(actor, ISSUE_INVOICES)
    batch = session.get(Batch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound(Message(N_("No such batch.")))
    running = batch_issuing(session, batch.id)
    if running is not None:
        return running
    plan = plan_batch_invoices(session, batch.id, actor=actor)
    if not plan.to_issue:
        raise NothingToInvoice(NOTHING_FOR_THE_BATCH, plan.waiting)
    job = enqueue(session, BATCH_INVOICES_JOB, {"batch_id": batch.id}, actor_id=_asker(actor))
    record_event(session, "invoice.issue_requested", "batch", batch.id, actor=actor, job=job.id)
    return job


def issue_requested_batch_invoices(
    session: Session,
    batch_id: int,
    today: date,
    *,
    actor: Actor | None,
    progress: IssuingProgress | None = None,
) -> BatchInvoicing:
    """What the job asked for by `request_batch_invoices` does: issues the batch's invoices,
    every check made again, telling `progress` how far it is; `NothingToInvoice` when nothing
    is left to issue by now."""
    result = issue_batch_invoices(session, batch_id, today, actor=actor, progress=progress)
    if not result.issued:
        raise NothingToInvoice(NOTHING_FOR_THE_BATCH, result.waiting)
    return result


def request_dues(session: Session, year: int, today: date, *, actor: Actor | None) -> Job:
    """Queues the issuing of the year's dues for the scheduler, after the checks that issuing
    makes: who asks, a plausible year, a member left to invoice (`NothingToInvoice`
    otherwise). Asking again while the job waits or runs gives the same job: the billing
    settings' row stays locked until the asking transaction ends, so two admins asking at
    once queue one. Audited."""
    require(actor, ISSUE_INVOICES)
    check_year(year, today)
    billing_settings(session)  # the row to lock exists from then on
    session.get(BillingSettings, 1, with_for_update=True)
    running = active_job(session, DUES_JOB, year=year)
    if running is not None:
        return running
    if not dues_to_issue(session, year):
        raise NothingToInvoice(NOTHING_FOR_THE_YEAR)
    job = enqueue(session, DUES_JOB, {"year": year}, actor_id=_asker(actor))
    record_event(
        session, "invoice.dues_requested", "billing_settings", 1, actor=actor, job=job.id, year=year
    )
    return job


def issue_requested_dues(
    session: Session,
    year: int,
    today: date,
    *,
    actor: Actor | None,
    progress: IssuingProgress | None = None,
) -> list[MemberInvoice]:
    """What the job asked for by `request_dues` does: issues the year's dues, every check made
    again, telling `progress` how far it is; `NothingToInvoice` when every member is invoiced
    by now."""
    issued = issue_dues(session, year, today, actor=actor, progress=progress)
    if not issued:
        raise NothingToInvoice(NOTHING_FOR_THE_YEAR)
    return issued
