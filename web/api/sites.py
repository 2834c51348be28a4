"""Delivery sites: where a need can be delivered, for the `delivery_site_id` of a need."""

from __future__ import annotations

from marshmallow import Schema, fields

from purchasing.models import DeliverySite
from purchasing.people.sites import sites_for
from web import db
from web.api import blueprint
from web.api.auth import caller, members_and_leads

TAGS = ["sites"]


class SiteSchema(Schema):
    """An open delivery site of a member company."""

    id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member = fields.Function(lambda site: site.member.name, required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)
    postcode = fields.String(required=True)
    town = fields.String(required=True)


@blueprint.route("/sites", tags=TAGS)
@members_and_leads
@blueprint.response(200, SiteSchema(many=True))
def list_sites() -> list[DeliverySite]:
    """The open delivery sites a need may name: the caller's company's, or every member's for
    a lead."""
    return sites_for(db.session(), caller())
