"""Paying suppliers, for a lead's token: suppliers' bank details (proposed, then confirmed by
another person) and credit-transfer runs of the supplier invoices due."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from money.bank_details import (
    bank_details_of,
    confirm_bank_details,
    propose_bank_details,
    withdraw_bank_details,
)
from money.payables_models import BANK_DETAILS_STATES, SupplierBankAccount
from money.supplier_transfers import TransferResult, build_transfers
from purchasing.clock import cooperative_today
from web import db
from web.api import ID, answers, blueprint
from web.api.auth import caller, leads_only
from web.api.schemas import DecimalString

TAGS = ["supplier payments"]


class BankDetailsSchema(Schema):
    """A supplier's bank account: paid to only once `active`, i.e. confirmed by a second
    person; a proposal holds the supplier's transfers until then."""

    id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    iban = fields.String(required=True)
    bic = fields.String(required=True)
    source = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(BANK_DETAILS_STATES)})
    proposed_at = fields.DateTime(required=True)
    proposed_by_id = fields.Integer(allow_none=True)
    confirmed_at = fields.DateTime(allow_none=True)
    confirmed_by_id = fields.Integer(allow_none=True)


class BankDetailsIn(Schema):
    iban = fields.String(required=True, validate=validate.Length(max=50))
    bic = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "May be left out when the bank of the IBAN is known."},
    )
    source = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Where the details come from."},
    )


@blueprint.route(f"/suppliers/<{ID}:supplier_id>/bank-details", tags=TAGS)
@leads_only
@blueprint.response(200, BankDetailsSchema(many=True))
def supplier_bank_details(supplier_id: int) -> list[SupplierBankAccount]:
    """The supplier's bank details: the proposal waiting and the account in use first."""
    return bank_details_of(db.session(), caller(), supplier_id)


@blueprint.route(f"/suppliers/<{ID}:supplier_id>/bank-details", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(BankDetailsIn)
@blueprint.response(201, BankDetailsSchema)
@answers(409, "A change of the supplier's bank details waits for confirmation already.")
def propose(data: dict[str, Any], supplier_id: int) -> SupplierBankAccount:
    """Proposes new bank details (IBAN and BIC checked); another person confirms them."""
    return propose_bank_details(
        db.session(),
        supplier_id,
        data["iban"],
        data.get("bic", ""),
        source=data.get("source", ""),
        actor=caller(),
    )


@blueprint.route(f"/supplier-bank-details/<{ID}:proposal_id>/confirm", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(200, BankDetailsSchema)
@answers(409, "The change was confirmed or withdrawn already.")
def confirm(proposal_id: int) -> SupplierBankAccount:
    """Confirms proposed bank details: refused (403) to the person who proposed them."""
    return confirm_bank_details(db.session(), proposal_id, actor=caller())


@blueprint.route(f"/supplier-bank-details/<{ID}:proposal_id>/withdraw", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(200, BankDetailsSchema)
@answers(409, "The change was confirmed or withdrawn already.")
def withdraw(proposal_id: int) -> SupplierBankAccount:
    """Withdraws proposed bank details."""
    return withdraw_bank_details(db.session(), proposal_id, actor=caller())


class TransferIn(Schema):
    due_by = fields.Date(required=True)
    execution_date = fields.Date(metadata={"description": "Today when left out."})


class TransferSchema(Schema):
    supplier_id = fields.Integer(required=True)
    supplier = fields.String(required=True, attribute="supplier.name")
    iban = fields.String(required=True)
    amount = DecimalString(places=2, required=True)
    end_to_end_id = fields.String(required=True)
    remittance = fields.String(required=True)


class HeldSchema(Schema):
    supplier_id = fields.Integer(required=True, attribute="supplier.id")
    supplier = fields.String(required=True, attribute="supplier.name")
    amount = DecimalString(places=2, signed=True, required=True)
    reason = fields.String(required=True, metadata={"enum": ["held", "missing", "credit"]})


class TransferRunSchema(Schema):
    """A credit-transfer run as built: its transfers, the suppliers left out and why, and its
    pain.001 file to hand to the bank."""

    id = fields.Integer(required=True, attribute="run.id")
    number = fields.String(required=True, attribute="run.number")
    due_by = fields.Date(required=True, attribute="run.due_by")
    execution_date = fields.Date(required=True, attribute="run.execution_date")
    total = DecimalString(places=2, required=True, attribute="run.total")
    transfers = fields.List(fields.Nested(TransferSchema), required=True, attribute="payments")
    held = fields.List(fields.Nested(HeldSchema), required=True, attribute="skipped")
    file = fields.Function(
        lambda result: result.run.file.decode("utf-8"),
        required=True,
        metadata={"type": "string", "description": "The pain.001.001.03 XML."},
    )


@blueprint.route("/supplier-transfers", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(TransferIn)
@blueprint.response(201, TransferRunSchema)
@answers(409, "No supplier invoice can be paid by that date.")
def build(data: dict[str, Any]) -> TransferResult:
    """Builds, records and posts the transfer run of the supplier invoices to pay due by a
    date: one transfer per supplier; suppliers held or without bank details are listed."""
    return build_transfers(
        db.session(),
        data["due_by"],
        cooperative_today(),
        execution_date=data.get("execution_date"),
        actor=caller(),
    )
