"""Keeping the catalog's suppliers: their details, terms, labels, and duplicates.

Each public function is a use case of the purchasing lead. It checks every value before it
touches anything and refuses with `Invalid`, naming each wrong field, so that a refusal changes
nothing. Otherwise it changes the rows and flushes; the caller commits.

Field names in the errors are those of the values (`delivery_fee`, `tiers`), and a row of a
list is named by its position in the list given: `labels.1.name`, `labels.1.expires_on`.
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

from persistence.audit import record_event
from suppliers.checks import MAX_AMOUNT, at_most, finite, fits, required
from suppliers.eco import EcoConfig, Rule, fold, load_eco_config, split_labels
from suppliers.errors import N_, Invalid, Message, NotFound
from suppliers.models import Supplier, SupplierLabel
from suppliers.siret import siret_is_valid

SIMILAR_NAME = 90
"""rapidfuzz ratio (0–100) from which two supplier names in one town are taken for one company."""

LEGAL_FORMS = frozenset(
    {"sa", "sas", "sasu", "sarl", "sarlu", "eurl", "snc", "sci", "selarl", "cie", "ste", "societe",
     "ets", "etablissement", "etablissements"}
)  # fmt: skip
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
        finite(self.delivery_fee, self.fee_waived_above)


@dataclass(frozen=True)
class LabelValues:
    """A label the supplier holds; without an expiry date it is taken as valid."""

    name: str
    expires_on: date | None = None


# --- suppliers ---------------------------------------------------------------------------------


def create_supplier(
    session: Session,
    values: SupplierValues,
    labels: Sequence[LabelValues] = (),
    *,
    allow_duplicate: bool = False,
    config: EcoConfig | None = None,
    actor_id: int | None = None,
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
    record_event(session, actor_id, "supplier.create", "supplier", supplier.id, name=supplier.name)
    return supplier


def update_supplier(
    session: Session,
    supplier_id: int,
    values: SupplierValues,
    labels: Sequence[LabelValues] | None = None,
    *,
    allow_duplicate: bool = False,
    config: EcoConfig | None = None,
    actor_id: int | None = None,
) -> Supplier:
    """Changes a supplier's details, and its labels unless `labels` is None."""
    supplier = supplier_by_id(session, supplier_id)
    config = config or load_eco_config()
    social_economy = _check_supplier(
        session, values, labels or (), supplier, allow_duplicate, config
    )
    _fill_supplier(supplier, values)
    supplier.social_economy = social_economy
    if labels is not None:
        _replace_labels(session, supplier, labels)
    session.flush()
    record_event(session, actor_id, "supplier.update", "supplier", supplier.id, name=supplier.name)
    return supplier


def set_supplier_labels(
    session: Session,
    supplier_id: int,
    labels: Sequence[LabelValues],
    config: EcoConfig | None = None,
) -> Supplier:
    """Replaces the labels a supplier holds. An expired label may be kept: it is shown expired
    and earns no eco points."""
    supplier = supplier_by_id(session, supplier_id)
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


def supplier_by_id(session: Session, supplier_id: int) -> Supplier:
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
        if at_most(errors, key, name, 80):
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
