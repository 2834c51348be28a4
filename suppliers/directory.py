"""Keeping the catalog's suppliers: their details and terms, and finding them.

Each public function that changes data is a use case of the purchasing lead. It checks every
value before it touches anything and refuses with `Invalid`, naming each wrong field, so that a
refusal changes nothing. Otherwise it changes the rows, records who did it (`actor`) in the
audit trail and flushes; the caller commits.

Field names in the errors are those of the values (`delivery_fee`, `tiers`), and a row of a
list is named by its position in the list given: `labels.1.name`, `labels.1.expires_on`.
Labels, social-economy statuses and duplicate detection have modules of their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from persistence.audit import Actor, record_event
from suppliers.checks import MAX_AMOUNT, at_most, finite, fits, required
from suppliers.duplicates import DuplicateSupplier, find_duplicate_suppliers
from suppliers.eco import EcoConfig, load_eco_config
from suppliers.errors import N_, Invalid, Message, NotFound
from suppliers.labels import LabelValues, check_labels, label_rows, replace_labels
from suppliers.models import Supplier
from suppliers.siret import siren_is_valid, siret_is_valid, vat_number_is_valid
from suppliers.statuses import check_status

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SupplierValues:
    name: str
    town: str
    latitude: float
    longitude: float
    siret: str = ""
    # Filled from the SIRET when left empty.
    siren: str = ""
    vat_number: str = ""
    address: str = ""
    postcode: str = ""
    social_economy: str = ""
    contact_name: str = ""
    contact_email: str = ""
    phone: str = ""
    delivery_fee: Decimal = Decimal("0")
    fee_waived_above: Decimal | None = None
    active: bool = True

    def __post_init__(self) -> None:
        finite(self.delivery_fee, self.fee_waived_above)


def create_supplier(
    session: Session,
    values: SupplierValues,
    labels: Sequence[LabelValues] = (),
    *,
    actor: Actor | None,
    allow_duplicate: bool = False,
    config: EcoConfig | None = None,
) -> Supplier:
    """Adds a supplier with its labels. One that looks like a supplier already in the catalog
    (near-identical name in the same town) is refused unless `allow_duplicate`; a SIRET is
    never shared."""
    config = config or load_eco_config()
    social_economy = _check_supplier(session, values, labels, None, allow_duplicate, config)
    supplier = Supplier(social_economy=social_economy, labels=label_rows(labels))
    _fill_supplier(supplier, values)
    session.add(supplier)
    session.flush()
    record_event(
        session, "supplier.create", "supplier", supplier.id, actor=actor, name=supplier.name
    )
    return supplier


def update_supplier(
    session: Session,
    supplier_id: int,
    values: SupplierValues,
    labels: Sequence[LabelValues] | None = None,
    *,
    actor: Actor | None,
    allow_duplicate: bool = False,
    config: EcoConfig | None = None,
) -> Supplier:
    """Changes a supplier's details, and replaces its labels unless `labels` is None. An expired
    label may be kept: it is shown expired and earns no eco points."""
    supplier = supplier_by_id(session, supplier_id)
    config = config or load_eco_config()
    social_economy = _check_supplier(
        session, values, labels or (), supplier, allow_duplicate, config
    )
    _fill_supplier(supplier, values)
    supplier.social_economy = social_economy
    if labels is not None:
        replace_labels(session, supplier, labels)
    session.flush()
    record_event(
        session, "supplier.update", "supplier", supplier.id, actor=actor, name=supplier.name
    )
    return supplier


def supplier_by_id(session: Session, supplier_id: int) -> Supplier:
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound(Message(N_("No such supplier.")))
    return supplier


def find_supplier(session: Session, key: str) -> Supplier:
    """The supplier named by `key`: its id, its SIRET or its exact name."""
    key = key.strip()
    number = int(key) if key.isdigit() and len(key) < 10 else -1
    supplier = session.scalar(
        select(Supplier).where(
            or_(Supplier.siret == key, Supplier.name == key, Supplier.id == number)
        )
    )
    if supplier is None:
        raise NotFound(Message(N_("No supplier has the id, SIRET or name %(key)s."), {"key": key}))
    return supplier


def _check_supplier(
    session: Session,
    values: SupplierValues,
    labels: Sequence[LabelValues],
    current: Supplier | None,
    allow_duplicate: bool,
    config: EcoConfig,
) -> str | None:
    """Every rule on a supplier's values; returns the social-economy status to store."""
    errors: dict[str, Message] = {}
    required(errors, "name", values.name, 200, N_("A name is required."))
    required(errors, "town", values.town, 120, N_("A town is required."))
    for key, limit in (
        ("address", 300),
        ("postcode", 10),
        ("contact_name", 120),
        ("contact_email", 254),
        ("phone", 30),
    ):
        at_most(errors, key, getattr(values, key), limit)
    siret = values.siret.replace(" ", "")
    if siret and not siret_is_valid(siret):
        errors["siret"] = Message(N_("A SIRET is 14 digits with a valid check digit."))
    _check_identifiers(session, values, siret, current, errors)
    if not -90 <= values.latitude <= 90:
        errors["latitude"] = Message(N_("Latitude lies between -90 and 90."))
    if not -180 <= values.longitude <= 180:
        errors["longitude"] = Message(N_("Longitude lies between -180 and 180."))
    email = values.contact_email.strip()
    if email and "contact_email" not in errors and not EMAIL.match(email):
        errors["contact_email"] = Message(N_("Enter a valid e-mail address."))
    if values.delivery_fee < 0:
        errors["delivery_fee"] = Message(N_("A delivery fee cannot be negative."))
    else:
        fits(errors, "delivery_fee", values.delivery_fee, 2, MAX_AMOUNT)
    if values.fee_waived_above is not None and values.fee_waived_above < 0:
        errors["fee_waived_above"] = Message(N_("The free-delivery threshold cannot be negative."))
    elif values.fee_waived_above is not None:
        fits(errors, "fee_waived_above", values.fee_waived_above, 2, MAX_AMOUNT)
    social_economy = check_status(values.social_economy, current, config, errors)
    check_labels(labels, config, errors)
    duplicates = _duplicates(session, values, siret, current, errors)
    blocking = [] if allow_duplicate else duplicates
    if blocking and "name" not in errors:
        errors["name"] = Message(
            N_(
                "%(name)s (%(town)s) is already in the catalog with a near-identical name. "
                "If it is another company, tick the box below and save again."
            ),
            {"name": blocking[0].name, "town": blocking[0].town},
        )
    if errors:
        if blocking:
            raise DuplicateSupplier(errors, blocking)
        raise Invalid(errors)
    return social_economy


def compact_vat_number(number: str) -> str:
    """A VAT number as stored: upper case, without spaces, dots or dashes."""
    return re.sub(r"[\s.\-\u00a0\u202f]", "", number).upper()


def _check_identifiers(
    session: Session,
    values: SupplierValues,
    siret: str,
    current: Supplier | None,
    errors: dict[str, Message],
) -> None:
    """The SIREN and VAT number by which the supplier's e-invoices name it: valid, the SIREN
    that of the SIRET, a French VAT number that of the SIREN, and no other supplier's VAT
    number."""
    siren = values.siren.replace(" ", "")
    if siren and not siren_is_valid(siren):
        errors["siren"] = Message(N_("A SIREN is 9 digits with a valid check digit."))
    elif siren and siret and "siret" not in errors and siret[:9] != siren:
        errors["siren"] = Message(
            N_("This SIREN is not that of the SIRET %(siret)s."), {"siret": siret}
        )
    siren = siren or (siret[:9] if "siret" not in errors else "")
    vat_number = compact_vat_number(values.vat_number)
    if not vat_number:
        return
    if len(vat_number) > 20 or not vat_number_is_valid(vat_number):
        errors["vat_number"] = Message(
            N_(
                "An intra-community VAT number is a country code and a number that passes its "
                "checks, such as FR40303265045."
            )
        )
        return
    if vat_number.startswith("FR") and siren and vat_number[4:] != siren:
        errors["vat_number"] = Message(
            N_("This number is not that of the SIREN %(siren)s."), {"siren": siren}
        )
        return
    other = session.scalar(select(Supplier).where(Supplier.vat_number == vat_number))
    if other is not None and (current is None or other.id != current.id):
        errors["vat_number"] = Message(
            N_("This VAT number is already the supplier %(name)s."), {"name": other.name}
        )


def _duplicates(
    session: Session,
    values: SupplierValues,
    siret: str,
    current: Supplier | None,
    errors: dict[str, Message],
) -> list[Supplier]:
    """Adds the SIRET refusal to `errors`; returns the suppliers with a near-identical name."""
    if "name" in errors or "town" in errors:
        return []
    exclude = current.id if current is not None else None
    duplicates = find_duplicate_suppliers(
        session, values.name, siret if "siret" not in errors else "", values.town, exclude
    )
    similar: list[Supplier] = []
    for other, _reason in duplicates:
        if siret and other.siret == siret:
            errors["siret"] = Message(
                N_("This SIRET is already the supplier %(name)s."), {"name": other.name}
            )
        else:
            similar.append(other)
    unchanged = (" ".join(values.name.split()), " ".join(values.town.split()))
    if current is not None and (current.name, current.town) == unchanged:
        return []  # this name in this town was accepted when first saved: do not ask again
    return similar


def _fill_supplier(supplier: Supplier, values: SupplierValues) -> None:
    for key in ("name", "address", "postcode", "town", "contact_name", "phone"):
        setattr(supplier, key, " ".join(getattr(values, key).split()))
    supplier.contact_email = values.contact_email.strip()
    supplier.siret = values.siret.replace(" ", "") or None
    supplier.siren = values.siren.replace(" ", "") or (supplier.siret or "")[:9] or None
    supplier.vat_number = compact_vat_number(values.vat_number) or None
    supplier.latitude = values.latitude
    supplier.longitude = values.longitude
    supplier.delivery_fee = values.delivery_fee
    supplier.fee_waived_above = values.fee_waived_above
    supplier.active = values.active
