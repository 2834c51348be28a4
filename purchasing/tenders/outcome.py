"""What follows a tender once the batch is decided.

While a tender of the batch is open the batch cannot be approved (its quotes are not in yet),
nor can a scenario that buys from a supplier that came by a tender before the lead checked it.
Once the batch is approved, the suppliers whose quotes were used get their purchase orders as
usual (the orders are made from the allocations, which point to the tender's offers as to any
other); the others who quoted are told, once, that their quote was not retained. The lead may
then keep a retained quote in the catalog as a standing offer.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import formataddr
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from mailing.outbox import queue_email
from persistence import utcnow
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Message
from purchasing.models import Allocation, Batch
from purchasing.orders.order_document import buyer
from purchasing.permissions import RUN_TENDERS, require
from purchasing.results import as_id, read_result
from purchasing.tenders.links import paris_time
from purchasing.tenders.models import Tender
from purchasing.tenders.open_tenders import first_open_tender
from purchasing.tenders.quotes import supplier_awaiting_check
from suppliers.models import Offer
from suppliers.offers import offer_by_id

PURPOSE = "tender_outcome"


def check_approval(session: Session, batch_id: int, result: Mapping[str, Any]) -> None:
    """Refuses (`Conflict`) to approve a batch while any of its tenders is open, or a scenario
    that buys from a supplier that came by a tender and that the lead has not checked yet."""
    # Several tenders of the batch may be open (on different products): the one closing
    # first is named.
    open_tender = first_open_tender(session, batch_id)
    if open_tender is not None:
        raise Conflict(
            Message(
                N_(
                    "A tender on this batch is open until %(date)s: close it before "
                    "approving the batch."
                ),
                {"date": paris_time(open_tender.closes_at)},
            )
        )
    offer_ids = {as_id(row.offer) for row in read_result(result).allocations} - {None}
    for offer in session.scalars(select(Offer).where(Offer.id.in_(offer_ids))):
        if not offer.supplier.active and supplier_awaiting_check(session, offer.supplier_id):
            raise Conflict(
                Message(
                    N_(
                        "This scenario buys from %(supplier)s, a new supplier that came by a "
                        "tender: check it before approving."
                    ),
                    {"supplier": offer.supplier.name},
                )
            )


def after_approval(
    session: Session, batch_id: int, result: Mapping[str, Any], *, actor: Actor | None
) -> None:
    """Tells each supplier that quoted but whose quote the approved scenario did not use that
    it was not retained (one e-mail each, whatever happens; the general e-mail job)."""
    used = {as_id(row.offer) for row in read_result(result).allocations} - {None}
    cooperative = buyer(session)
    for tender in session.scalars(
        select(Tender)
        .where(
            Tender.batch_id == batch_id,
            Tender.status == "closed",
            Tender.outcome_sent_at.is_(None),
        )
        .order_by(Tender.id)
    ):
        told = 0
        for invitation in tender.invitations:
            quote = invitation.quote
            if quote is None or quote.declined:
                continue
            if any(line.offer_id in used for line in quote.lines):
                continue
            body = "\n".join(
                [
                    "Bonjour,",
                    "",
                    f"Merci pour votre offre en réponse à notre demande de prix n° {tender.id}. "
                    "Nous ne l’avons pas retenue pour cette commande groupée.",
                    "Nous espérons vous consulter à nouveau.",
                    "",
                    "Cordialement,",
                    cooperative.name,
                ]
            )
            queue_email(
                session,
                to=invitation.email,
                subject=f"Demande de prix n° {tender.id} – offre non retenue",
                body=body + "\n",
                idempotency_key=f"tender/{tender.id}/{invitation.id}/not-retained",
                reply_to=(
                    formataddr((cooperative.name, cooperative.email)) if cooperative.email else None
                ),
                actor=actor,
                purpose=PURPOSE,
                sender_name=cooperative.name,
            )
            told += 1
        tender.outcome_sent_at = utcnow()
        session.flush()
        record_event(session, "tender.outcome", "tender", tender.id, actor=actor, not_retained=told)


def add_quote_to_catalog(session: Session, offer_id: int, *, actor: Actor | None) -> Offer:
    """A quote the approved scenario used becomes a standing catalog offer, on the terms
    quoted (until the quote's validity). Refused for a catalog offer, a quote not used, or a
    supplier not checked yet. Flushes; the caller commits."""
    require(actor, RUN_TENDERS)
    offer = offer_by_id(session, offer_id)
    if offer.tender_id is None:
        raise Conflict(Message(N_("This offer is in the catalog already.")))
    retained = session.scalar(
        select(
            exists()
            .where(Allocation.offer_id == offer.id)
            .where(Allocation.batch_id == Batch.id)
            .where(Batch.status.in_(("approved", "ordered", "closed")))
        )
    )
    if not retained:
        raise Conflict(
            Message(N_("Only a quote used by the approved scenario can join the catalog."))
        )
    if not offer.supplier.active:
        raise Conflict(
            Message(
                N_("Check %(supplier)s before adding its quote to the catalog."),
                {"supplier": offer.supplier.name},
            )
        )
    tender_id = offer.tender_id
    offer.tender_id = None
    session.flush()
    record_event(
        session,
        "tender.to_catalog",
        "offer",
        offer.id,
        actor=actor,
        ref=offer.supplier_ref,
        tender=tender_id,
    )
    return offer
