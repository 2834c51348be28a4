"""Invoices ready to collect: the received batch invoiced on 15 January 2027 (due 30 days
later), each of its two members with a signed B2B mandate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from money.invoicing import issue_batch_invoices
from money.mandates import add_mandate, read_mandate
from money.models import Mandate, MemberInvoice
from purchasing.models import Member, User
from tests.purchasing.orders_setup import Approved

TODAY = date(2027, 1, 15)
IBANS = ("FR7630004000310000123456727", "FR1420041010050500013M02606")
BICS = ("BNPAFRPPXXX", "PSSTFRPPSCE")


@dataclass
class Billed:
    lead: User
    members: list[Member]
    invoices: dict[int, MemberInvoice]  # by member id
    mandates: dict[int, Mandate]  # by member id


def billed(session, received: Approved, *, mandates: int = 2) -> Billed:
    """`received` (the fixture: a received batch) invoiced, and `mandates` members' mandates
    signed."""
    result = issue_batch_invoices(session, received.batch.id, TODAY, actor=received.lead)
    invoices = {invoice.member_id: invoice for invoice in result.issued}
    signed = {}
    for member, iban, bic in list(zip(received.members, IBANS, BICS, strict=True))[:mandates]:
        values = read_mandate(
            {"member_id": member.id, "iban": iban, "bic": bic, "signed_on": "2026-12-01"}, TODAY
        )
        signed[member.id] = add_mandate(session, values, actor=received.lead)
    session.commit()
    return Billed(received.lead, list(received.members), invoices, signed)
