"""The needs list as the lead reads it: filtered by member, product and status, a page at a
time, with the totals per product of everything the filter selects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from persistence.ids import parse_id, parse_page
from purchasing.errors import N_, Invalid, Message
from purchasing.models import NEED_STATUSES, Allocation, Need, User
from suppliers.models import Product

PER_PAGE = 50


@dataclass(frozen=True)
class NeedFilter:
    """Which needs to list; None leaves a criterion open."""

    member_id: int | None = None
    product_id: int | None = None
    status: str | None = None
    page: int = 1


@dataclass(frozen=True)
class ProductTotal:
    product_id: int | None
    product: str
    unit: str
    quantity: Decimal
    needs: int
    members: int


@dataclass(frozen=True)
class NeedsPage:
    needs: list[Need]
    total: int
    page: int
    pages: int
    totals: list[ProductTotal]


def read_filter(raw: Mapping[str, object]) -> NeedFilter:
    """The filter from a query string; raises `Invalid` naming a criterion that makes no sense."""
    errors: dict[str, Message] = {}

    def number(name: str, message: Message) -> int | None:
        text = str(raw.get(name) or "").strip()
        if not text:
            return None
        value = parse_page(text) if name == "page" else parse_id(text)
        if value is None:
            errors[name] = message
        return value

    member_id = number("member", Message(N_("Choose a member from the list.")))
    product_id = number("product", Message(N_("Choose a product from the list.")))
    page = number("page", Message(N_("The page is a whole number from 1."))) or 1
    status = str(raw.get("status") or "").strip() or None
    if status is not None and status not in NEED_STATUSES:
        errors["status"] = Message(N_("Unknown status %(status)s."), {"status": status})
    if errors:
        raise Invalid(errors)
    return NeedFilter(member_id, product_id, status, page)


def _filtered(query: Select, user: User, wanted: NeedFilter) -> Select:  # type: ignore[type-arg]
    if not user.is_lead:
        query = query.where(Need.member_id == user.member_id)
    elif wanted.member_id is not None:
        query = query.where(Need.member_id == wanted.member_id)
    if wanted.product_id is not None:
        query = query.where(Need.product_id == wanted.product_id)
    if wanted.status is not None:
        query = query.where(Need.status == wanted.status)
    return query


def needs_page(
    session: Session, user: User, wanted: NeedFilter, per_page: int = PER_PAGE
) -> NeedsPage:
    """One page of the needs `user` may see under `wanted`, newest first, and the totals."""
    total = session.scalar(_filtered(select(func.count(Need.id)), user, wanted)) or 0
    pages = max(1, -(-total // per_page))
    page = min(wanted.page, pages)
    needs = list(
        session.scalars(
            _filtered(select(Need), user, wanted)
            .options(
                joinedload(Need.product), joinedload(Need.delivery_site), joinedload(Need.member)
            )
            .order_by(Need.created_at.desc(), Need.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    rows = session.execute(
        _filtered(
            select(
                Need.product_id,
                Product.name,
                Product.unit,
                func.sum(Need.quantity),
                func.count(Need.id),
                func.count(func.distinct(Need.member_id)),
            )
            .join(Product, Need.product_id == Product.id)
            .group_by(Need.product_id, Product.name, Product.unit),
            user,
            wanted,
        )
    )
    totals = sorted(
        (
            ProductTotal(row[0], row[1], row[2], Decimal(row[3]), int(row[4]), int(row[5]))
            for row in rows
        ),
        key=lambda total: total.product.casefold(),
    )
    return NeedsPage(needs, total, page, pages, totals)


@dataclass(frozen=True)
class PricePaid:
    """What an allocated need costs its member: units served, the unit price the group
    reached, the goods alone (units at that price) and the total with the need's share of
    fees and delivery."""

    quantity: Decimal
    unit_price: Decimal
    total: Decimal
    goods: Decimal


def prices_paid(session: Session, need_ids: list[int]) -> dict[int, PricePaid]:
    """The price paid for each of `need_ids` that an approved batch allocated."""
    if not need_ids:
        return {}
    rows = session.execute(
        select(
            Allocation.need_id,
            func.sum(Allocation.quantity),
            func.sum(Allocation.goods_total),
            func.sum(Allocation.goods_total + Allocation.fee_share + Allocation.delivery_share),
        )
        .where(Allocation.need_id.in_(need_ids))
        .group_by(Allocation.need_id)
    )
    paid = {}
    for need_id, quantity, goods, total in rows:
        if quantity:
            unit = (Decimal(goods) / Decimal(quantity)).quantize(Decimal("0.0001"))
            paid[need_id] = PricePaid(Decimal(quantity), unit, Decimal(total), Decimal(goods))
    return paid


def needs_waiting_match(session: Session, limit: int = 50) -> list[Need]:
    """Submitted needs typed as free text, which the lead matches to a catalog product before
    they can be pooled, oldest first."""
    return list(
        session.scalars(
            select(Need)
            .where(Need.status == "submitted", Need.product_id.is_(None))
            .order_by(Need.id)
            .limit(limit)
        )
    )
