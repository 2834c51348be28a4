"""Collecting by SEPA B2B direct debit: mandates checked as the bank would, a pain.008 that
passes its schema with the right mandates, amounts and sequence types, members told ahead,
each invoice collected once, and a rejected debit making the invoice due again."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

import pytest
from lxml import etree
from sqlalchemy import func, select

from mailing.models import OutgoingEmail
from money.direct_debits import build_collection, reject_debit
from money.dues import issue_dues
from money.journal import billing_settings, member_balance, open_amounts
from money.mandates import add_mandate, read_mandate, revoke_mandate
from money.models import DirectDebitRun, JournalEntry, MemberDues, Payment
from persistence.audit import AuditEvent
from purchasing.errors import Conflict, Invalid
from purchasing.models import Cooperative
from tests.money.collect_setup import TODAY, billed

PAIN_008 = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
DUE_BY = TODAY + timedelta(days=30)
ON = TODAY + timedelta(days=31)


@pytest.fixture
def setup(session, received):
    return billed(session, received)


def schema():
    path = resources.files("sepaxml") / "schemas" / "pain.008.001.02.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def texts(root, path: str) -> list[str]:
    return [element.text for element in root.xpath(path, namespaces=PAIN_008)]


def build(session, setup, due_by=DUE_BY, on=ON, today=TODAY):
    result = build_collection(session, due_by, on, today, actor=setup.lead)
    session.commit()
    return result


def test_the_collection_file_passes_its_schema_and_names_mandates_amounts_and_first_debits(
    session, setup
):
    result = build(session, setup)

    root = etree.fromstring(result.run.file)
    assert schema().validate(root)
    assert set(texts(root, "//p:PmtTpInf/p:LclInstrm/p:Cd")) == {"B2B"}
    assert texts(root, "//p:PmtTpInf/p:SeqTp") == ["FRST"]
    assert texts(root, "//p:ReqdColltnDt") == [ON.isoformat()]
    assert set(texts(root, "//p:CdtrSchmeId//p:Othr/p:Id")) == {"FR06ZZZ8F3A21"}
    by_mandate = dict(
        zip(
            texts(root, "//p:DrctDbtTxInf//p:MndtId"),
            texts(root, "//p:DrctDbtTxInf/p:InstdAmt"),
            strict=True,
        )
    )
    expected = {
        setup.mandates[member_id].reference: f"{invoice.total_incl:.2f}"
        for member_id, invoice in setup.invoices.items()
    }
    assert by_mandate == expected
    assert texts(root, "//p:GrpHdr/p:CtrlSum") == [f"{result.run.total:.2f}"]
    assert sorted(texts(root, "//p:DrctDbtTxInf//p:Ustrd")) == sorted(
        invoice.number for invoice in setup.invoices.values()
    )
    assert result.run.count == 2


def test_each_debit_is_a_payment_on_the_collection_date_posted_once(session, setup):
    result = build(session, setup)

    numbers = [invoice.number for invoice in setup.invoices.values()]
    assert set(open_amounts(session, numbers).values()) == {Decimal("0.00")}
    for payment in result.payments:
        assert (payment.method, payment.received_on) == ("direct_debit", ON)
        assert payment.direct_debit_run_id == result.run.id
        assert payment.end_to_end_id == f"COACHAT-{result.run.id}-{payment.member_id}"
        assert member_balance(session, payment.member_id) == Decimal("0.00")
    bank_entries = session.scalar(select(func.count()).where(JournalEntry.journal == "BQ"))
    assert bank_entries == 2
    assert all(m.first_collected_on == ON for m in setup.mandates.values())
    assert session.scalar(select(func.count()).where(AuditEvent.action == "direct_debit.run")) == 1


def test_members_are_told_ahead_once_per_run(session, setup):
    result = build(session, setup)

    emails = list(
        session.scalars(select(OutgoingEmail).where(OutgoingEmail.purpose == "sepa_prenotice"))
    )
    assert sorted(e.recipient for e in emails) == ["epicerie@example.org", "velo@example.org"]
    assert {e.idempotency_key for e in emails} == {
        f"sepa_prenotice/{result.run.id}/{m.id}" for m in setup.members
    }
    velo = next(e for e in emails if e.recipient == "velo@example.org")
    assert setup.mandates[setup.members[0].id].reference in velo.body
    assert ON.strftime("%d/%m/%Y") in velo.body


def test_an_invoice_in_a_run_is_not_collected_again(session, setup):
    build(session, setup)

    with pytest.raises(Conflict) as refused:
        build(session, setup, on=ON + timedelta(days=3))
    assert "No open invoice" in refused.value.message.render()
    assert session.scalar(select(func.count(DirectDebitRun.id))) == 1


def test_a_collection_nearer_than_the_notice_is_refused(session, setup):
    billing_settings(session).prenotice_days = 20
    with pytest.raises(Invalid) as refused:
        build(session, setup, on=TODAY + timedelta(days=19))
    assert "collection_date" in refused.value.errors
    assert "20 days" in refused.value.errors["collection_date"].render()
    assert session.scalar(select(func.count(Payment.id))) == 0


def test_without_the_creditor_identifier_nothing_is_collected(session, setup):
    session.get(Cooperative, 1).sepa_creditor_id = ""
    with pytest.raises(Conflict) as refused:
        build(session, setup)
    assert "creditor identifier" in refused.value.message.render()
    assert session.scalar(select(func.count(DirectDebitRun.id))) == 0


def test_nothing_due_by_the_date_is_refused(session, setup):
    with pytest.raises(Conflict) as refused:
        build(session, setup, due_by=TODAY + timedelta(days=10))
    assert "No open invoice" in refused.value.message.render()


def test_a_member_without_a_mandate_is_not_collected(session, received):
    setup = billed(session, received, mandates=1)
    result = build(session, setup)
    assert [p.member_id for p in result.payments] == [setup.members[0].id]


def test_a_wrong_iban_or_bic_is_refused_when_the_mandate_is_typed():
    with pytest.raises(Invalid) as refused:
        read_mandate(
            {"member_id": "1", "iban": "FR76 3000 4000 3100 0012 3456 728", "bic": "BNPAFRPP"},
            TODAY,
        )
    assert set(refused.value.errors) == {"iban"}
    with pytest.raises(Invalid) as refused:
        read_mandate(
            {"member_id": "1", "iban": "FR7630004000310000123456727", "bic": "BNP"},
            TODAY,
        )
    assert set(refused.value.errors) == {"bic"}
    with pytest.raises(Invalid) as refused:
        read_mandate(
            {"iban": "FR7630004000310000123456727", "bic": "BNPAFRPP", "signed_on": "2027-02-01"},
            TODAY,
        )
    assert set(refused.value.errors) == {"member_id", "signed_on"}


def test_one_active_mandate_per_member_and_a_revoked_one_collects_nothing(session, setup):
    first = setup.members[0]
    values = read_mandate(
        {"member_id": first.id, "iban": "FR1420041010050500013M02606", "bic": "PSSTFRPP"}, TODAY
    )
    with pytest.raises(Conflict):
        add_mandate(session, values, actor=setup.lead)
    revoke_mandate(session, setup.mandates[first.id].id, TODAY, actor=setup.lead)
    with pytest.raises(Conflict):
        revoke_mandate(session, setup.mandates[first.id].id, TODAY, actor=setup.lead)
    result = build(session, setup)
    assert [p.member_id for p in result.payments] == [setup.members[1].id]


def test_a_rejected_debit_makes_the_invoice_due_and_the_next_debit_first_again(session, setup):
    first = setup.members[0]
    result = build(session, setup)
    payment = next(p for p in result.payments if p.member_id == first.id)

    reject_debit(session, payment.id, ON + timedelta(days=2), "AM04", actor=setup.lead)
    session.commit()

    invoice = setup.invoices[first.id]
    assert open_amounts(session, [invoice.number])[invoice.number] == invoice.total_incl
    assert setup.mandates[first.id].first_collected_on is None
    again = build(session, setup, on=ON + timedelta(days=20), today=ON)
    assert [p.member_id for p in again.payments] == [first.id]
    assert texts(etree.fromstring(again.run.file), "//p:PmtTpInf/p:SeqTp") == ["FRST"]


def test_a_mandates_later_debits_are_recurrent(session, setup):
    build(session, setup)
    first = setup.members[0]
    session.add(MemberDues(member_id=first.id, amount=Decimal("120.00")))
    session.flush()
    issue_dues(session, 2027, TODAY, actor=setup.lead)
    session.commit()

    later = build(session, setup, due_by=date(2027, 12, 31), on=ON + timedelta(days=30))

    root = etree.fromstring(later.run.file)
    assert schema().validate(root)
    assert texts(root, "//p:PmtTpInf/p:SeqTp") == ["RCUR"]
    assert texts(root, "//p:DrctDbtTxInf/p:InstdAmt") == ["120.00"]
