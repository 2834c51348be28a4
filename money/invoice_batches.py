"""A batch's invoices as the lead handles them together: what issuing them would do (told on
the confirmation page before anything is issued), and the batch's Factur-X files as one ZIP
for the cooperative's approved platform (PDP), which reads each file's embedded XML."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from money.invoicing import batch_lines, invoiced_members
from money.models import MemberInvoice
from money.sending import document_file_name
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Message, NotFound
from purchasing.models import Batch
from purchasing.permissions import ISSUE_INVOICES, require
from purchasing.statements.statements import members_of_batch

# A fixed time in the archive, so that the same files make the same ZIP.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class BatchInvoicingPlan:
    """What issuing the batch's invoices would do now: the members invoiced, those whose
    goods are still on their way, and those invoiced already."""

    batch: Batch
    to_issue: tuple[str, ...]
    waiting: tuple[str, ...]
    already: tuple[str, ...]


def _batch(session: Session, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(Message(N_("No such batch.")))
    return batch


def plan_batch_invoices(
    session: Session, batch_id: int, *, actor: Actor | None
) -> BatchInvoicingPlan:
    """What `issue_batch_invoices` would issue now, issuing nothing; `Conflict` for a batch
    that was never ordered."""
    require(actor, ISSUE_INVOICES)
    batch = _batch(session, batch_id)
    if batch.status not in ("ordered", "closed"):
        raise Conflict(Message(N_("Only the batch of an order placed can be invoiced.")))
    done = invoiced_members(session, batch.id)
    to_issue, waiting, already = [], [], []
    for member in members_of_batch(session, batch.id):
        if member.id in done:
            already.append(member.name)
            continue
        try:
            lines = batch_lines(session, batch, member)
        except Conflict:
            waiting.append(member.name)
            continue
        if lines:
            to_issue.append(member.name)
    return BatchInvoicingPlan(batch, tuple(to_issue), tuple(waiting), tuple(already))


def batch_documents(session: Session, batch_id: int) -> list[MemberInvoice]:
    """The batch's invoices and the credit notes on them, in the order of their numbers."""
    invoices = select(MemberInvoice.id).where(MemberInvoice.batch_id == batch_id)
    return list(
        session.scalars(
            select(MemberInvoice)
            .where((MemberInvoice.batch_id == batch_id) | MemberInvoice.corrects_id.in_(invoices))
            .order_by(MemberInvoice.kind.desc(), MemberInvoice.year, MemberInvoice.sequence)
        )
    )


def batch_facturx_zip(session: Session, batch_id: int, *, actor: Actor | None) -> tuple[str, bytes]:
    """The batch's Factur-X files (invoices, then credit notes) as one ZIP, each under its
    number, exactly as issued; `Conflict` while the batch has none. Audited."""
    require(actor, ISSUE_INVOICES)
    batch = _batch(session, batch_id)
    documents = batch_documents(session, batch.id)
    if not documents:
        raise Conflict(Message(N_("This batch has no invoice yet.")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            info = zipfile.ZipInfo(document_file_name(document), ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, document.facturx)
    record_event(
        session,
        "invoice.export",
        "batch",
        batch.id,
        actor=actor,
        numbers=[document.number for document in documents],
    )
    return f"factur-x-lot-{batch.id}.zip", buffer.getvalue()
