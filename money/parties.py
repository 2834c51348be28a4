"""Who an invoice names: the cooperative as the seller, the member as the buyer, and where
the goods were delivered."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from money.documents import (
    Address,
    Party,
)
from purchasing.models import Allocation, Batch, Cooperative, Member, Need


def _address(text: str, postcode: str, town: str, country: str = "FR") -> Address:
    lines = tuple(part.strip() for part in text.splitlines() if part.strip())[:3]
    return Address(
        lines=lines or (town or "-",),
        postcode=postcode or "-",
        city=town or "-",
        country_code=country or "FR",
    )


def seller(record: Cooperative) -> Party:
    """The cooperative as the seller of its invoices."""
    return Party(
        name=record.name,
        address=_address(record.address, record.postcode, record.town, record.country),
        legal_form=record.legal_form,
        siren=record.siren,
        siret=record.siret,
        vat_number=record.vat_number,
        email=record.email,
        phone=record.phone,
    )


def buyer(member: Member) -> Party:
    """The member as the buyer: its name, address, SIREN and SIRET."""
    return Party(
        name=member.name,
        address=_address(member.address, member.postcode, member.town),
        siren=member.siret[:9],
        siret=member.siret,
    )


def sites_served(
    session: Session, batch: Batch | None, member_ids: Collection[int]
) -> dict[int, set[int]]:
    """The delivery sites of each member served in the batch, read at once (none without a
    batch)."""
    served: dict[int, set[int]] = {member_id: set() for member_id in member_ids}
    if batch is None or not served:
        return served
    for member_id, site_id in session.execute(
        select(Need.member_id, Need.delivery_site_id)
        .join(Allocation, Allocation.need_id == Need.id)
        .where(Allocation.batch_id == batch.id, Need.member_id.in_(list(served)))
    ):
        served[member_id].add(site_id)
    return served


def ship_to(member: Member, served: Collection[int]) -> Party:
    """Where the goods were delivered: the member's first site `served` in the batch (read
    by `sites_served`), else its first open site, else its own address."""
    sites = [site for site in member.sites if site.active] or list(member.sites)
    sites = [site for site in member.sites if site.id in served] or sites
    if not sites:
        return buyer(member)
    site = sites[0]
    return Party(
        name=f"{member.name} — {site.name}"[:200],
        address=_address(site.address, site.postcode, site.town),
    )
