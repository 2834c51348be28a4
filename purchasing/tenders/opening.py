"""Opening a tender on a proposed batch's pooled lines.

A tender is opened on a batch still waiting for the lead's decision, on products the batch
pools, with at least one supplier invited and a closing time in the future; a product of the
batch is in at most one open tender at a time (several open tenders on one batch are fine when
their products differ). Each invited supplier receives one e-mail (the general e-mail
job, one per invitation whatever happens) with its own signed link, valid until the close.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import formataddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from infrastructure.documents import number_text, unit_name
from mailing.outbox import queue_email
from optimizer.jsonio import problem_from_dict
from persistence import utcnow
from persistence.audit import Actor, record_event
from purchasing.clock import COOPERATIVE_TIMEZONE
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import Batch, DeliverySite
from purchasing.orders.order_document import buyer
from purchasing.parsing import parse_date
from purchasing.permissions import RUN_TENDERS, require
from purchasing.tenders.links import paris_time
from purchasing.tenders.models import (
    EVIDENCE_KINDS,
    TENDER_RULES,
    Tender,
    TenderInvitation,
    TenderLine,
)
from purchasing.tenders.open_tenders import already_out_to_tender, products_out_to_tender
from purchasing.tenders.values import InvitationValues, QuoteLinkFor, TenderValues
from suppliers.models import Supplier
from suppliers.siret import siret_is_valid

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NOTE_MAX = 2000
MAX_INVITED = 40
PURPOSE = "tender_invitation"
EVIDENCE_TEXTS = {
    "labels": "labels ou certifications (avec leur date d’expiration)",
    "recycled_content": "part de matière recyclée",
    "social_economy": "statut d’entreprise de l’économie sociale et solidaire",
}


@dataclass(frozen=True)
class PooledLine:
    """A product the batch pools: the total quantity and the delivery sites."""

    product_id: int
    quantity: Decimal
    site_ids: tuple[int, ...]


def batch_to_tender(session: Session, batch_id: int, *, lock: bool = False) -> Batch:
    """The batch; `lock` holds its row until the transaction ends (an approval waits)."""
    query = select(Batch).where(Batch.id == batch_id)
    if lock:
        query = query.with_for_update()
    batch = session.scalar(query.execution_options(populate_existing=True))
    if batch is None:
        raise NotFound(Message(N_("No such batch.")))
    return batch


def pooled_lines(batch: Batch) -> dict[int, PooledLine]:
    """The batch's pooled products as its problem stood at the close, by product id."""
    if not batch.problem:
        return {}
    problem = problem_from_dict(batch.problem)
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    sites: dict[int, set[int]] = defaultdict(set)
    for need in problem.needs:
        quantities[int(need.product)] += need.quantity
        sites[int(need.product)].add(int(need.site))
    return {
        product: PooledLine(product, quantity, tuple(sorted(sites[product])))
        for product, quantity in sorted(quantities.items())
    }


def read_closes_at(raw: str | datetime, now: datetime | None = None) -> datetime:
    """A closing time typed in Paris time (`2026-12-07 10:00`, `07/12/2026 10:00`, `…T10:00`),
    or an aware instant (the API); in the future. `Invalid` on `closes_at` otherwise."""
    if isinstance(raw, datetime):
        moment = raw if raw.tzinfo is not None else raw.replace(tzinfo=COOPERATIVE_TIMEZONE)
    else:
        text = " ".join(str(raw or "").replace("T", " ").split())
        day_text, _, time_text = text.partition(" ")
        day = parse_date(day_text)
        found: datetime | None = None
        if day is not None:
            try:
                hours, minutes = (int(part) for part in (time_text or "").split(":")[:2])
                found = datetime(day.year, day.month, day.day, hours, minutes)
            except ValueError:
                found = None
        if found is None:
            raise Invalid({"closes_at": Message(N_("Enter the closing as DD/MM/YYYY HH:MM."))})
        moment = found.replace(tzinfo=COOPERATIVE_TIMEZONE)
    moment = moment.astimezone(UTC)
    if moment <= (now or utcnow()):
        raise Invalid({"closes_at": Message(N_("The closing must be in the future."))})
    return moment


def open_tender(
    session: Session,
    batch_id: int,
    values: TenderValues,
    *,
    actor: Actor | None,
    link_for: QuoteLinkFor,
    now: datetime | None = None,
) -> Tender:
    """Opens a tender on the batch's pooled lines (all of those not out to tender already
    when `values.product_ids` is empty) and queues one e-mail per invited supplier with its
    signed link. Refused unless the batch waits for a decision, none of the products is in
    another open tender (`Invalid` on `product_ids`), the closing is in the future, the wanted
    date comes after it, and at least one supplier is invited. Flushes; the caller commits."""
    require(actor, RUN_TENDERS)
    now = now or utcnow()
    # The batch's row is held, so that an approval at the same moment either comes first
    # (and this tender is refused) or sees the tender (and is refused), and so that two
    # tenders opened at once on the same product see each other.
    batch = batch_to_tender(session, batch_id, lock=True)
    if batch.status != "proposed":
        raise Conflict(Message(N_("Only a batch waiting for approval can be put out to tender.")))
    pooled = pooled_lines(batch)
    errors: dict[str, Message] = {}
    wanted = _check_products(values.product_ids, pooled, errors)
    taken = products_out_to_tender(session, batch.id)
    if not values.product_ids:
        wanted = [line for line in wanted if line.product_id not in taken] or wanted
    refused = already_out_to_tender(session, taken, [line.product_id for line in wanted])
    if refused is not None:
        errors["product_ids"], wanted = refused, []
    _check_terms(values, now, errors)
    suppliers = _check_suppliers(session, values.supplier_ids, errors)
    _check_invitations(session, values.invitations, suppliers, errors)
    if not values.supplier_ids and not values.invitations:
        errors["suppliers"] = Message(N_("Invite at least one supplier."))
    elif len(suppliers) + len(values.invitations) > MAX_INVITED:
        errors["suppliers"] = Message(
            N_("Invite at most %(count)d suppliers."), {"count": MAX_INVITED}
        )
    if errors:
        raise Invalid(errors)

    towns = _towns(session, {site for line in wanted for site in line.site_ids})
    tender = Tender(
        batch_id=batch.id,
        status="open",
        closes_at=values.closes_at.astimezone(UTC),
        wanted_date=values.wanted_date,
        evidence_wanted=[kind for kind in EVIDENCE_KINDS if kind in set(values.evidence_wanted)],
        rules=values.rules,
        note=" ".join(values.note.split()),
        created_by_id=actor.id if actor is not None else None,
        created_at=now,
        lines=[
            TenderLine(
                position=position,
                product_id=line.product_id,
                quantity=line.quantity,
                towns=sorted({towns[site] for site in line.site_ids if site in towns}),
            )
            for position, line in enumerate(wanted, 1)
        ],
        invitations=[
            TenderInvitation(
                supplier_id=supplier.id,
                name=supplier.name,
                email=supplier.contact_email.strip(),
                siret=supplier.siret,
                nonce=secrets.token_hex(16),
            )
            for supplier in suppliers
        ]
        + [
            TenderInvitation(
                name=" ".join(invited.name.split()),
                email=invited.email.strip().lower(),
                siret=_digits(invited.siret),
                new_supplier=True,
                nonce=secrets.token_hex(16),
            )
            for invited in values.invitations
        ],
    )
    session.add(tender)
    session.flush()
    for invitation in tender.invitations:
        _invite(session, tender, invitation, link_for(invitation), actor)
    session.flush()
    record_event(
        session,
        "tender.open",
        "tender",
        tender.id,
        actor=actor,
        batch=batch.id,
        tender_lines=len(tender.lines),
        invited=len(tender.invitations),
        closes_at=tender.closes_at.isoformat(),
    )
    return tender


def _check_products(
    product_ids: Sequence[int], pooled: dict[int, PooledLine], errors: dict[str, Message]
) -> list[PooledLine]:
    if not pooled:
        errors["product_ids"] = Message(N_("This batch pools no product to put out to tender."))
        return []
    if not product_ids:
        return list(pooled.values())
    unknown = [str(product) for product in product_ids if product not in pooled]
    if unknown:
        errors["product_ids"] = Message(
            N_("The batch pools no need for these products: %(products)s."),
            {"products": ", ".join(unknown)},
        )
        return []
    return [pooled[product] for product in sorted(set(product_ids))]


def _check_terms(values: TenderValues, now: datetime, errors: dict[str, Message]) -> None:
    if values.closes_at.tzinfo is None:
        errors["closes_at"] = Message(N_("Enter the closing as DD/MM/YYYY HH:MM."))
    elif values.closes_at <= now:
        errors["closes_at"] = Message(N_("The closing must be in the future."))
    elif values.wanted_date <= values.closes_at.astimezone(COOPERATIVE_TIMEZONE).date():
        errors["wanted_date"] = Message(N_("The goods are wanted after the tender closes."))
    unknown = sorted(set(values.evidence_wanted) - set(EVIDENCE_KINDS))
    if unknown:
        errors["evidence_wanted"] = Message(
            N_("Unknown evidence: %(kinds)s."), {"kinds": ", ".join(unknown)}
        )
    if values.rules not in TENDER_RULES:
        errors["rules"] = Message(N_("Choose whether suppliers quote per line or the whole lot."))
    if len(values.note) > NOTE_MAX:
        errors["note"] = Message(
            N_("Keep the note under %(count)d characters."), {"count": NOTE_MAX}
        )


def _check_suppliers(
    session: Session, supplier_ids: Sequence[int], errors: dict[str, Message]
) -> list[Supplier]:
    wanted = sorted(set(supplier_ids))
    found = {
        supplier.id: supplier
        for supplier in session.scalars(select(Supplier).where(Supplier.id.in_(wanted)))
    }
    problems = []
    for supplier_id in wanted:
        supplier = found.get(supplier_id)
        if supplier is None or not supplier.active:
            problems.append(Message(N_("No such supplier: %(id)s."), {"id": supplier_id}))
        elif not EMAIL.match(supplier.contact_email.strip()):
            problems.append(
                Message(
                    N_("%(supplier)s has no e-mail address: add it to the supplier first."),
                    {"supplier": supplier.name},
                )
            )
    if problems:
        errors["supplier_ids"] = problems[0]
    return [found[i] for i in wanted if i in found]


def _digits(text: str) -> str:
    return "".join(str(text or "").split())


def _check_invitations(
    session: Session,
    invitations: Sequence[InvitationValues],
    suppliers: Sequence[Supplier],
    errors: dict[str, Message],
) -> None:
    seen = {supplier.contact_email.strip().lower() for supplier in suppliers}
    for index, invited in enumerate(invitations):
        place = f"invitations.{index}"
        name = " ".join(invited.name.split())
        if not name or len(name) > 200:
            errors[f"{place}.name"] = Message(N_("Give the supplier's name."))
        email = invited.email.strip().lower()
        if not EMAIL.match(email) or len(email) > 254:
            errors[f"{place}.email"] = Message(N_("Enter a valid e-mail address."))
        elif email in seen:
            errors[f"{place}.email"] = Message(N_("This supplier is invited already."))
        seen.add(email)
        siret = _digits(invited.siret)
        if not siret_is_valid(siret):
            errors[f"{place}.siret"] = Message(N_("A SIRET is 14 digits with a valid check digit."))
            continue
        known = session.scalar(select(Supplier).where(Supplier.siret == siret))
        if known is not None:
            errors[f"{place}.siret"] = Message(
                N_("%(supplier)s is in the catalog already: invite it from the list."),
                {"supplier": known.name},
            )


def _towns(session: Session, site_ids: set[int]) -> dict[int, str]:
    rows = session.execute(
        select(DeliverySite.id, DeliverySite.town).where(DeliverySite.id.in_(site_ids))
    )
    return {site_id: town for site_id, town in rows}


def invitation_content(
    session: Session, tender: Tender, invitation: TenderInvitation, link: str
) -> tuple[str, str]:
    """The subject and body (in French) of an invitation to quote."""
    cooperative = buyer(session)
    lines = [
        "Bonjour,",
        "",
        f"{cooperative.name} regroupe les achats de ses membres et vous invite à remettre une "
        f"offre de prix pour les produits suivants, livrés au plus tard le "
        f"{tender.wanted_date:%d/%m/%Y} :",
        "",
    ]
    for line in tender.lines:
        towns = ", ".join(line.towns)
        lines.append(
            f"- {line.product.name} : {number_text(line.quantity)} "
            f"{unit_name(line.product.unit, line.quantity)}"
            + (f" (livraison : {towns})" if towns else "")
        )
    lines.append("")
    if tender.rules == "whole_lot":
        lines.append("Votre offre doit porter sur l’ensemble des lignes.")
    else:
        lines.append("Vous pouvez répondre pour une partie des lignes seulement.")
    if tender.evidence_wanted:
        wanted = "; ".join(EVIDENCE_TEXTS[kind] for kind in tender.evidence_wanted)
        lines.append(f"Justificatifs environnementaux souhaités : {wanted}.")
    if tender.note:
        lines += ["", tender.note]
    lines += [
        "",
        "Pour remettre votre offre (ou décliner), suivez ce lien personnel, sans compte à créer :",
        link,
        f"Vous pouvez modifier votre offre jusqu’à la clôture, le {paris_time(tender.closes_at)} "
        "(heure de Paris).",
        "",
        "Cordialement,",
        cooperative.name,
    ]
    return f"Demande de prix n° {tender.id} – {cooperative.name}", "\n".join(lines) + "\n"


def _invite(
    session: Session,
    tender: Tender,
    invitation: TenderInvitation,
    link: str,
    actor: Actor | None,
) -> None:
    subject, body = invitation_content(session, tender, invitation, link)
    cooperative = buyer(session)
    email = queue_email(
        session,
        to=invitation.email,
        subject=subject,
        body=body,
        idempotency_key=f"tender/{tender.id}/{invitation.id}",
        reply_to=formataddr((cooperative.name, cooperative.email)) if cooperative.email else None,
        actor=actor,
        purpose=PURPOSE,
        sender_name=cooperative.name,
    )
    invitation.email_id = email.id
