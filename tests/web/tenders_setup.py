"""A proposed batch put out to tender, shared by the tender page, quote page and API tests: the
batch of `orders_setup.closed_batch` (paper from Papeterie de l'Est at 4,15 €, soap from
Droguerie Verte), a green paper supplier of the same category that the catalog does not use for
this paper, and the forms a lead and a supplier fill in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from persistence import utcnow
from purchasing.clock import cooperative_today
from purchasing.models import Batch, User
from purchasing.tenders.links import quote_token
from purchasing.tenders.models import Tender, TenderInvitation
from purchasing.tenders.opening import open_tender
from purchasing.tenders.values import InvitationValues, TenderValues
from suppliers.models import Supplier
from tests.purchasing.orders_setup import closed_batch

SECRET = "test-secret-key-0123456789"
NEW_SIRET = "73282932000074"  # a SIRET with a valid check digit


@dataclass
class TenderWorld:
    batch: Batch
    lead: User
    users: list[User]
    papeterie: Supplier
    droguerie: Supplier
    green: Supplier
    paper_id: int
    soap_id: int
    tender: Tender | None = None

    def invitation(self, name: str) -> TenderInvitation:
        assert self.tender is not None
        return next(i for i in self.tender.invitations if i.name == name)

    def url(self, name: str) -> str:
        """The supplier's quote page, as its e-mail gives it."""
        return f"/tenders/quote/{quote_token(self.invitation(name), SECRET)}"


def tender_batch(session, make, sessions) -> TenderWorld:  # type: ignore[no-untyped-def]
    batch, lead, _members, users, needs, (papeterie, droguerie) = closed_batch(
        session, make, sessions
    )
    green = make.supplier(
        "Papiers Verts SCOP",
        contact_email="devis@papiers-verts.example",
        town="Nancy",
        latitude=48.70,
        longitude=6.19,
        social_economy="SCOP",
    )
    make.offer(product=make.product("Enveloppes kraft"), supplier=green, price="0.12")
    session.commit()
    paper_id, soap_id = needs[0].product_id, needs[2].product_id
    return TenderWorld(batch, lead, users, papeterie, droguerie, green, paper_id, soap_id)


def closing_soon() -> datetime:
    return utcnow() + timedelta(days=3)


def wanted() -> date:
    return cooperative_today() + timedelta(days=10)


def opened(session, make, sessions, *, new_supplier: bool = False) -> TenderWorld:  # type: ignore[no-untyped-def]
    """The batch's paper put out to tender, the green supplier and Papeterie invited (and a
    new supplier by e-mail when asked)."""
    world = tender_batch(session, make, sessions)
    values = TenderValues(
        closes_at=closing_soon(),
        wanted_date=wanted(),
        product_ids=[world.paper_id],
        evidence_wanted=["labels", "recycled_content"],
        supplier_ids=[world.green.id, world.papeterie.id],
        invitations=[InvitationValues("Fibres Locales", "devis@fibres.example", NEW_SIRET)]
        if new_supplier
        else [],
    )
    world.tender = open_tender(
        session,
        world.batch.id,
        values,
        actor=world.lead,
        link_for=lambda invitation: f"https://coachat.example/tenders/quote/{invitation.id}",
    )
    session.commit()
    return world


def lead_form(world: TenderWorld, **changes: Any) -> dict[str, Any]:
    """The lead's tender form as a browser posts it: every pooled line, both catalog
    suppliers of the paper's category ticked, in Paris time."""
    closes = (utcnow() + timedelta(days=3)).astimezone(_paris())
    form: dict[str, Any] = {
        "product_ids": [str(world.paper_id), str(world.soap_id)],
        "closes_at": closes.strftime("%d/%m/%Y %H:%M"),
        "wanted_date": wanted().strftime("%d/%m/%Y"),
        "evidence_wanted": ["labels", "recycled_content"],
        "rules": "per_line",
        "supplier_ids": [str(world.green.id), str(world.papeterie.id)],
        "note": "",
    }
    for row in range(3):
        for name in ("name", "email", "siret"):
            form[f"invitations-{row}-{name}"] = ""
    form.update(changes)
    return form


def _paris():  # type: ignore[no-untyped-def]
    from purchasing.clock import COOPERATIVE_TIMEZONE

    return COOPERATIVE_TIMEZONE


def quote_form(lines: list[dict[str, str] | None], **terms: str) -> dict[str, str]:
    """A supplier's quote as its page posts it: for each line of the tender, its terms
    (`price`, or `tiers` as [(from, price)…], and any field by name), None for a line not
    quoted; the terms of the whole quote by name."""
    form = {"answer": "quote", "delivery_fee": "0", "fee_waived_above": "", "valid_until": ""}
    for index, line in enumerate(lines):
        given = dict(line or {})
        tiers = given.pop("tiers", None) or ([("", given.pop("price"))] if "price" in given else [])
        for row in range(3):
            low, price = tiers[row] if row < len(tiers) else ("", "")
            form[f"lines-{index}-tiers-{row}-min_quantity"] = low
            form[f"lines-{index}-tiers-{row}-unit_price"] = price
        defaults = {
            "pack_size": "1",
            "min_order_quantity": "0",
            "lead_time_days": "3",
            "label": "",
            "label_expires_on": "",
            "recycled_content": "0",
        }
        for name, value in (defaults | given).items():
            form[f"lines-{index}-{name}"] = value
    form.update(terms)
    return form
