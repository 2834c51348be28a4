"""The catalog: everyone reads products, suppliers and offers; a lead creates and changes
offers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate

from purchasing.permissions import CHANGE_CATALOG
from suppliers import catalog
from suppliers.directory import supplier_by_id
from suppliers.errors import N_, Message, NotFound
from suppliers.models import Offer, Product, Supplier
from suppliers.offers import (
    VAT_RATES,
    OfferValues,
    TierValues,
    create_offer,
    offer_by_id,
    update_offer,
)
from web import db
from web.api import ID, blueprint
from web.api.auth import allowed_to, caller, members_and_leads
from web.api.schemas import DecimalString, Id, PageArgs, page_of

TAGS = ["catalog"]


class ProductSchema(Schema):
    """A canonical catalog entry; needs and offers point to it."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    category = fields.Function(lambda product: product.category.name, required=True)
    unit = fields.String(required=True)
    description = fields.String(required=True)


class LabelSchema(Schema):
    name = fields.String(required=True)
    expires_on = fields.Date(required=True, allow_none=True)


class SupplierSchema(Schema):
    """A supplier and its delivery terms."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    siret = fields.String(required=True, allow_none=True)
    siren = fields.String(required=True, allow_none=True)
    vat_number = fields.String(required=True, allow_none=True)
    town = fields.String(required=True)
    postcode = fields.String(required=True)
    social_economy = fields.String(required=True, allow_none=True)
    labels = fields.List(fields.Nested(LabelSchema), required=True)
    delivery_fee = DecimalString(places=2, required=True)
    fee_waived_above = DecimalString(places=2, required=True, allow_none=True)
    active = fields.Boolean(required=True)


class TierSchema(Schema):
    """From `min_quantity` units on, every unit costs `unit_price` excluding VAT."""

    min_quantity = DecimalString(places=3, required=True)
    unit_price = DecimalString(places=4, required=True)


class OfferSchema(Schema):
    """What a supplier sells for a product, on what terms."""

    id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    product_id = fields.Integer(required=True)
    supplier_ref = fields.String(required=True)
    description = fields.String(required=True)
    pack_size = DecimalString(places=3, required=True)
    min_order_quantity = DecimalString(places=3, required=True)
    capacity = DecimalString(places=3, required=True, allow_none=True)
    lead_time_days = fields.Integer(required=True)
    label = fields.String(required=True, allow_none=True)
    recycled_content = fields.Integer(required=True)
    vat_rate = DecimalString(places=4, required=True)
    valid_from = fields.Date(required=True, allow_none=True)
    valid_until = fields.Date(required=True, allow_none=True)
    active = fields.Boolean(required=True)
    tiers = fields.List(fields.Nested(TierSchema), required=True)
    updated_at = fields.DateTime(required=True)


class TierIn(Schema):
    min_quantity = DecimalString(required=True)
    unit_price = DecimalString(required=True)


class OfferIn(Schema):
    """An offer's terms; its price tiers replace those it had."""

    product_id = Id(required=True)
    supplier_ref = fields.String(required=True, validate=validate.Length(max=60))
    description = fields.String(validate=validate.Length(max=300), load_default="")
    pack_size = DecimalString(load_default=Decimal("1"))
    min_order_quantity = DecimalString(load_default=Decimal("0"))
    capacity = DecimalString(allow_none=True, load_default=None)
    lead_time_days = fields.Integer(
        strict=True, validate=validate.Range(min=0, max=365), load_default=3
    )
    label = fields.String(validate=validate.Length(max=80), load_default="")
    recycled_content = fields.Integer(
        strict=True, validate=validate.Range(min=0, max=100), load_default=0
    )
    vat_rate = DecimalString(
        load_default=Decimal("0.20"),
        metadata={"enum": [f"{rate:f}" for rate in VAT_RATES]},
    )
    valid_from = fields.Date(allow_none=True, load_default=None)
    valid_until = fields.Date(allow_none=True, load_default=None)
    tiers = fields.List(
        fields.Nested(TierIn), required=True, validate=validate.Length(min=1, max=20)
    )


class NewOfferIn(OfferIn):
    supplier_id = Id(required=True)


SupplierPage = page_of(SupplierSchema, "SupplierPage")
ProductPage = page_of(ProductSchema, "ProductPage")
OfferPage = page_of(OfferSchema, "OfferPage")


class TextArgs(PageArgs):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Name has."})


class OfferFilterArgs(PageArgs):
    product_id = Id(strict=False)
    supplier_id = Id(strict=False)


def _values(data: dict[str, Any]) -> OfferValues:
    return OfferValues(
        product_id=data["product_id"],
        supplier_ref=data["supplier_ref"],
        description=data["description"],
        pack_size=data["pack_size"],
        min_order_quantity=data["min_order_quantity"],
        capacity=data["capacity"],
        lead_time_days=data["lead_time_days"],
        label=data["label"],
        recycled_content=data["recycled_content"],
        vat_rate=data["vat_rate"],
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
        tiers=[TierValues(tier["min_quantity"], tier["unit_price"]) for tier in data["tiers"]],
    )


@blueprint.route("/products", tags=TAGS)
@members_and_leads
@blueprint.arguments(TextArgs, location="query")
@blueprint.response(200, ProductPage)
def list_products(args: dict[str, Any]) -> Any:
    """The active products, by name."""
    return catalog.products_page(db.session(), args["page"], args["per_page"], args.get("q", ""))


@blueprint.route(f"/products/<{ID}:product_id>", tags=TAGS)
@members_and_leads
@blueprint.response(200, ProductSchema)
def show_product(product_id: int) -> Product:
    product, _offers = catalog.product_offers(db.session(), product_id)
    return product


@blueprint.route("/suppliers", tags=TAGS)
@members_and_leads
@blueprint.arguments(TextArgs, location="query")
@blueprint.response(200, SupplierPage)
def list_suppliers(args: dict[str, Any]) -> Any:
    """The suppliers, by name."""
    return catalog.suppliers_page(db.session(), args["page"], args["per_page"], args.get("q", ""))


@blueprint.route(f"/suppliers/<{ID}:supplier_id>", tags=TAGS)
@members_and_leads
@blueprint.response(200, SupplierSchema)
def show_supplier(supplier_id: int) -> Supplier:
    return supplier_by_id(db.session(), supplier_id)


@blueprint.route("/offers", tags=TAGS)
@members_and_leads
@blueprint.arguments(OfferFilterArgs, location="query")
@blueprint.response(200, OfferPage)
def list_offers(args: dict[str, Any]) -> Any:
    """The offers, of one product or one supplier if asked; a member sees the active ones, a
    lead all of them."""
    return catalog.offers_page(
        db.session(),
        args["page"],
        args["per_page"],
        product_id=args.get("product_id"),
        supplier_id=args.get("supplier_id"),
        active_only=not caller().is_lead,
    )


@blueprint.route(f"/offers/<{ID}:offer_id>", tags=TAGS)
@members_and_leads
@blueprint.response(200, OfferSchema)
def show_offer(offer_id: int) -> Offer:
    offer = offer_by_id(db.session(), offer_id)
    if not offer.active and not caller().is_lead:
        raise NotFound(Message(N_("No such offer.")))
    return offer


@blueprint.route("/offers", methods=["POST"], tags=TAGS)
@allowed_to(CHANGE_CATALOG)
@blueprint.arguments(NewOfferIn)
@blueprint.response(201, OfferSchema)
def new_offer(data: dict[str, Any]) -> Offer:
    """Adds an offer of a supplier for a product, with its price tiers."""
    return create_offer(db.session(), data["supplier_id"], _values(data), actor=caller())


@blueprint.route(f"/offers/<{ID}:offer_id>", methods=["PUT"], tags=TAGS)
@allowed_to(CHANGE_CATALOG)
@blueprint.arguments(OfferIn)
@blueprint.response(200, OfferSchema)
def change_offer(data: dict[str, Any], offer_id: int) -> Offer:
    """Changes an offer's terms; its price tiers are replaced by those given."""
    return update_offer(db.session(), offer_id, _values(data), actor=caller())
