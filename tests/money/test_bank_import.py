"""Importing the cooperative's bank statement: transfers matched to invoices by number, then by
amount and payer; direct debits recognised, not counted twice; returned debits rejected; the
rest waiting for the lead; the same statement twice changes nothing; another account's or a
malformed file refused with nothing stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from money.bank_import import import_bank_statement
from money.bank_review import assign_bank_line, bank_lines, ignore_bank_line, suggestions
from money.direct_debits import build_collection
from money.dues import issue_dues
from money.formats.camt_writer import StatementLine, statement_file
from money.journal import open_amounts
from money.models import BankLine, JournalEntry, MemberDues, Payment
from persistence.audit import AuditEvent
from purchasing.errors import Conflict, Invalid
from tests.money.billing_setup import COOPERATIVE
from tests.money.collect_setup import IBANS, TODAY, billed

OWN_IBAN = COOPERATIVE["iban"]
ON = TODAY + timedelta(days=20)


@pytest.fixture
def setup(session, received):
    return billed(session, received, mandates=0)


def statement(*lines: StatementLine, iban: str = OWN_IBAN, number: str = "REL-2027-02") -> bytes:
    return statement_file(
        account_iban=iban,
        statement_id=number,
        created_at=datetime(2027, 2, 28, 18, 0),
        opening_balance=Decimal("1000.00"),
        lines=lines,
    )


def credit(reference: str, amount: Decimal, **values) -> StatementLine:
    return StatementLine(
        booked_on=ON, amount=amount, credit=True, bank_reference=reference, **values
    )


def counts(session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count(BankLine.id))),
        session.scalar(select(func.count(Payment.id))),
        session.scalar(select(func.count(JournalEntry.id))),
    )


def test_a_transfer_naming_its_invoice_pays_it(session, setup):
    velo, _epicerie = setup.members
    invoice = setup.invoices[velo.id]
    data = statement(
        credit(
            "B1",
            invoice.total_incl,
            remittance=f"VIR ATELIER VELO facture {invoice.number}",
            counterparty_name="ATELIER VELO SARL",
        )
    )

    result = import_bank_statement(session, data, actor=setup.lead)
    session.commit()

    assert (result.new, result.matched, result.waiting) == (1, 1, 0)
    line = session.scalars(select(BankLine)).one()
    payment = session.get(Payment, line.payment_id)
    assert (payment.member_id, payment.method, payment.received_on) == (velo.id, "transfer", ON)
    assert payment.reference == line.remittance
    assert open_amounts(session, [invoice.number])[invoice.number] == Decimal("0.00")


def test_a_transfer_without_number_is_matched_by_amount_and_payer(session, setup):
    _velo, epicerie = setup.members
    invoice = setup.invoices[epicerie.id]
    data = statement(
        credit(
            "B2",
            invoice.total_incl,
            remittance="paiement janvier",
            counterparty_name="EPICERIE DU COIN",
        )
    )

    result = import_bank_statement(session, data, actor=setup.lead)

    assert result.matched == 1
    assert open_amounts(session, [invoice.number])[invoice.number] == Decimal("0.00")


def test_importing_the_same_statement_twice_changes_nothing(session, setup):
    velo, _epicerie = setup.members
    invoice = setup.invoices[velo.id]
    data = statement(
        credit("B1", invoice.total_incl, remittance=invoice.number),
        credit("B2", Decimal("12.00"), remittance="inconnu", counterparty_name="Quelqu'un"),
        StatementLine(ON, Decimal("300.00"), False, "B3", "Papeterie F-8812", "Papeterie SCOP"),
    )
    first = import_bank_statement(session, data, actor=setup.lead)
    session.commit()
    before = counts(session)

    again = import_bank_statement(session, data, actor=setup.lead)
    session.commit()

    assert (first.new, first.already) == (3, 0)
    assert (again.new, again.already, again.matched, again.waiting) == (0, 3, 0, 0)
    assert counts(session) == before


def test_a_collected_debit_is_recognised_and_a_returned_one_rejected(session, received):
    setup = billed(session, received)
    velo, epicerie = setup.members
    run = build_collection(
        session, TODAY + timedelta(days=30), ON + timedelta(days=20), TODAY, actor=setup.lead
    )
    session.commit()
    by_member = {p.member_id: p for p in run.payments}
    collected_on = run.run.collection_date
    data = statement(
        StatementLine(
            collected_on,
            by_member[velo.id].amount,
            True,
            "DD1",
            end_to_end_id=by_member[velo.id].end_to_end_id,
        ),
        StatementLine(
            collected_on + timedelta(days=3),
            by_member[epicerie.id].amount,
            False,
            "RET1",
            end_to_end_id=by_member[epicerie.id].end_to_end_id,
            return_reason="AM04",
        ),
    )
    bank_before = session.scalar(select(func.count()).where(JournalEntry.journal == "BQ"))

    result = import_bank_statement(session, data, actor=setup.lead)
    session.commit()

    assert (result.recognised, result.matched) == (1, 1)
    assert by_member[velo.id].status == "received"
    assert (by_member[epicerie.id].status, by_member[epicerie.id].reject_reason) == (
        "rejected",
        "AM04",
    )
    invoice = setup.invoices[epicerie.id]
    assert open_amounts(session, [invoice.number])[invoice.number] == invoice.total_incl
    # The collection was posted when it was built; only the return is posted now.
    assert (
        session.scalar(select(func.count()).where(JournalEntry.journal == "BQ")) == bank_before + 1
    )


def test_lines_of_one_statement_pay_what_the_lines_before_them_left_open(session, setup):
    velo, _epicerie = setup.members
    session.add(MemberDues(member_id=velo.id, amount=Decimal("50.00")))
    older, newer = (issue_dues(session, year, TODAY, actor=setup.lead)[0] for year in (2026, 2027))
    invoice = setup.invoices[velo.id]
    data = statement(
        credit("B1", Decimal("50.00"), remittance="cotisation", counterparty_name="Atelier Velo"),
        credit("B2", Decimal("50.00"), remittance="cotisation", counterparty_name="Atelier Velo"),
        credit("B3", Decimal("50.00"), remittance="cotisation", counterparty_name="Atelier Velo"),
        credit("B4", Decimal("5.00"), remittance=f"{invoice.number} acompte"),
        credit("B5", Decimal("9.00"), remittance=f"solde {older.number} {invoice.number}"),
    )

    result = import_bank_statement(session, data, actor=setup.lead)

    # Two dues of the same amount: the first line pays the older, the second the newer, and
    # the third finds nothing left of that amount; a number already paid is passed over.
    assert (result.matched, result.waiting) == (4, 1)
    lines = {line.fingerprint.split("/")[-1]: line for line in session.scalars(select(BankLine))}
    paid = {
        reference: [a.invoice.number for a in session.get(Payment, line.payment_id).allocations]
        for reference, line in lines.items()
        if line.payment_id
    }
    assert paid == {
        "B1": [older.number],
        "B2": [newer.number],
        "B4": [invoice.number],
        "B5": [invoice.number],
    }
    assert lines["B3"].status == "waiting"
    assert open_amounts(session, [invoice.number])[invoice.number] == (
        invoice.total_incl - Decimal("14.00")
    )


def test_a_debit_returned_earlier_in_the_statement_can_be_paid_by_a_later_line(session, received):
    setup = billed(session, received)
    velo, _epicerie = setup.members
    run = build_collection(
        session, TODAY + timedelta(days=30), ON + timedelta(days=20), TODAY, actor=setup.lead
    )
    session.commit()
    debit = next(p for p in run.payments if p.member_id == velo.id)
    invoice = setup.invoices[velo.id]
    returned_on = run.run.collection_date + timedelta(days=3)
    data = statement(
        StatementLine(
            returned_on, debit.amount, False, "RET1", end_to_end_id=debit.end_to_end_id,
            return_reason="AM04",
        ),
        StatementLine(
            returned_on + timedelta(days=2), invoice.total_incl, True, "VIR1",
            remittance=f"Virement {invoice.number}", counterparty_name="ATELIER VELO",
        ),
    )  # fmt: skip

    result = import_bank_statement(session, data, actor=setup.lead)

    assert (result.matched, result.waiting) == (2, 0)
    assert debit.status == "rejected"
    assert open_amounts(session, [invoice.number])[invoice.number] == Decimal("0.00")


def test_what_cannot_be_matched_waits_with_suggestions_and_the_lead_assigns_it(session, setup):
    velo, _epicerie = setup.members
    invoice = setup.invoices[velo.id]
    amount = invoice.total_incl - Decimal("1.00")
    data = statement(
        credit("B9", amount, remittance="reglement", counterparty_name="Atelier Velo Nancy"),
        StatementLine(ON, Decimal("300.00"), False, "B3", "Papeterie F-8812", "Papeterie SCOP"),
    )
    result = import_bank_statement(session, data, actor=setup.lead)
    assert result.waiting == 2
    [line] = bank_lines(session, status="waiting", direction="credit")
    assert [d.direction for d in bank_lines(session, status="waiting", direction="debit")] == [
        "debit"
    ]

    found = suggestions(session, line)
    assert invoice in [inv for inv, _due in found.invoices]
    assert found.members[0][0].id == velo.id

    payment = assign_bank_line(session, line.id, velo.id, (invoice.number,), actor=setup.lead)
    assert (line.status, line.payment_id, payment.amount) == ("matched", payment.id, amount)
    assert open_amounts(session, [invoice.number])[invoice.number] == Decimal("1.00")
    with pytest.raises(Conflict):
        ignore_bank_line(session, line.id, actor=setup.lead)


def test_a_line_marked_ignored_waits_no_more(session, setup):
    data = statement(credit("B7", Decimal("4.20"), remittance="INTERETS"))
    import_bank_statement(session, data, actor=setup.lead)
    [line] = bank_lines(session, status="waiting")
    ignore_bank_line(session, line.id, actor=setup.lead)
    assert bank_lines(session, status="waiting") == []
    assert session.scalar(select(func.count()).where(AuditEvent.action == "bank_line.ignore")) == 1


def test_a_statement_of_another_account_is_refused(session, setup):
    data = statement(credit("B1", Decimal("10.00")), iban=IBANS[0])
    with pytest.raises(Invalid) as refused:
        import_bank_statement(session, data, actor=setup.lead)
    assert IBANS[0] in refused.value.errors["file"].render()
    assert counts(session)[0] == 0


@pytest.mark.parametrize(
    "data",
    [
        b"not xml at all",
        b"<Document/>",
        statement(credit("B1", Decimal("10.00"))).replace(b"10.00", b"1O.00", 1),
    ],
)
def test_a_malformed_file_is_refused_in_one_line(session, setup, data):
    with pytest.raises(Invalid) as refused:
        import_bank_statement(session, data, actor=setup.lead)
    message = refused.value.errors["file"].render()
    assert "\n" not in message and message.startswith("This file is not a bank statement")
    assert counts(session)[0] == 0
