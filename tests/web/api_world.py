"""A small cooperative for the API's tests: two member companies, a lead, an admin, a catalog,
an open round, a closed one with its batch, and a personal token for each person; and, when a
test asks for it, the batch's purchase order for the member's need."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from persistence import utcnow
from persistence.jobs import enqueue
from purchasing.models import (
    Allocation,
    Batch,
    Need,
    PurchaseOrder,
    PurchaseOrderLine,
    Round,
    Scenario,
    User,
)
from purchasing.people.tokens import create_token
from purchasing.rounds.policies import ScenarioPolicy
from suppliers.models import Offer


@dataclass
class World:
    member: User
    other_member: User
    lead: User
    admin: User
    need: Need
    other_need: Need
    offer: Offer
    open_round: Round
    closed_round: Round
    batch: Batch
    job_id: int
    order_id: int | None = None
    invoice_number: str | None = None
    tender_id: int | None = None
    supplier_invoice_id: int | None = None
    proposal_id: int | None = None  # a supplier's bank details waiting for confirmation
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str, language: str = "fr") -> dict[str, str]:
        headers = {"Accept-Language": language}
        if who in self.tokens:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return headers


def build_world(session: Session, make) -> World:  # type: ignore[no-untyped-def]
    member = make.user("member", email="marie@example.org")
    other_member = make.user("member", email="omar@example.org")
    lead = make.user("lead", email="lea@example.org")
    admin = make.user("admin", email="ada@example.org")
    offer = make.offer(price="2.10")
    need = make.need(member.member, offer.product)
    other_need = make.need(other_member.member, offer.product)
    now = utcnow()
    closed = Round(
        name="2026-001",
        opens_at=now - timedelta(days=8),
        status="closed",
        cutoff_at=now - timedelta(days=1),
        closed_at=now - timedelta(days=1),
    )
    opened = Round(name="2026-002", opens_at=now - timedelta(days=1), status="open")
    session.add_all([closed, opened])
    session.flush()
    policy = ScenarioPolicy()
    batch = Batch(round_id=closed.id, status="proposed", policy=policy.as_json())
    batch.scenarios.append(
        Scenario(number=1, name="1", policy=policy.as_json(), policy_key=policy.key)
    )
    session.add(batch)
    session.flush()
    job = enqueue(
        session, "optimize_scenario", {"scenario_id": batch.scenarios[0].id}, actor_id=lead.id
    )
    world = World(
        member, other_member, lead, admin, need, other_need, offer, opened, closed, batch, job.id
    )
    for name in ("member", "other_member", "lead", "admin"):
        user = getattr(world, name)
        world.tokens[name] = create_token(session, f"{name} script", 90, actor=user).secret
    session.commit()
    return world


def add_order(session: Session, world: World) -> int:
    """The member's need allocated in the batch, and the batch's purchase order (not sent)."""
    session.add(
        Allocation(
            batch_id=world.batch.id,
            need_id=world.need.id,
            offer_id=world.offer.id,
            quantity=Decimal(10),
            packs=Decimal(10),
            unit_price=Decimal("2.10"),
            goods_total=Decimal("21.00"),
        )
    )
    today = world.open_round.opens_at.date()
    order = PurchaseOrder(
        number="BC-2026-0001",
        year=2026,
        sequence=1,
        batch_id=world.batch.id,
        supplier_id=world.offer.supplier_id,
        ordered_on=today,
        expected_on=today,
        total_excl_vat=Decimal("21.00"),
        total_incl_vat=Decimal("25.20"),
        link_nonce="0123456789abcdef",
    )
    order.lines.append(
        PurchaseOrderLine(
            offer_id=world.offer.id,
            quantity=Decimal(10),
            packs=10,
            unit_price=Decimal("2.10"),
            vat_rate=Decimal("0.20"),
            line_total=Decimal("21.00"),
        )
    )
    session.add(order)
    session.commit()
    world.order_id = order.id
    return order.id


def add_invoice(session: Session, world: World) -> str:
    """An invoice to the member's company, as issued (its file stands for a Factur-X one)."""
    from money.models import MemberInvoice

    today = world.open_round.opens_at.date()
    invoice = MemberInvoice(
        kind="invoice",
        subject="batch",
        number="FA-2026-00001",
        year=2026,
        sequence=1,
        member_id=world.member.member_id,
        issue_date=today,
        due_date=today + timedelta(days=30),
        total_excl=Decimal("21.00"),
        total_vat=Decimal("4.20"),
        total_incl=Decimal("25.20"),
        facturx=b"%PDF-1.7 invoice",
    )
    session.add(invoice)
    session.commit()
    world.invoice_number = invoice.number
    return invoice.number


def add_tender(session: Session, world: World) -> dict[str, int]:
    """A tender on the batch for the offer's product, its supplier invited (no quote), closed
    already: closing it again is refused past the role check (the batch here has no problem
    for a closing to compute on)."""
    from purchasing.tenders.models import Tender, TenderInvitation, TenderLine

    offer = world.offer
    tender = Tender(
        batch_id=world.batch.id,
        status="closed",
        closes_at=utcnow() - timedelta(hours=1),
        closed_at=utcnow() - timedelta(hours=1),
        wanted_date=(utcnow() + timedelta(days=10)).date(),
        lines=[TenderLine(position=1, product_id=offer.product_id, quantity=Decimal(20))],
        invitations=[
            TenderInvitation(
                supplier_id=offer.supplier_id,
                name=offer.supplier.name,
                email="devis@example.org",
                nonce="0123456789abcdef0123456789abcdef",
            )
        ],
    )
    session.add(tender)
    session.commit()
    return {
        "tender_id": tender.id,
        "invitation_id": tender.invitations[0].id,
        "line_id": tender.lines[0].id,
    }


def add_supplier_invoice(session: Session, world: World) -> int:
    """A supplier's invoice as received (its file stands for a CII one)."""
    from money.supplier_invoice_models import SupplierInvoice, SupplierInvoiceLine

    invoice = SupplierInvoice(
        supplier_id=world.offer.supplier_id,
        number="F-2026-118",
        kind="invoice",
        issue_date=world.open_round.opens_at.date(),
        total_without_tax=Decimal("21.00"),
        tax_total=Decimal("4.20"),
        grand_total=Decimal("25.20"),
        amount_due=Decimal("25.20"),
        source="cii",
        file=b"<rsm:CrossIndustryInvoice/>",
        file_name="F-2026-118.xml",
        lines=[
            SupplierInvoiceLine(
                position=1, description="Ramettes", quantity=Decimal(5),
                unit_price=Decimal("4.20"), vat_rate=Decimal("0.2"), line_total=Decimal("21.00"),
            )
        ],
    )  # fmt: skip
    session.add(invoice)
    session.commit()
    world.supplier_invoice_id = invoice.id
    return invoice.id
