"""Needs: a member's token reads and changes its company's needs; a lead's reads them all."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from marshmallow import Schema, fields, validate

from purchasing.clock import cooperative_today
from purchasing.models import NEED_STATUSES, Need
from purchasing.needs.needs import cancel_need, submit_need, update_need, visible_need
from purchasing.needs.needs_list import needs_page, read_filter
from suppliers.models import UNITS
from web import db
from web.api import ID, blueprint
from web.api.auth import caller, members_and_leads
from web.api.schemas import DecimalString, Id, PageArgs, page_of

TAGS = ["needs"]


class NeedSchema(Schema):
    """A member's purchase need."""

    id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member = fields.Function(lambda need: need.member.name, required=True)
    product_id = fields.Integer(required=True, allow_none=True)
    product = fields.Function(
        lambda need: need.product.name if need.product else None, required=True, allow_none=True
    )
    free_text = fields.String(required=True)
    quantity = DecimalString(places=3, required=True)
    unit = fields.String(required=True)
    tolerance_percent = fields.Integer(required=True)
    needed_by = fields.Date(required=True)
    delivery_site_id = fields.Integer(required=True)
    price_ceiling = DecimalString(places=4, required=True, allow_none=True)
    comment = fields.String(required=True)
    standing = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={"enum": list(NEED_STATUSES)})
    status_reason = fields.String(required=True)
    round_id = fields.Integer(required=True, allow_none=True)
    batch_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


NeedPage = page_of(NeedSchema, "NeedPage")


class NeedFilterArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(NEED_STATUSES))
    member_id = Id(
        strict=False, metadata={"description": "Leads only: the needs of one member company."}
    )
    product_id = Id(strict=False)


class NeedIn(Schema):
    """A need as a member states it: a catalog product, or a few words awaiting a match."""

    product_id = Id(allow_none=True)
    free_text = fields.String(validate=validate.Length(max=300))
    quantity = DecimalString(
        rules_check_sign=True, required=True, metadata={"examples": ["40", "2.5"]}
    )
    unit = fields.String(
        validate=validate.OneOf(UNITS),
        metadata={"description": "Ignored when a product is named: the product's unit."},
    )
    tolerance_percent = fields.Integer(strict=True, validate=validate.Range(min=0, max=100))
    needed_by = fields.Date(required=True)
    delivery_site_id = Id(required=True)
    price_ceiling = DecimalString(allow_none=True)
    comment = fields.String(validate=validate.Length(max=2000))
    standing = fields.Boolean(metadata={"description": "Comes back every round until cancelled."})


class NewNeedIn(NeedIn):
    member_id = Id(metadata={"description": "Leads only: the member company the need is for."})


def _raw(data: dict[str, Any]) -> dict[str, object]:
    """The values as the use case reads them (the same as the need form's)."""
    return {**data, "standing": "1" if data.get("standing") else ""}


@blueprint.route("/needs", tags=TAGS)
@members_and_leads
@blueprint.arguments(NeedFilterArgs, location="query")
@blueprint.response(200, NeedPage)
def list_needs(args: dict[str, Any]) -> dict[str, Any]:
    """The needs the token's user may see, newest first: its company's, or all for a lead."""
    wanted = read_filter(
        {
            "member": args.get("member_id"),
            "product": args.get("product_id"),
            "status": args.get("status"),
            "page": args["page"],
        }
    )
    page = needs_page(db.session(), caller(), wanted, per_page=args["per_page"])
    return {
        "items": page.needs if args["page"] <= page.pages else [],
        "page": args["page"],
        "per_page": args["per_page"],
        "total": page.total,
        "pages": page.pages,
    }


@blueprint.route("/needs", methods=["POST"], tags=TAGS)
@members_and_leads
@blueprint.arguments(NewNeedIn)
@blueprint.response(201, NeedSchema)
def submit(data: dict[str, Any]) -> Need:
    """Submits a need for the token's company (a lead names the company with `member_id`)."""
    member_id = data.pop("member_id", None)
    return submit_need(
        db.session(), _raw(data), cooperative_today(), actor=caller(), member_id=member_id
    )


@blueprint.route(f"/needs/<{ID}:need_id>", tags=TAGS)
@members_and_leads
@blueprint.response(200, NeedSchema)
def show(need_id: int) -> Need:
    """One need (404 when it is another company's)."""
    return visible_need(db.session(), caller(), need_id)


def _visible_first(view: Callable[..., Any]) -> Callable[..., Any]:
    """Another company's need is not found (404) before its new values are read (422)."""

    @wraps(view)
    def guarded(*args: Any, need_id: int, **kwargs: Any) -> Any:
        visible_need(db.session(), caller(), need_id)
        return view(*args, need_id=need_id, **kwargs)

    return guarded


@blueprint.route(f"/needs/<{ID}:need_id>", methods=["PUT"], tags=TAGS)
@members_and_leads
@_visible_first
@blueprint.arguments(NeedIn)
@blueprint.response(200, NeedSchema)
def update(data: dict[str, Any], need_id: int) -> Need:
    """Replaces a need's values, until it is pooled (409 afterwards)."""
    return update_need(db.session(), need_id, _raw(data), cooperative_today(), actor=caller())


@blueprint.route(f"/needs/<{ID}:need_id>/cancel", methods=["POST"], tags=TAGS)
@members_and_leads
@blueprint.response(200, NeedSchema)
def cancel(need_id: int) -> Need:
    """Cancels a need, until it is pooled (409 afterwards)."""
    return cancel_need(db.session(), need_id, actor=caller())
