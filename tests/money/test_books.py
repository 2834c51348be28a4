"""The accountant's files: the FEC of a fiscal year passes every rule of the format, the journal
and the receivables as spreadsheets, all read from the journal."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from money.books import fec_of_year, journal_csv
from money.credit_notes import CorrectionValues, issue_credit_note
from money.formats.fec import COLUMNS, check_fec
from money.invoicing import issue_batch_invoices
from money.journal import billing_settings, entries_of_year
from money.models import JournalEntry, JournalLine
from money.payments import PaymentValues, receive_payment, reject_payment
from money.supplier_transfers import build_transfers
from persistence.audit import AuditEvent
from purchasing.errors import Conflict, Invalid, NotAllowed
from purchasing.models import Cooperative
from tests.money.payables_setup import TODAY as PAY_DAY
from tests.money.payables_setup import payables, supplier_invoice

TODAY = date(2027, 1, 15)


def a_year_of_billing(session, received):
    """Two invoices, a cheque, a transfer rejected afterwards and a credit note."""
    issued = issue_batch_invoices(session, received.batch.id, TODAY, actor=received.lead).issued
    first, second = sorted(issued, key=lambda invoice: invoice.number)
    receive_payment(
        session,
        PaymentValues(first.member_id, Decimal("50.00"), date(2027, 1, 20), "cheque", "CHQ 1"),
        actor=received.lead,
    )
    bounced = receive_payment(
        session,
        PaymentValues(second.member_id, second.total_incl, date(2027, 1, 22), "transfer", "VIR"),
        actor=received.lead,
    )
    issue_credit_note(
        session,
        first.number,
        CorrectionValues({1: Decimal("2")}, "2 ramettes abîmées"),
        date(2027, 1, 25),
        actor=received.lead,
    )
    reject_payment(session, bounced.id, date(2027, 1, 28), "AC04", actor=received.lead)
    session.commit()
    return first, second


def fec_table(content: bytes) -> list[list[str]]:
    return [line.split("\t") for line in content.decode("utf-8").split("\r\n") if line]


def test_the_fec_of_the_year_passes_every_rule_of_the_format(session, received):
    a_year_of_billing(session, received)

    name, content = fec_of_year(session, 2027, actor=received.lead)
    session.commit()

    assert name == "894127653FEC20271231.txt"
    text = content.decode("utf-8")
    assert check_fec(text) == []
    table = fec_table(content)
    assert table[0] == list(COLUMNS)
    assert all(len(row) == 18 for row in table)
    lines = session.scalar(select(func.count(JournalLine.id)))
    assert len(table) == 1 + lines
    # Each journal numbered 1..n without a gap, in the order its entries were validated.
    numbers: dict[str, list[str]] = {}
    for row in table[1:]:
        if row[2] not in numbers.setdefault(row[0], []):
            numbers[row[0]].append(row[2])
    assert numbers["VE"] == ["VE2027-000001", "VE2027-000002", "VE2027-000003"]
    assert numbers["BQ"] == ["BQ2027-000001", "BQ2027-000002", "BQ2027-000003"]
    # Every entry balances, and the members' sub-accounts are there.
    for number in {row[2] for row in table[1:]}:
        rows = [row for row in table[1:] if row[2] == number]
        debit = sum(Decimal(row[11].replace(",", ".")) for row in rows)
        credit = sum(Decimal(row[12].replace(",", ".")) for row in rows)
        assert debit == credit > 0
    assert {row[6] for row in table[1:] if row[4] == "411"} == {
        f"M{member.id:05d}" for member in received.members
    }
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "books.fec"))
    assert event.user_id == received.lead.id and event.details["file"] == name


def test_a_fiscal_year_from_july_closes_on_june_30th(session, received):
    billing_settings(session).fiscal_year_start = 7
    a_year_of_billing(session, received)

    name, content = fec_of_year(session, 2027, actor=None)

    assert name == "894127653FEC20270630.txt"
    assert check_fec(content.decode()) == []
    assert len(fec_table(content)) > 1
    assert fec_table(fec_of_year(session, 2028, actor=None)[1]) == [list(COLUMNS)]


def test_without_the_cooperatives_siren_there_is_no_fec(session, received):
    a_year_of_billing(session, received)
    session.get(Cooperative, 1).siren = ""
    session.commit()

    with pytest.raises(Conflict) as refused:
        fec_of_year(session, 2027, actor=received.lead)
    assert "SIREN" in refused.value.message.render()
    with pytest.raises(Invalid) as wrong:
        fec_of_year(session, 1999, actor=received.lead)
    assert "year" in wrong.value.errors
    with pytest.raises(NotAllowed):
        fec_of_year(session, 2027, actor=received.users[0])
    session.flush()
    assert session.scalar(select(func.count()).where(AuditEvent.action == "books.fec")) == 0


def test_entries_posted_in_one_transaction_are_numbered_in_validation_order(
    session, received, monkeypatch
):
    # A clock that does not move: every entry of the transaction is validated at one instant.
    instant = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)
    monkeypatch.setattr("money.journal.utcnow", lambda: instant)
    a_year_of_billing(session, received)
    monkeypatch.undo()

    entries = entries_of_year(session, 2027)
    for journal in ("VE", "BQ"):
        mine = [entry for entry in entries if entry.journal == journal]
        assert [entry.number for entry in mine] == list(range(1, len(mine) + 1))
        assert [entry.validated_at for entry in mine] == sorted(e.validated_at for e in mine)
    assert check_fec(fec_of_year(session, 2027, actor=None)[1].decode()) == []


def test_the_journal_of_a_period_is_a_spreadsheet_of_its_lines(session, received):
    a_year_of_billing(session, received)

    content = journal_csv(session, date(2027, 1, 16), date(2027, 1, 31), actor=received.lead)

    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Journal", "Libellé du journal", "N° d'écriture", "Date"]
    dated = session.scalar(
        select(func.count(JournalLine.id))
        .join(JournalEntry)
        .where(JournalEntry.entry_date.between(date(2027, 1, 16), date(2027, 1, 31)))
    )
    assert len(rows) == 1 + dated
    assert {row[0] for row in rows[1:]} == {"VE", "BQ"}  # the invoices of the 15th are out
    assert all(row[3] >= "2027-01-16" for row in rows[1:])
    cheque = next(row for row in rows[1:] if row[4] == "512" and "CHQ 1" in row[10])
    assert cheque[11:13] == ["50,00", "0,00"]
    with pytest.raises(Invalid) as refused:
        journal_csv(session, date(2027, 2, 1), date(2027, 1, 1), actor=received.lead)
    assert "to" in refused.value.errors


def test_a_label_a_spreadsheet_would_run_stays_text_in_the_journal(session, received):
    received.members[0].name = "=HYPERLINK(1)"
    a_year_of_billing(session, received)

    content = journal_csv(session, TODAY, TODAY, actor=None).decode("utf-8-sig")

    assert "'=HYPERLINK(1)" in content
    assert ";=HYPERLINK" not in content


def test_the_purchases_journal_and_supplier_payments_join_the_fec(session, make):
    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]
    eco = world.suppliers["Éco-Entretien Lorraine"]
    first = supplier_invoice(session, rhone, "F-2027/118", "240.00", fee="15.00")
    supplier_invoice(session, rhone, "AV-7", "20.00", kind="credit_note", corrects=first)
    supplier_invoice(session, eco, "E-55", "50.00", rate="0.055")
    build_transfers(session, date(2027, 3, 10), PAY_DAY, actor=world.lead)
    session.commit()

    _name, content = fec_of_year(session, 2027, actor=world.lead)

    assert check_fec(content.decode("utf-8")) == []
    table = fec_table(content)[1:]
    numbers: dict[str, list[str]] = {}
    for row in table:
        if row[2] not in numbers.setdefault(row[0], []):
            numbers[row[0]].append(row[2])
    assert numbers == {
        "AC": ["AC2027-000001", "AC2027-000002", "AC2027-000003"],
        "BQ": ["BQ2027-000001", "BQ2027-000002"],
    }
    assert {row[1] for row in table if row[0] == "AC"} == {"Achats"}
    suppliers = {(row[6], row[7]) for row in table if row[4] == "401"}
    assert suppliers == {
        (f"F{rhone.id:05d}", "Papeterie du Rhône"),
        (f"F{eco.id:05d}", "Éco-Entretien Lorraine"),
    }
    accounts = {row[4] for row in table}
    assert accounts == {"401", "607", "6241", "44566", "512"}
    # The supplier accounts are settled: what was invoiced, less the credit note, was paid.
    owed = sum(
        Decimal(row[12].replace(",", ".")) - Decimal(row[11].replace(",", "."))
        for row in table
        if row[4] == "401"
    )
    assert owed == 0
    bank = [row for row in table if row[0] == "BQ" and row[4] == "512"]
    assert sorted(row[12] for row in bank) == ["282,00", "52,75"]
