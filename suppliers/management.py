"""Keeping the catalog: suppliers with their labels, offers with their price tiers.

Each public function is a use case of the purchasing lead. It checks every value before it
touches anything and refuses with `Invalid`, naming each wrong field, so that a refusal changes
nothing. Otherwise it changes the rows and flushes; the caller commits.

Field names in the errors are those of the values (`delivery_fee`, `tiers`), and a row of a
list is named by its position in the list given: `labels.1.name`, `tiers.0.unit_price`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from suppliers.eco import EcoConfig, Rule, fold, load_eco_config, split_labels
from suppliers.errors import N_, Invalid, Message, NotFound
from suppliers.models import Offer, PriceTier, Product, Supplier, SupplierLabel
from suppliers.siret import siret_is_valid

SIMILAR_NAME = 90
"""rapidfuzz ratio (0–100) from which two supplier names in one town are taken for one company."""

LEGAL_FORMS = frozenset(
    {"sa", "sas", "sasu", "sarl", "sarlu", "eurl", "snc", "sci", "selarl", "cie", "ste", "societe",
     "ets", "etablissement", "etablissements"}
)  # fmt: skip
VAT_RATES = (Decimal("0"), Decimal("0.021"), Decimal("0.055"), Decimal("0.10"), Decimal("0.20"))
"""The French VAT rates: 0 %, 2.1 %, 5.5 %, 10 % and 20 %."""

MAX_LEAD_TIME_DAYS = 365
MAX_AMOUNT = Decimal("1000000")
"""No fee, threshold or unit price in this catalog reaches a million euros: it is a typing slip."""
MAX_QUANTITY = Decimal("1000000000")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SupplierValues:
    name: str
    town: str
    latitude: float
    longitude: float
    siret: str = ""
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
        _finite(self.delivery_fee, self.fee_waived_above)


@dataclass(frozen=True)
class LabelValues:
    """A label the supplier holds; without an expiry date it is taken as valid."""

    name: str
    expires_on: date | None = None


@dataclass(frozen=True)
class TierValues:
    """From `min_quantity` units on, every unit costs `unit_price` excluding VAT."""

    min_quantity: Decimal
    unit_price: Decimal

    def __post_init__(self) -> None:
        _finite(self.min_quantity, self.unit_price)


@dataclass(frozen=True)
class OfferValues:
    product_id: int
    supplier_ref: str
    tiers: Sequence[TierValues]
    description: str = ""
    pack_size: Decimal = Decimal("1")
    min_order_quantity: Decimal = Decimal("0")
    capacity: Decimal | None = None
    lead_time_days: int = 3
    label: str = ""
    recycled_content: int = 0
    vat_rate: Decimal = Decimal("0.20")
    valid_from: date | None = None
    valid_until: date | None = None

    def __post_init__(self) -> None:
        _finite(self.pack_size, self.min_order_quantity, self.capacity, self.vat_rate)


# --- suppliers ---------------------------------------------------------------------------------


def create_supplier(
    session: Session,
    values: SupplierValues,
    labels: Sequence[LabelValues] = (),
    *,
    allow_duplicate: bool = False,
    config: EcoConfig | None = None,
) -> Supplier:
    """Adds a supplier with its labels. One that looks like a supplier already in the catalog
    (near-identical name in the same town) is refused unless `allow_duplicate`; a SIRET is
    never shared."""
    config = config or load_eco_config()
    social_economy = _check_supplier(session, values, labels, None, allow_duplicate, config)
    supplier = Supplier(social_economy=social_economy, labels=_label_rows(labels))
    _fill_supplier(supplier, values)
    session.add(supplier)
    session.flush()
    return supplier


def update_supplier(
    session: Session,
    supplier_id: int,
    values: SupplierValues,
    labels: Sequence[LabelValues] | None = None,
    *,
    allow_duplicate: bool = False,
    config: EcoConfig | None = None,
) -> Supplier:
    """Changes a supplier's details, and its labels unless `labels` is None."""
    supplier = _supplier(session, supplier_id)
    config = config or load_eco_config()
    social_economy = _check_supplier(
        session, values, labels or (), supplier, allow_duplicate, config
    )
    _fill_supplier(supplier, values)
    supplier.social_economy = social_economy
    if labels is not None:
        _replace_labels(session, supplier, labels)
    session.flush()
    return supplier


def set_supplier_labels(
    session: Session,
    supplier_id: int,
    labels: Sequence[LabelValues],
    config: EcoConfig | None = None,
) -> Supplier:
    """Replaces the labels a supplier holds. An expired label may be kept: it is shown expired
    and earns no eco points."""
    supplier = _supplier(session, supplier_id)
    errors: dict[str, Message] = {}
    _check_labels(labels, config or load_eco_config(), errors)
    if errors:
        raise Invalid(errors)
    _replace_labels(session, supplier, labels)
    session.flush()
    return supplier


class DuplicateSupplier(Invalid):
    """The supplier looks like one already in the catalog; `duplicates` names them."""

    def __init__(self, errors: dict[str, Message], duplicates: list[Supplier]) -> None:
        super().__init__(errors)
        self.duplicates = duplicates


def find_duplicate_suppliers(
    session: Session, name: str, siret: str | None, town: str, exclude_id: int | None = None
) -> list[tuple[Supplier, Message]]:
    """Suppliers already in the catalog that may be this one, with why: the same SIRET, or a
    near-identical name (legal form aside) in the same town. Same SIRET first."""
    found: list[tuple[Supplier, Message]] = []
    siret = (siret or "").replace(" ", "")
    if siret:
        same = session.scalar(select(Supplier).where(Supplier.siret == siret))
        if same is not None and same.id != exclude_id:
            found.append((same, Message(N_("same SIRET"))))
    wanted, place = _comparable_name(name), fold(town)
    if not wanted or not place:
        return found
    similar: list[tuple[float, Supplier]] = []
    for other in session.scalars(select(Supplier).order_by(Supplier.id)):
        if other.id == exclude_id or any(other is known for known, _ in found):
            continue
        if fold(other.town) != place:
            continue
        ratio = fuzz.ratio(wanted, _comparable_name(other.name))
        if ratio >= SIMILAR_NAME:
            similar.append((ratio, other))
    similar.sort(key=lambda item: -item[0])
    found += [(other, Message(N_("near-identical name in the same town"))) for _, other in similar]
    return found


def status_choices(config: EcoConfig | None = None) -> list[tuple[str, Rule]]:
    """The social-economy statuses a supplier may have: (value stored, rule of the eco table)."""
    config = config or load_eco_config()
    return [(_status_value(rule, config), rule) for rule in config.statuses]


def social_economy_choice(text: str | None, config: EcoConfig | None = None) -> str:
    """The stored value of the best status written in `text` (« Esat » → `ESAT`), or ""."""
    config = config or load_eco_config()
    rules = [rule for fact in split_labels(text) if (rule := config.status(fact.name))]
    best = max(rules, key=lambda rule: rule.points, default=None)
    return _status_value(best, config) if best else ""


def _supplier(session: Session, supplier_id: int) -> Supplier:
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound(Message(N_("No such supplier.")))
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
    _required(errors, "name", values.name, 200, N_("A name is required."))
    _required(errors, "town", values.town, 120, N_("A town is required."))
    for key, limit in (
        ("address", 300),
        ("postcode", 10),
        ("contact_name", 120),
        ("contact_email", 254),
        ("phone", 30),
    ):
        _at_most(errors, key, getattr(values, key), limit)
    siret = values.siret.replace(" ", "")
    if siret and not siret_is_valid(siret):
        errors["siret"] = Message(N_("A SIRET is 14 digits with a valid check digit."))
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
        _fits(errors, "delivery_fee", values.delivery_fee, 2, MAX_AMOUNT)
    if values.fee_waived_above is not None and values.fee_waived_above < 0:
        errors["fee_waived_above"] = Message(N_("The free-delivery threshold cannot be negative."))
    elif values.fee_waived_above is not None:
        _fits(errors, "fee_waived_above", values.fee_waived_above, 2, MAX_AMOUNT)
    social_economy = _check_status(values.social_economy, current, config, errors)
    _check_labels(labels, config, errors)
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


def _check_status(
    text: str, current: Supplier | None, config: EcoConfig, errors: dict[str, Message]
) -> str | None:
    text = " ".join(text.split())
    if not text:
        return None
    if current is not None and text == current.social_economy:
        return text
    facts = split_labels(text)
    rules = [config.status(fact.name) for fact in facts]
    if not facts or any(rule is None for rule in rules):
        errors["social_economy"] = Message(
            N_("Choose a status from the eco score's table, or none.")
        )
        return None
    return ", ".join(dict.fromkeys(_status_value(rule, config) for rule in rules if rule))


def _status_value(rule: Rule, config: EcoConfig) -> str:
    """How a status is written on a supplier so that the eco score reads it back as one status:
    its name, unless the name holds a separator (« … et solidaire (ESS) »), then a short alias."""
    for candidate in (rule.name, *(alias.upper() for alias in sorted(rule.aliases, key=len))):
        facts = split_labels(candidate)
        if len(facts) == 1 and config.status(candidate) == rule:
            return candidate
    return rule.name


def _fill_supplier(supplier: Supplier, values: SupplierValues) -> None:
    for key in ("name", "address", "postcode", "town", "contact_name", "phone"):
        setattr(supplier, key, " ".join(getattr(values, key).split()))
    supplier.contact_email = values.contact_email.strip()
    supplier.siret = values.siret.replace(" ", "") or None
    supplier.latitude = values.latitude
    supplier.longitude = values.longitude
    supplier.delivery_fee = values.delivery_fee
    supplier.fee_waived_above = values.fee_waived_above
    supplier.active = values.active


def _comparable_name(name: str) -> str:
    """« Ets Dupont & Fils SARL » → `dupont fils`: folded, legal forms left out."""
    return " ".join(word for word in fold(name).split() if word not in LEGAL_FORMS)


# --- labels ------------------------------------------------------------------------------------


def _check_labels(
    labels: Sequence[LabelValues], config: EcoConfig, errors: dict[str, Message]
) -> None:
    """A label has a name, at most once per supplier (aliases of one label count as one)."""
    seen: set[str] = set()
    for index, label in enumerate(labels):
        key = f"labels.{index}.name"
        name = " ".join(label.name.split())
        if not name:
            errors[key] = Message(N_("A label needs a name."))
            continue
        if _at_most(errors, key, name, 80):
            continue
        rule = config.label(name)
        identity = rule.key if rule else fold(name)
        if identity in seen:
            errors[key] = Message(N_("This label is already listed."))
        seen.add(identity)


def _label_rows(labels: Sequence[LabelValues]) -> list[SupplierLabel]:
    return [
        SupplierLabel(name=" ".join(label.name.split()), expires_on=label.expires_on)
        for label in labels
    ]


def _replace_labels(session: Session, supplier: Supplier, labels: Sequence[LabelValues]) -> None:
    # The old rows go before the new ones come, or a label kept under the same name would
    # collide with itself on the (supplier, name) unique key.
    supplier.labels.clear()
    session.flush()
    supplier.labels.extend(_label_rows(labels))


# --- offers ------------------------------------------------------------------------------------


def create_offer(session: Session, supplier_id: int, values: OfferValues) -> Offer:
    """Adds what `supplier_id` sells for a product, with its price tiers."""
    supplier = _supplier(session, supplier_id)
    _check_offer(session, supplier, values, None)
    offer = Offer(supplier=supplier, tiers=_tier_rows(values.tiers))
    _fill_offer(offer, values)
    session.add(offer)
    session.flush()
    return offer


def update_offer(session: Session, offer_id: int, values: OfferValues) -> Offer:
    """Changes an offer's terms; its price tiers are replaced by those given."""
    offer = _offer(session, offer_id)
    _check_offer(session, offer.supplier, values, offer)
    _fill_offer(offer, values)
    offer.tiers.clear()
    session.flush()
    offer.tiers.extend(_tier_rows(values.tiers))
    session.flush()
    return offer


def deactivate_offer(session: Session, offer_id: int) -> Offer:
    """The offer stays on record but is no longer proposed to members nor to the optimizer."""
    offer = _offer(session, offer_id)
    offer.active = False
    session.flush()
    return offer


def reactivate_offer(session: Session, offer_id: int) -> Offer:
    """A deactivated offer is proposed again."""
    offer = _offer(session, offer_id)
    offer.active = True
    session.flush()
    return offer


def _offer(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(Message(N_("No such offer.")))
    return offer


def _check_offer(
    session: Session, supplier: Supplier, values: OfferValues, current: Offer | None
) -> None:
    errors: dict[str, Message] = {}
    if session.get(Product, values.product_id) is None:
        errors["product_id"] = Message(N_("No such product."))
    missing_ref = N_("A supplier reference is required.")
    if not _required(errors, "supplier_ref", values.supplier_ref, 60, missing_ref):
        other = session.scalar(
            select(Offer).where(
                Offer.supplier_id == supplier.id, Offer.supplier_ref == values.supplier_ref.strip()
            )
        )
        if other is not None and other is not current:
            errors["supplier_ref"] = Message(
                N_("%(supplier)s already has an offer with reference %(ref)s."),
                {"supplier": supplier.name, "ref": other.supplier_ref},
            )
    _at_most(errors, "description", values.description, 300)
    _at_most(errors, "label", values.label, 80)
    if values.pack_size <= 0:
        errors["pack_size"] = Message(N_("A pack holds more than zero units."))
    else:
        _fits(errors, "pack_size", values.pack_size, 3, MAX_QUANTITY)
    if values.min_order_quantity < 0:
        errors["min_order_quantity"] = Message(N_("A minimum order cannot be negative."))
    else:
        _fits(errors, "min_order_quantity", values.min_order_quantity, 3, MAX_QUANTITY)
    if values.capacity is not None and values.capacity <= 0:
        errors["capacity"] = Message(
            N_("A capacity is more than zero; leave it empty when there is no limit.")
        )
    elif values.capacity is not None:
        _fits(errors, "capacity", values.capacity, 3, MAX_QUANTITY)
    if not 0 <= values.lead_time_days <= MAX_LEAD_TIME_DAYS:
        errors["lead_time_days"] = Message(
            N_("A lead time lies between 0 and %(maximum)d days."),
            {"maximum": MAX_LEAD_TIME_DAYS},
        )
    if not 0 <= values.recycled_content <= 100:
        errors["recycled_content"] = Message(
            N_("Recycled content is a share between 0 and %(maximum)d."), {"maximum": 100}
        )
    if values.vat_rate not in VAT_RATES:
        errors["vat_rate"] = Message(
            N_("VAT is one of the French rates: %(rates)s."), {"rates": "0 ; 2,1 ; 5,5 ; 10 ; 20 %"}
        )
    if values.valid_from and values.valid_until and values.valid_until < values.valid_from:
        errors["valid_until"] = Message(N_("The offer ends after it starts."))
    _check_tiers(values.tiers, errors)
    if errors:
        raise Invalid(errors)


def _check_tiers(tiers: Sequence[TierValues], errors: dict[str, Message]) -> None:
    """All-units discounts: at least one tier; each starts at more units than the one before
    (the first at zero or more); a unit price is never negative and never rises with quantity."""
    if not tiers:
        errors["tiers"] = Message(
            N_("Give at least one price tier: from a quantity, a unit price.")
        )
        return
    for index, tier in enumerate(tiers):
        quantity, price = f"tiers.{index}.min_quantity", f"tiers.{index}.unit_price"
        before = tiers[index - 1] if index else None
        if tier.min_quantity < 0:
            errors[quantity] = Message(N_("A tier starts at zero or more units."))
        elif before is not None and tier.min_quantity <= before.min_quantity:
            errors[quantity] = Message(N_("Each tier starts at more units than the one before."))
        else:
            _fits(errors, quantity, tier.min_quantity, 3, MAX_QUANTITY)
        if tier.unit_price < 0:
            errors[price] = Message(N_("A unit price cannot be negative."))
        elif before is not None and quantity not in errors and tier.unit_price > before.unit_price:
            errors[price] = Message(
                N_("Buying more never costs more per unit: this price is above the one before.")
            )
        else:
            _fits(errors, price, tier.unit_price, 4, MAX_AMOUNT)


def _tier_rows(tiers: Sequence[TierValues]) -> list[PriceTier]:
    return [PriceTier(min_quantity=t.min_quantity, unit_price=t.unit_price) for t in tiers]


def _fill_offer(offer: Offer, values: OfferValues) -> None:
    offer.product_id = values.product_id
    offer.supplier_ref = values.supplier_ref.strip()
    offer.description = " ".join(values.description.split())
    offer.label = " ".join(values.label.split()) or None
    offer.pack_size = values.pack_size
    offer.min_order_quantity = values.min_order_quantity
    offer.capacity = values.capacity
    offer.lead_time_days = values.lead_time_days
    offer.recycled_content = values.recycled_content
    offer.vat_rate = values.vat_rate
    offer.valid_from = values.valid_from
    offer.valid_until = values.valid_until


# --- values ------------------------------------------------------------------------------------


def _required(errors: dict[str, Message], key: str, text: str, limit: int, missing: str) -> bool:
    """Adds `missing` when `text` is blank, or an error when it is too long; says whether it did."""
    if not text.strip():
        errors[key] = Message(missing)
        return True
    return _at_most(errors, key, text, limit)


def _at_most(errors: dict[str, Message], key: str, text: str, limit: int) -> bool:
    if len(" ".join(text.split())) > limit:
        errors[key] = Message(N_("At most %(count)d characters."), {"count": limit})
        return True
    return False


def _fits(
    errors: dict[str, Message], key: str, number: Decimal, places: int, maximum: Decimal
) -> None:
    """The number stays below `maximum` and is stored with `places` decimals, not rounded."""
    if number >= maximum:
        errors[key] = Message(
            N_("That is more than %(maximum)s: please check the figure."),
            {"maximum": f"{maximum:,.0f}".replace(",", "\u00a0")},
        )
    elif number != number.quantize(Decimal(1).scaleb(-places)):
        errors[key] = Message(N_("At most %(places)d decimals."), {"places": places})


def _finite(*numbers: Decimal | None) -> None:
    if any(number is not None and not number.is_finite() for number in numbers):
        raise ValueError("catalog values are finite numbers")
