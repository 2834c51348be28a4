"""Keeping the product list: the lead creates, renames, recategorises and merges products.

A product's unit is what its offers' prices and its needs' quantities are counted in: it can
change only while nothing counts in it yet. Its shipping step (`suppliers.shipping`) can change
while every active offer's pack and every need still to be pooled is a whole number of the new
step. Merging two products moves everything of the one
merged into the one kept; the supply side moves the offers, the demand side its needs (see
`purchasing.needs.products`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from persistence import by_name
from persistence.audit import Actor, record_event
from persistence.ids import parse_id
from suppliers.errors import N_, Conflict, Invalid, Message, NotFound
from suppliers.models import STANDING, UNITS, Category, Offer, Product
from suppliers.shipping import is_multiple, read_step

NAME_MAX = 200
DESCRIPTION_MAX = 2000


@dataclass(frozen=True)
class ProductValues:
    """A product's fields once checked."""

    name: str
    category_id: int
    unit: str
    description: str
    shipping_step: Decimal = Decimal(1)


def read_product(
    session: Session, raw: Mapping[str, object], product_id: int | None = None
) -> ProductValues:
    """Checks what the lead typed; raises `Invalid` naming every field that is wrong."""
    errors: dict[str, Message] = {}
    name = " ".join(str(raw.get("name") or "").split())
    if not name:
        errors["name"] = Message(N_("Give the product a name."))
    elif len(name) > NAME_MAX:
        errors["name"] = Message(
            N_("Keep the name under %(count)d characters."), {"count": NAME_MAX}
        )
    else:
        same = session.scalar(
            select(Product).where(
                func.lower(Product.name) == name.lower(), Product.id != (product_id or 0)
            )
        )
        if same is not None:
            errors["name"] = Message(
                N_("The catalog already has a product named %(name)s."), {"name": same.name}
            )
    category_text = str(raw.get("category_id") or "").strip()
    category_id = parse_id(category_text)
    category = session.get(Category, category_id) if category_id is not None else None
    if category is None:
        errors["category_id"] = Message(N_("Choose a category."))
    unit = str(raw.get("unit") or "").strip()
    if unit not in UNITS:
        errors["unit"] = Message(N_("Unknown unit %(unit)s."), {"unit": unit})
    description = str(raw.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = Message(
            N_("Keep the description under %(count)d characters."), {"count": DESCRIPTION_MAX}
        )
    step = read_step(raw.get("shipping_step"))
    if not isinstance(step, Decimal):
        errors["shipping_step"] = step
    if errors:
        raise Invalid(errors)
    assert category is not None and isinstance(step, Decimal)
    return ProductValues(name, category.id, unit, description, step)


def product_by_id(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound(Message(N_("No such product.")))
    return product


def create_product(session: Session, values: ProductValues, *, actor: Actor | None) -> Product:
    """Adds a product to the catalog. Flushes; the caller commits."""
    product = Product(**values.__dict__)
    session.add(product)
    session.flush()
    record_event(session, "product.create", "product", product.id, actor=actor, name=product.name)
    return product


def update_product(
    session: Session,
    product_id: int,
    values: ProductValues,
    *,
    actor: Actor | None,
    unit_in_use: bool,
    needs_off_step: int = 0,
) -> Product:
    """Renames or recategorises a product; its unit changes only when `unit_in_use` is false
    (no offer and no need counts in it); its shipping step only to one that every active
    offer's pack is a whole number of, and `needs_off_step` (needs still to be pooled that are
    not a whole number of the new step, counted by the demand side) is zero."""
    product = product_by_id(session, product_id)
    in_use = unit_in_use or bool(
        session.scalar(select(func.count(Offer.id)).where(Offer.product_id == product.id))
    )
    if values.unit != product.unit and in_use:
        raise Invalid(
            {
                "unit": Message(
                    N_("Offers or needs count in %(unit)s: the unit cannot change."),
                    {"unit": product.unit},
                )
            }
        )
    if values.shipping_step != product.shipping_step:
        _check_step(session, product, values.shipping_step, needs_off_step)
    before = {
        "name": product.name,
        "category": product.category_id,
        "unit": product.unit,
        "shipping_step": str(product.shipping_step.normalize()),
    }
    for name, value in values.__dict__.items():
        setattr(product, name, value)
    session.flush()
    record_event(session, "product.update", "product", product.id, actor=actor, before=before)
    return product


def _check_step(session: Session, product: Product, step: Decimal, needs_off_step: int) -> None:
    packs = session.scalars(
        select(Offer).where(Offer.product_id == product.id, Offer.active.is_(True), STANDING)
    )
    off = sorted(o.supplier_ref for o in packs if not is_multiple(o.pack_size, step))
    if off:
        raise Invalid(
            {
                "shipping_step": Message(
                    N_("The packs of offers %(refs)s are not a whole number of this step."),
                    {"refs": ", ".join(off[:5]) + (", …" if len(off) > 5 else "")},
                )
            }
        )
    if needs_off_step:
        raise Invalid(
            {
                "shipping_step": Message(
                    N_(
                        "Needs still to be pooled (%(count)d) are not a whole number of this "
                        "step: change or cancel them first."
                    ),
                    {"count": needs_off_step},
                )
            }
        )


def merge_offers(session: Session, kept_id: int, merged_id: int, *, actor: Actor | None) -> int:
    """The supply side of a merge: the offers of the merged product go to the one kept, and the
    merged product leaves the catalog. Returns how many offers moved."""
    if kept_id == merged_id:
        raise Invalid({"merged_id": Message(N_("Choose another product to merge."))})
    kept, merged = product_by_id(session, kept_id), product_by_id(session, merged_id)
    if not merged.active:
        raise Conflict(Message(N_("This product has already left the catalog.")))
    if kept.unit != merged.unit:
        raise Invalid(
            {
                "merged_id": Message(
                    N_("%(name)s is counted in another unit: it cannot be merged."),
                    {"name": merged.name},
                )
            }
        )
    moved = session.execute(
        update(Offer)
        .where(Offer.product_id == merged.id)
        .values(product_id=kept.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount  # type: ignore[attr-defined]
    merged.active = False
    session.flush()
    record_event(
        session,
        "product.merge",
        "product",
        kept.id,
        actor=actor,
        merged=merged.id,
        merged_name=merged.name,
        offers=moved,
    )
    return int(moved or 0)


def products_to_offer(session: Session, current_id: int = 0) -> list[Product]:
    """The products an offer can be for: the active ones, and the one it is for already even if
    it was made inactive since, by name."""
    return list(
        session.scalars(
            select(Product)
            .where(Product.active.is_(True) | (Product.id == current_id))
            .order_by(by_name(Product.name))
        )
    )
