"""Paying suppliers: one transfer per supplier of its invoices due, less its credit notes, in a
pain.001 that passes its schema; suppliers whose bank details wait or are missing are held and
named; the payments are posted 401/512 and the invoices paid; a returned transfer is posted
back; nothing is paid twice, even by two leads at once (PostgreSQL, real threads)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest
from lxml import etree
from sqlalchemy import func, select

from money.bank_details import propose_bank_details
from money.models import JournalEntry
from money.payables_models import SupplierPayment, TransferRun
from money.purchase_entries import open_supplier_amounts, purchase_key, supplier_balance
from money.supplier_payments import return_payment
from money.supplier_transfers import build_transfers, transfer_file, transfer_plan
from persistence import make_session_factory
from persistence.audit import AuditEvent
from purchasing.errors import Conflict, Invalid, NotAllowed
from tests.money.payables_setup import TODAY, payables, supplier_invoice

D = Decimal
PAIN_001 = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def schema():
    path = resources.files("sepaxml") / "schemas" / "pain.001.001.03.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.fixture
def world(session, make):
    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]
    eco = world.suppliers["Éco-Entretien Lorraine"]
    first = supplier_invoice(session, rhone, "F-2027/118", "240.00", fee="15.00")
    supplier_invoice(session, rhone, "F-2027/131", "100.00", due=date(2027, 3, 10))
    supplier_invoice(session, rhone, "AV-7", "20.00", kind="credit_note", corrects=first)
    supplier_invoice(session, eco, "E-55", "50.00", rate="0.055")
    # Not to pay: in exception, and due later than the date asked.
    supplier_invoice(session, eco, "E-56", "80.00", status="exception")
    supplier_invoice(session, eco, "E-57", "30.00", due=date(2027, 4, 1))
    session.commit()
    return world


def test_one_transfer_per_supplier_of_what_is_due_less_its_credit_notes(session, world):
    rhone = world.suppliers["Papeterie du Rhône"]
    eco = world.suppliers["Éco-Entretien Lorraine"]

    result = build_transfers(session, date(2027, 3, 10), TODAY, actor=world.lead)

    run = result.run
    assert (run.number, run.count, run.total) == ("VIR-2027-0001", 2, D("454.75"))
    root = etree.fromstring(run.file)
    assert schema().validate(root), schema().error_log
    tx = root.findall(".//p:CdtTrfTxInf", PAIN_001)
    rows = {
        t.findtext("p:Cdtr/p:Nm", namespaces=PAIN_001): (
            t.findtext("p:Amt/p:InstdAmt", namespaces=PAIN_001),
            t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=PAIN_001),
            t.findtext("p:RmtInf/p:Ustrd", namespaces=PAIN_001),
            t.findtext("p:PmtId/p:EndToEndId", namespaces=PAIN_001),
        )
        for t in tx
    }
    # 306.00 + 120.00 - 24.00 to the Rhône, 52.75 to Éco-Entretien; accents left out.
    assert rows == {
        "Papeterie du Rhone": (
            "402.00",
            "FR7630004000310000123456727",
            "F-2027/118 F-2027/131 AV-7",
            f"VIR-2027-0001-{rhone.id}",
        ),
        "Eco-Entretien Lorraine": (
            "52.75",
            "FR1420041010050500013M02606",
            "E-55",
            f"VIR-2027-0001-{eco.id}",
        ),
    }
    assert root.findtext(".//p:ReqdExctnDt", namespaces=PAIN_001) == "2027-03-01"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=PAIN_001) == "454.75"
    assert sum(D(amount) for amount, *_ in rows.values()) == run.total
    assert result.skipped == ()
    # Paid in full: the invoices and the credit note are paid, the supplier owes nothing more.
    assert supplier_balance(session, rhone.id) == 0
    assert supplier_balance(session, eco.id) == D("132.00")  # E-56 and E-57 still owed
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "supplier_transfer.run"))
    assert event.user_id == world.lead.id and event.details["total"] == "454.75"


def test_the_payments_are_posted_from_the_suppliers_accounts_to_the_bank(session, world):
    rhone = world.suppliers["Papeterie du Rhône"]
    result = build_transfers(session, date(2027, 3, 10), TODAY, actor=world.lead)

    bank = list(
        session.scalars(
            select(JournalEntry).where(JournalEntry.journal == "BQ").order_by(JournalEntry.number)
        )
    )
    assert [entry.number for entry in bank] == [1, 2]
    rhone_entry = next(e for e in bank if e.document_ref.endswith(f"-{rhone.id}"))
    assert rhone_entry.entry_date == TODAY
    assert [(line.account, line.debit, line.credit) for line in rhone_entry.lines] == [
        ("401", D("306.00"), D("0")),
        ("401", D("120.00"), D("0")),
        ("401", D("0"), D("24.00")),
        ("512", D("0"), D("402.00")),
    ]
    statuses = {i.invoice.number: i.invoice.status for p in result.payments for i in p.allocations}
    assert statuses == {"F-2027/118": "paid", "F-2027/131": "paid", "E-55": "paid"}
    owed = open_supplier_amounts(session, rhone.id)
    assert set(owed.values()) == {D("0")}


def test_suppliers_with_details_waiting_or_missing_are_held_and_named(session, world, make):
    rhone = world.suppliers["Papeterie du Rhône"]
    eco = world.suppliers["Éco-Entretien Lorraine"]
    newcomer = make.supplier("Nouveau Fournisseur")
    supplier_invoice(session, newcomer, "N-1", "10.00")
    # Someone announces new bank details for the Rhône: held until a second person confirms.
    propose_bank_details(
        session, rhone.id, "FR7699999000000000123456783", "AGRIFRPP881", actor=world.lead
    )
    session.commit()

    plan = {due.supplier.name: due.reason for due in transfer_plan(session, date(2027, 3, 10))}
    assert plan == {
        "Papeterie du Rhône": "held",
        "Éco-Entretien Lorraine": None,
        "Nouveau Fournisseur": "missing",
    }
    result = build_transfers(session, date(2027, 3, 10), TODAY, actor=world.lead)

    assert [p.supplier_id for p in result.payments] == [eco.id]
    assert {(d.supplier.name, d.reason) for d in result.skipped} == {
        ("Papeterie du Rhône", "held"),
        ("Nouveau Fournisseur", "missing"),
    }
    assert supplier_balance(session, rhone.id) == D("402.00")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "supplier_transfer.run"))
    assert event.details["held"] == ["Papeterie du Rhône"]
    assert event.details["missing"] == ["Nouveau Fournisseur"]
    session.commit()
    # Nothing else can be paid now: the refusal names who is held.
    with pytest.raises(Conflict) as nothing:
        build_transfers(session, date(2027, 3, 10), TODAY, actor=world.lead)
    assert "Papeterie du Rhône" in nothing.value.message.render()


def test_a_run_is_refused_without_anything_due_a_past_date_or_a_lead(session, world, make):
    with pytest.raises(Conflict):
        build_transfers(session, date(2027, 2, 1), TODAY, actor=world.lead)
    with pytest.raises(Invalid) as past:
        build_transfers(
            session, date(2027, 3, 10), TODAY, execution_date=date(2027, 2, 28), actor=world.lead
        )
    assert "execution_date" in past.value.errors
    with pytest.raises(NotAllowed):
        build_transfers(session, date(2027, 3, 10), TODAY, actor=make.user("member"))
    session.rollback()
    assert session.scalar(select(func.count(TransferRun.id))) == 0
    assert session.scalar(select(func.count(SupplierPayment.id))) == 0


def test_a_second_run_pays_only_what_became_due_and_the_file_alone_is_given(session, world):
    first = transfer_file(session, due_by=date(2027, 3, 1), today=TODAY, actor=world.lead)
    session.commit()
    assert schema().validate(etree.fromstring(first))
    second = build_transfers(session, date(2027, 3, 10), TODAY, actor=world.lead)

    assert second.run.number == "VIR-2027-0002"
    assert [a.invoice.number for p in second.payments for a in p.allocations] == ["F-2027/131"]
    assert second.run.total == D("120.00")


def test_a_returned_transfer_is_posted_back_and_its_invoices_are_to_pay_again(session, world):
    rhone = world.suppliers["Papeterie du Rhône"]
    result = build_transfers(session, date(2027, 3, 10), TODAY, actor=world.lead)
    payment = next(p for p in result.payments if p.supplier_id == rhone.id)

    return_payment(session, payment.id, date(2027, 3, 4), actor=world.lead)

    assert payment.status == "returned"
    assert supplier_balance(session, rhone.id) == D("402.00")
    plan = {due.supplier.name: due.amount for due in transfer_plan(session, date(2027, 3, 10))}
    assert plan["Papeterie du Rhône"] == D("402.00")
    with pytest.raises(Conflict):
        return_payment(session, payment.id, date(2027, 3, 4), actor=world.lead)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_leads_building_a_file_at_once_never_pay_an_invoice_twice(engine, session, make):
    sessions = make_session_factory(engine)
    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]
    invoices = [supplier_invoice(session, rhone, f"F-{n}", "100.00") for n in range(1, 6)]
    session.commit()
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def build(lead_id: int) -> None:
        own = sessions()
        try:
            from purchasing.models import User

            lead = own.get(User, lead_id)
            start.wait()
            result = build_transfers(own, date(2027, 3, 10), TODAY, actor=lead)
            own.commit()
            outcomes.append(result.run.number)
        except Conflict as refused:
            own.rollback()
            outcomes.append(refused)
        finally:
            own.close()

    threads = [
        threading.Thread(target=build, args=(lead.id,)) for lead in (world.lead, world.other_lead)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(map(type, outcomes), key=str) == sorted([str, Conflict], key=str)
    session.expire_all()
    assert session.scalar(select(func.count(TransferRun.id))) == 1
    paid = session.scalars(select(SupplierPayment)).all()
    assert len(paid) == 1 and paid[0].amount == D("600.00")
    allocated = [a.invoice_id for a in paid[0].allocations]
    assert sorted(allocated) == sorted(i.id for i in invoices)
    owed = open_supplier_amounts(session, rhone.id)
    assert all(owed[purchase_key(i.id)] == 0 for i in invoices)
    bank = session.scalar(select(func.count(JournalEntry.id)).where(JournalEntry.journal == "BQ"))
    assert bank == 1
