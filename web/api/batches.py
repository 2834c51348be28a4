"""Batches and their scenarios, for leads: read them, ask for a scenario under a policy or for
the cost-versus-ecology frontier, approve one scenario or reject the batch."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from money.batch_result import EXPLANATION_CATEGORIES, BatchResult, batch_result
from purchasing.batches import batch_review
from purchasing.batches.batches import (
    approve_batch,
    batch_for,
    batches_page,
    reject_batch,
    request_frontier,
    request_scenario,
    scenario_of,
)
from purchasing.errors import N_, Invalid, Message, NotFound
from purchasing.models import BATCH_STATUSES, Batch, Scenario
from purchasing.rounds.policies import DEFAULT, MAX_TIME_LIMIT, read_policy
from web import db
from web.api import ID, blueprint
from web.api.auth import caller, leads_only
from web.api.schemas import DecimalString, JobSchema, PageArgs, page_of
from web.i18n import translate
from web.labels import explained

TAGS = ["batches"]


def _weight(name: str) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=0, max=100),
        metadata={
            "description": f"Weight of {name} in percent; the three weights total 100. All three "
            f"left out: {DEFAULT.cost} / {DEFAULT.delay} / {DEFAULT.eco}; one left out: 0."
        },
    )


class PolicyIn(Schema):
    """The weights (percentages that total 100) and the hard rules."""

    cost = _weight("cost")
    delay = _weight("delivery delay")
    eco = _weight("ecology")
    min_average_eco = DecimalString(allow_none=True)
    budget_cap = DecimalString(allow_none=True)
    max_suppliers_per_product = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=1000)
    )
    min_local_share = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=0, max=100)
    )
    min_social_economy_share = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=0, max=100)
    )
    single_supplier_per_need = fields.Boolean(load_default=False)
    deliver_to_collection_point = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Suppliers deliver to the collection point the batch was closed with."
        },
    )
    time_limit = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_TIME_LIMIT),
        load_default=DEFAULT.time_limit,
    )
    delivery_cost_per_km = DecimalString(
        allow_none=True,
        metadata={
            "description": "Euros per km of each supplier's delivery round trip, shared among "
            "the members it serves; absent or null: delivery is priced per unit only."
        },
    )


class PolicySchema(Schema):
    weights = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    rules = fields.Dict(keys=fields.String(), required=True)
    time_limit = fields.Integer(required=True)


class ScenarioSchema(Schema):
    """One optimisation of the batch under a policy."""

    number = fields.Integer(required=True)
    name = fields.String(required=True)
    policy = fields.Nested(PolicySchema, required=True)
    computed = fields.Boolean(required=True)
    chosen = fields.Boolean(required=True)
    job = fields.Nested(JobSchema, required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class BatchSchema(Schema):
    """What the optimizer proposes for a closed round, until a lead approves or rejects it."""

    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(BATCH_STATUSES)})
    created_at = fields.DateTime(required=True)
    decided_at = fields.DateTime(required=True, allow_none=True)
    decided_by_id = fields.Integer(required=True, allow_none=True)
    decision_note = fields.String(required=True)
    awaiting_match = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "Needs typed as free text that wait for a catalog product."},
    )
    scenarios = fields.List(fields.Nested(ScenarioSchema), required=True)


class ExplanationSchema(Schema):
    """One line of a batch result's difference: its category, the amount it adds, what it is
    about (an invoice, order or credit note number) and the line in words."""

    category = fields.String(
        required=True,
        validate=validate.OneOf(EXPLANATION_CATEGORIES),
        metadata={
            "description": "fee, accepted_exception, credit_note_pending, "
            "invoice_not_received, member_credit_not_recovered, rounding or unexplained."
        },
    )
    amount = DecimalString(required=True)
    about = fields.String(required=True)
    requested = fields.Boolean(
        required=True, metadata={"description": "For a credit note pending: asked of the supplier."}
    )
    text = fields.String(required=True, metadata={"description": "The line in words."})


class BatchResultSchema(Schema):
    """A batch's result: what the suppliers and the members were invoiced, net of credit
    notes and of refused invoices, and the difference."""

    supplier_goods = DecimalString(required=True)
    supplier_fees = DecimalString(required=True)
    supplier_vat = DecimalString(required=True)
    supplier_total = DecimalString(required=True)
    member_goods = DecimalString(required=True)
    member_shares = DecimalString(required=True)
    member_fee = DecimalString(required=True)
    member_vat = DecimalString(required=True)
    member_total = DecimalString(required=True)
    difference = DecimalString(
        required=True, metadata={"description": "Members' net less suppliers' net."}
    )
    explanations = fields.List(
        fields.Nested(ExplanationSchema),
        required=True,
        metadata={"description": "The difference explained line by line; they add up to it."},
    )
    unsettled = fields.List(
        fields.String(), required=True, metadata={"description": "Why it is not settled."}
    )


class BatchDetailSchema(BatchSchema):
    """A batch with, once ordered, its result and whether it is settled: every supplier
    invoice paid or refused, every order invoiced, every member invoiced."""

    settled = fields.Boolean(required=True, allow_none=True)
    result = fields.Nested(BatchResultSchema, required=True, allow_none=True)


BatchPage = page_of(BatchSchema, "BatchPage")


class BatchFilterArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(BATCH_STATUSES))


class IndicatorsSchema(Schema):
    """The scenario's figures for the whole batch, in euros excluding VAT: the fields and
    properties of `optimizer.solution.Indicators`, one for one (a test holds them together)."""

    total_cost = DecimalString(places=2, signed=True, required=True)
    goods = DecimalString(places=2, signed=True, required=True)
    fees = DecimalString(places=2, signed=True, required=True)
    delivery = DecimalString(places=2, signed=True, required=True)
    eco_score = DecimalString(places=1, signed=True, required=True, allow_none=True)
    average_lead_days = DecimalString(places=1, signed=True, required=True, allow_none=True)
    transport_co2_kg = DecimalString(places=3, signed=True, required=True)
    transport_km = DecimalString(places=3, signed=True, required=True)
    alone_total = DecimalString(places=2, signed=True, required=True)
    savings = DecimalString(places=2, signed=True, required=True)
    alone_co2_kg = DecimalString(places=3, signed=True, required=True)
    alone_km = DecimalString(places=3, signed=True, required=True)
    co2_avoided_kg = DecimalString(places=3, signed=True, required=True)
    needs_served = fields.Integer(required=True)
    needs_partial = fields.Integer(required=True)
    needs_unmet = fields.Integer(required=True)
    suppliers_used = fields.Integer(required=True)


class AllocationSchema(Schema):
    """Units of one offer going to one need, with its share of the order's costs."""

    need_id = fields.Integer(required=True)
    member = fields.String(required=True)
    product = fields.String(required=True)
    unit = fields.String(required=True)
    supplier = fields.String(required=True)
    supplier_ref = fields.String(required=True)
    quantity = DecimalString(places=3, required=True)
    packs = DecimalString(places=3, required=True)
    unit_price = DecimalString(places=4, required=True, allow_none=True)
    goods = DecimalString(places=2, required=True)
    fee_share = DecimalString(places=2, required=True)
    delivery = DecimalString(places=2, required=True)
    total = DecimalString(places=2, required=True)


class ShortNeedSchema(Schema):
    need_id = fields.Integer(required=True)
    status = fields.String(required=True)
    served = DecimalString(places=3, required=True)
    unmet = DecimalString(places=3, required=True)
    reason = fields.String(required=True)


class ScenarioDetailSchema(ScenarioSchema):
    """A scenario with its figures and allocations once computed (null before)."""

    solve_status = fields.String(required=True, allow_none=True)
    indicators = fields.Nested(IndicatorsSchema, required=True, allow_none=True)
    allocations = fields.List(fields.Nested(AllocationSchema), required=True)
    short_needs = fields.List(fields.Nested(ShortNeedSchema), required=True)


class ApproveIn(Schema):
    scenario = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "The number of the scenario approved."},
    )


class RejectIn(Schema):
    comment = fields.String(
        required=True, validate=validate.Length(max=2000), metadata={"description": "Why."}
    )


@blueprint.route("/batches", tags=TAGS)
@leads_only
@blueprint.arguments(BatchFilterArgs, location="query")
@blueprint.response(200, BatchPage)
def list_batches(args: dict[str, Any]) -> Any:
    """The batches, newest first."""
    return batches_page(db.session(), args.get("status"), args["page"], args["per_page"])


@blueprint.route(f"/batches/<{ID}:batch_id>", tags=TAGS)
@leads_only
@blueprint.response(200, BatchDetailSchema)
def show_batch(batch_id: int) -> dict[str, Any]:
    """A batch with its scenarios and, once ordered, its result (`settled` null before)."""
    session = db.session()
    batch = batch_for(session, batch_id)
    shown = {name: getattr(batch, name) for name in BatchSchema().fields}
    if batch.status not in ("ordered", "closed"):
        return {**shown, "settled": None, "result": None}
    result = batch_result(session, batch.id, actor=caller())
    return {**shown, "settled": result.settled, "result": _result(result)}


def _result(result: BatchResult) -> dict[str, Any]:
    suppliers, members = result.suppliers, result.members
    return {
        "supplier_goods": suppliers.goods,
        "supplier_fees": suppliers.fees,
        "supplier_vat": suppliers.vat,
        "supplier_total": suppliers.total,
        "member_goods": members.goods,
        "member_shares": members.shares,
        "member_fee": members.fee,
        "member_vat": members.vat,
        "member_total": members.total,
        "difference": result.difference,
        "explanations": [
            {
                "category": line.category,
                "amount": line.amount,
                "about": line.about,
                "requested": line.requested,
                "text": explained(line),
            }
            for line in result.explanations
        ],
        "unsettled": [translate(reason) for reason in result.unsettled],
    }


@blueprint.route(f"/batches/<{ID}:batch_id>/scenarios/<int(min=1, max=1000):number>", tags=TAGS)
@leads_only
@blueprint.response(200, ScenarioDetailSchema)
def show_scenario(batch_id: int, number: int) -> dict[str, Any]:
    """A scenario: its policy, and once computed its indicators, allocations and the needs it
    leaves short."""
    session = db.session()
    batch = batch_for(session, batch_id)
    scenario = _scenario(batch, number)
    names = batch_review.names_for(session, [scenario.result])
    review = batch_review.review(scenario, names)
    return {
        **{name: getattr(scenario, name) for name in ScenarioSchema().fields},
        "solve_status": review.status if review else None,
        "indicators": review.indicators if review else None,
        "allocations": review.allocations if review else [],
        "short_needs": review.short_needs if review else [],
    }


def _scenario(batch: Batch, number: int) -> Scenario:
    try:
        return scenario_of(batch, number)
    except Invalid:
        raise NotFound(Message(N_("No such scenario."))) from None


@blueprint.route(f"/batches/<{ID}:batch_id>/scenarios", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(PolicyIn)
@blueprint.response(202, ScenarioSchema)
def new_scenario(data: dict[str, Any], batch_id: int) -> Scenario:
    """Queues a scenario under this policy (the same policy again gives the same scenario)."""
    policy = read_policy(data)
    return request_scenario(db.session(), batch_id, policy, actor=caller())


@blueprint.route(f"/batches/<{ID}:batch_id>/frontier", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(202, JobSchema)
def frontier(batch_id: int) -> Any:
    """Queues the cost-versus-ecology frontier (several solves with a rising eco floor)."""
    return request_frontier(db.session(), batch_id, actor=caller())


@blueprint.route(f"/batches/<{ID}:batch_id>/approve", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(ApproveIn)
@blueprint.response(200, BatchSchema)
def approve(data: dict[str, Any], batch_id: int) -> Batch:
    """Approves one computed scenario: its allocations are written (409 if another lead
    decided first, or if the scenario is still being computed)."""
    return approve_batch(db.session(), batch_id, data["scenario"], actor=caller())


@blueprint.route(f"/batches/<{ID}:batch_id>/reject", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(RejectIn)
@blueprint.response(200, BatchSchema)
def reject(data: dict[str, Any], batch_id: int) -> Batch:
    """Rejects the batch, saying why; its needs go back to the next round."""
    return reject_batch(db.session(), batch_id, data["comment"], actor=caller())
