"""Who a supplier's invoice is from and to: its seller recognised among the catalog's suppliers,
its buyer checked to be the cooperative. Both by legal identifiers (SIRET, SIREN, VAT number),
never by name: names are written a hundred ways, and a look-alike name is how invoice fraud
starts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from money.formats.received import Party
from purchasing.errors import N_, Invalid, Message
from purchasing.people.cooperative import cooperative_record
from suppliers.models import Supplier


def _refused(text: str, **params: object) -> Invalid:
    return Invalid({"file": Message(text, dict(params))})


def _siren_of_vat(vat_number: str | None) -> str | None:
    """The SIREN a French VAT number carries (FR, a two-digit key, the SIREN)."""
    if vat_number and vat_number.startswith("FR") and vat_number[4:].isdigit():
        return vat_number[4:]
    return None


def recognise_supplier(session: Session, seller: Party) -> Supplier:
    """The supplier the invoice's seller is: the one with its SIRET, else the one company with
    its SIREN (given, or read from a French VAT number), else the one with its VAT number.
    Refused when none is, or when several establishments share the SIREN and the invoice does
    not say which."""
    if seller.siret:
        found = session.scalar(select(Supplier).where(Supplier.siret == seller.siret))
        if found is not None:
            return found
    siren = seller.siren or _siren_of_vat(seller.vat_number)
    if siren:
        same_company = list(
            session.scalars(select(Supplier).where(Supplier.siren == siren).order_by(Supplier.id))
        )
        if len(same_company) == 1:
            return same_company[0]
        if len(same_company) > 1:
            by_vat = [s for s in same_company if s.vat_number and s.vat_number == seller.vat_number]
            if len(by_vat) == 1:
                return by_vat[0]
            raise _refused(
                N_(
                    "Several suppliers have the SIREN %(siren)s (%(names)s) and the invoice "
                    "gives no SIRET that tells which: enter it by hand."
                ),
                siren=siren,
                names=", ".join(s.name for s in same_company),
            )
    if seller.vat_number:
        found = session.scalar(select(Supplier).where(Supplier.vat_number == seller.vat_number))
        if found is not None:
            return found
    raise _refused(
        N_(
            "No supplier has the SIREN %(siren)s or the VAT number %(vat)s of the seller "
            "%(name)s: give the supplier these numbers on its page, then send the file again."
        ),
        siren=seller.siret or siren or "—",
        vat=seller.vat_number or "—",
        name=seller.name,
    )


def check_buyer_is_cooperative(session: Session, buyer: Party) -> None:
    """The invoice is addressed to the cooperative: the buyer's SIREN (or SIRET) is the
    cooperative's, or, when it gives none, its VAT number is. An invoice that names no buyer
    identifier, or another company's, is not the cooperative's to pay."""
    record = cooperative_record(session)
    own_siren, own_vat = record.siren or "", record.vat_number or ""
    if not own_siren and not own_vat:
        raise _refused(
            N_(
                "The cooperative's record has no SIREN or VAT number: give them on its page "
                "before receiving invoices."
            )
        )
    siren = buyer.siren or _siren_of_vat(buyer.vat_number)
    if siren and own_siren:
        if siren == own_siren:
            return
    elif buyer.vat_number and own_vat:
        if buyer.vat_number == own_vat:
            return
    elif not (buyer.siren or buyer.siret or buyer.vat_number):
        raise _refused(
            N_(
                "The invoice gives no SIREN or VAT number for its buyer %(name)s: it must name "
                "the cooperative (SIREN %(siren)s)."
            ),
            name=buyer.name,
            siren=own_siren or own_vat,
        )
    raise _refused(
        N_(
            "The invoice is addressed to %(name)s (%(identifier)s), not to the cooperative "
            "(%(own)s)."
        ),
        name=buyer.name,
        identifier=buyer.siret or buyer.siren or buyer.vat_number or buyer.legal_id or "—",
        own=own_siren or own_vat,
    )
