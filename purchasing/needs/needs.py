"""Members' purchase needs: submitting, changing and cancelling them until they are pooled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from persistence.audit import record_event
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import COMMENT_MAX, DeliverySite, Need, User
from purchasing.parsing import parse_date, parse_decimal
from purchasing.permissions import CHANGE_NEED, MATCH_NEED, SEE_NEED, SUBMIT_NEED, require
from suppliers.models import UNITS, Product
from suppliers.shipping import off_step

MAX_QUANTITY = Decimal("1000000")
MAX_PRICE = Decimal("100000")
MAX_HORIZON = timedelta(days=730)
FREE_TEXT_MAX = 300


@dataclass(frozen=True)
class NeedValues:
    """A need's fields once checked."""

    product_id: int | None
    free_text: str
    quantity: Decimal
    unit: str
    tolerance_percent: int
    needed_by: date
    delivery_site_id: int
    price_ceiling: Decimal | None
    comment: str
    standing: bool = False


def read_need(
    session: Session, member_id: int, raw: Mapping[str, object], today: date
) -> NeedValues:
    """Checks what a member typed; raises `Invalid` naming every field that is wrong. This is
    the one rule for a need, from a page, the API or a command: a catalog product's quantity
    is a whole number of its shipping step (`suppliers.shipping`).

    `raw` holds strings as a form sends them (or numbers from the API): product_id,
    free_text, quantity, unit, tolerance_percent, needed_by, delivery_site_id,
    price_ceiling, comment, standing (the need comes back every round until cancelled).
    `today` is the cooperative's date (Europe/Paris).
    """
    errors: dict[str, Message] = {}

    product: Product | None = None
    product_id_raw = str(raw.get("product_id") or "").strip()
    free_text = str(raw.get("free_text") or "").strip()
    if product_id_raw:
        if product_id_raw.isdigit():
            product = session.get(Product, int(product_id_raw))
        if product is None or not product.active:
            errors["product_id"] = Message(N_("This product is not in the catalog."))
    elif not free_text:
        errors["product_id"] = Message(
            N_("Choose a catalog product or describe what you need in a few words.")
        )
    if len(free_text) > FREE_TEXT_MAX:
        errors["free_text"] = Message(
            N_("Keep the description under %(count)d characters."), {"count": FREE_TEXT_MAX}
        )

    quantity = parse_decimal(raw.get("quantity"))
    if quantity is None:
        errors["quantity"] = Message(N_("Enter the quantity as a number, for example 40 or 2,5."))
    elif quantity <= 0:
        errors["quantity"] = Message(N_("The quantity must be more than zero."))
    elif quantity > MAX_QUANTITY:
        errors["quantity"] = Message(
            N_("%(quantity)s is more than the %(maximum)s units a need can ask for."),
            {"quantity": str(quantity), "maximum": "1 000 000"},
        )
    elif quantity != quantity.quantize(Decimal("0.001")):
        errors["quantity"] = Message(N_("Give the quantity with at most three decimals."))
    elif product is not None and (off := off_step(product, quantity)) is not None:
        errors["quantity"] = off

    unit = str(raw.get("unit") or (product.unit if product else "unit")).strip()
    if product is not None:
        unit = product.unit
    elif unit not in UNITS:
        errors["unit"] = Message(N_("Unknown unit %(unit)s."), {"unit": unit})

    tolerance = parse_decimal(raw.get("tolerance_percent") or "0")
    if tolerance is None or tolerance != tolerance.to_integral_value() or not 0 <= tolerance <= 100:
        errors["tolerance_percent"] = Message(
            N_("The tolerance is a whole percentage between 0 and 100.")
        )

    needed_by = parse_date(raw.get("needed_by"))
    if needed_by is None:
        errors["needed_by"] = Message(N_("Enter the date as DD/MM/YYYY."))
    elif needed_by <= today:
        errors["needed_by"] = Message(N_("The needed-by date must be after today."))
    elif needed_by > today + MAX_HORIZON:
        errors["needed_by"] = Message(N_("The needed-by date must be within two years."))

    site: DeliverySite | None = None
    site_raw = str(raw.get("delivery_site_id") or "").strip()
    if site_raw.isdigit():
        site = session.get(DeliverySite, int(site_raw))
    if site is None or site.member_id != member_id or not site.active:
        errors["delivery_site_id"] = Message(N_("Choose one of your delivery sites."))

    ceiling: Decimal | None = None
    ceiling_raw = raw.get("price_ceiling")
    if ceiling_raw not in (None, ""):
        ceiling = parse_decimal(ceiling_raw)
        if ceiling is None or ceiling < 0 or ceiling > MAX_PRICE:
            errors["price_ceiling"] = Message(
                N_("The price ceiling is a unit price in euros, between 0 and 100 000.")
            )

    comment = str(raw.get("comment") or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = Message(
            N_("Keep the comment under %(count)d characters (it has %(length)d)."),
            {"count": COMMENT_MAX, "length": len(comment)},
        )

    if errors:
        raise Invalid(errors)
    assert quantity is not None and tolerance is not None and needed_by is not None
    assert site is not None
    return NeedValues(
        product_id=product.id if product else None,
        free_text="" if product else free_text,
        quantity=quantity,
        unit=unit,
        tolerance_percent=int(tolerance),
        needed_by=needed_by,
        delivery_site_id=site.id,
        price_ceiling=ceiling,
        comment=comment,
        standing=str(raw.get("standing") or "").strip().lower() in ("1", "true", "on", "y", "yes"),
    )


def _member_of(user: User) -> int:
    if user.member_id is None:
        raise Invalid({"member_id": Message(N_("Only a member company's users submit needs."))})
    return user.member_id


def submit_need(
    session: Session,
    raw: Mapping[str, object],
    today: date,
    *,
    actor: User,
    member_id: int | None = None,
) -> Need:
    """A member's user submits a need for their company (a lead may submit for any member)."""
    target = member_id if member_id is not None and actor.is_lead else _member_of(actor)
    require(actor, SUBMIT_NEED, target)
    values = read_need(session, target, raw, today)
    need = Need(member_id=target, created_by_id=actor.id, status="submitted", **values.__dict__)
    session.add(need)
    session.flush()
    record_event(
        session, "need.submit", "need", need.id, actor=actor, quantity=str(values.quantity)
    )
    return need


def visible_need(session: Session, user: User, need_id: int) -> Need:
    """The need, if `user` may see it: leads see all, members only their company's."""
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(Message(N_("No such need.")))
    require(user, SEE_NEED, need.member_id)
    return need


def update_need(
    session: Session, need_id: int, raw: Mapping[str, object], today: date, *, actor: User
) -> Need:
    """Changes a need that is not yet pooled."""
    need = _locked(session, visible_need(session, actor, need_id))
    require(actor, CHANGE_NEED, need.member_id)
    if not need.editable:
        raise Conflict(Message(N_("This need is already pooled and can no longer change.")))
    values = read_need(session, need.member_id, raw, today)
    for name, value in values.__dict__.items():
        setattr(need, name, value)
    _flush_unless_pooled(session, N_("This need was pooled meanwhile and can no longer change."))
    record_event(session, "need.update", "need", need.id, actor=actor)
    return need


def _locked(session: Session, need: Need) -> Need:
    """The need as it stands now, locked until the change is committed: a round closing at
    the same moment either pooled it already (the change is refused) or waits for it."""
    session.refresh(need, with_for_update=True)
    return need


def _flush_unless_pooled(session: Session, refusal: str) -> None:
    """Writes a member's change, unless a round pooled the need since it was read (where rows
    cannot be locked): its version moved on, and the change is refused rather than written over
    the pooled need. The caller's boundary rolls the failed transaction back."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(Message(refusal)) from None


def cancel_need(session: Session, need_id: int, *, actor: User) -> Need:
    """Cancels a need that is not yet pooled."""
    need = _locked(session, visible_need(session, actor, need_id))
    require(actor, CHANGE_NEED, need.member_id)
    if not need.editable:
        raise Conflict(Message(N_("This need is already pooled and can no longer be cancelled.")))
    need.status = "cancelled"
    need.status_reason = N_("cancelled by the member")
    _flush_unless_pooled(
        session, N_("This need was pooled meanwhile and can no longer be cancelled.")
    )
    record_event(session, "need.cancel", "need", need.id, actor=actor)
    return need


def match_need(session: Session, need_id: int, product_id: int, *, actor: User) -> Need:
    """The purchasing lead attaches a catalog product to a need typed as free text, so that it
    can be pooled; the member's text stays in the comment."""
    require(actor, MATCH_NEED)
    need = visible_need(session, actor, need_id)
    if need.product_id is not None:
        raise Conflict(Message(N_("This need already names a catalog product.")))
    if not need.editable:
        raise Conflict(Message(N_("This need is already pooled and can no longer change.")))
    product = session.get(Product, product_id)
    if product is None or not product.active:
        raise Invalid({"product_id": Message(N_("This product is not in the catalog."))})
    off = off_step(product, need.quantity)
    if off is not None:
        # the member asked for a quantity the product is not shipped in: it must say again
        raise Invalid({"product_id": off})
    typed = need.free_text
    need.product_id = product.id
    need.unit = product.unit
    need.free_text = ""
    note = f"« {typed} »"
    need.comment = f"{note}\n{need.comment}".strip()[:COMMENT_MAX] if need.comment else note
    session.flush()
    record_event(
        session, "need.match", "need", need.id, actor=actor, product=product.id, text=typed
    )
    return need


def status_counts(session: Session, user: User) -> dict[str, int]:
    """How many of the needs `user` may see are in each status."""
    query = select(Need.status, func.count(Need.id)).group_by(Need.status)
    if not user.is_lead:
        query = query.where(Need.member_id == user.member_id)
    return {status: count for status, count in session.execute(query)}


def needs_of(session: Session, user: User, status: str | None = None) -> list[Need]:
    """The needs `user` may see, newest first: their company's, or all for a lead."""
    query = (
        select(Need)
        .options(joinedload(Need.product), joinedload(Need.delivery_site), joinedload(Need.member))
        .order_by(Need.created_at.desc(), Need.id.desc())
    )
    if not user.is_lead:
        query = query.where(Need.member_id == user.member_id)
    if status:
        query = query.where(Need.status == status)
    return list(session.scalars(query))
