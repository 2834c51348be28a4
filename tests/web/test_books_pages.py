"""The lead's books: the aged receivables page, the FEC, journal and receivables downloads, and
the `coachat accounting` commands."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from money.formats.fec import check_fec
from money.invoicing import issue_batch_invoices
from money.payments import PaymentValues, receive_payment
from persistence.audit import AuditEvent
from purchasing.clock import cooperative_today
from purchasing.models import Cooperative
from tests.conftest import page_words
from tests.money.billing_setup import received_batch
from web.cli import main


@pytest.fixture
def billed(session, make, sessions):
    """The batch invoiced 40 days ago (due 10 days ago), the second member paid 50 €."""
    received = received_batch(session, make, sessions)
    issued_on = cooperative_today() - timedelta(days=40)
    issued = issue_batch_invoices(session, received.batch.id, issued_on, actor=None).issued
    second = received.members[1]
    receive_payment(
        session,
        PaymentValues(second.id, Decimal("50.00"), issued_on, "transfer", "VIR 1"),
        actor=None,
    )
    session.commit()
    return received, {invoice.member_id: invoice for invoice in issued}, issued_on


def test_the_lead_sees_every_members_balance_aged(session, signed_in, billed):
    received, invoice_of, _ = billed
    first, second = received.members

    page = signed_in(received.lead).get("/books/")

    assert page.status_code == 200
    words = page_words(page)
    assert "Comptabilité et créances" in words and "Non échu" in words
    html = page.get_data(as_text=True)
    table = html[html.index('id="receivables"') :]
    velo_row = table[table.index(first.name) :].split("</tr>")[0]
    owed = f"{invoice_of[first.id].total_incl:.2f}".replace(".", ",")
    assert velo_row.count(owed) == 2  # its balance, and overdue in the 0-30 days bucket
    assert second.name in table


def test_a_member_is_refused_the_books(signed_in, billed):
    received, _, _ = billed
    client = signed_in(received.users[0])

    assert client.get("/books/").status_code == 403
    assert client.post("/books/fec", data={"year": "2027"}).status_code == 403


def test_the_lead_downloads_the_fec_of_the_year(session, signed_in, billed):
    received, _, issued_on = billed
    client = signed_in(received.lead)

    answer = client.post("/books/fec", data={"year": str(issued_on.year)})

    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="894127653FEC{issued_on.year}1231.txt"'
    )
    assert check_fec(answer.get_data(as_text=True)) == []
    assert session.scalar(select(func.count()).where(AuditEvent.action == "books.fec")) == 1


def test_without_a_siren_the_fec_is_refused_with_a_message(session, signed_in, billed):
    received, _, issued_on = billed
    session.get(Cooperative, 1).siren = ""
    client = signed_in(received.lead)

    answer = client.post("/books/fec", data={"year": str(issued_on.year)}, follow_redirects=True)

    assert "Indiquez le SIREN de la coopérative" in page_words(answer)
    wrong = client.post("/books/fec", data={"year": "deux mille"}, follow_redirects=True)
    assert "Indiquez une année entre 2000 et 2100" in page_words(wrong)
    assert session.scalar(select(func.count()).where(AuditEvent.action == "books.fec")) == 0


def test_the_journal_and_the_receivables_as_spreadsheets(signed_in, billed):
    received, invoice_of, issued_on = billed
    client = signed_in(received.lead)

    journal = client.post(
        "/books/journal.csv", data={"from": issued_on.isoformat(), "to": issued_on.isoformat()}
    )
    receivables = client.post("/books/receivables.csv")
    refused = client.post(
        "/books/journal.csv", data={"from": "hier", "to": "2027-01-01"}, follow_redirects=True
    )

    assert journal.status_code == 200 and journal.mimetype == "text/csv"
    rows = list(
        csv.reader(io.StringIO(journal.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert {row[0] for row in rows[1:]} == {"VE", "BQ"}
    lines = list(
        csv.reader(io.StringIO(receivables.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert {row[2] for row in lines[1:-1]} == {invoice.number for invoice in invoice_of.values()}
    assert "Indiquez le premier jour au format AAAA-MM-JJ" in page_words(refused)


def run(database_url, *args, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_accounting_commands_write_their_files(
    session, database_url, billed, tmp_path, monkeypatch
):
    _, _, issued_on = billed
    fec, journal, receivables = tmp_path / "fec.txt", tmp_path / "j.csv", tmp_path / "r.csv"

    done = run(
        database_url,
        "accounting",
        "fec",
        "--year",
        str(issued_on.year),
        "-o",
        str(fec),
        monkeypatch=monkeypatch,
    )
    assert done.exit_code == 0, done.output
    assert f"894127653FEC{issued_on.year}1231.txt" in done.output
    assert check_fec(fec.read_text()) == []
    day = issued_on.isoformat()
    assert (
        run(
            database_url,
            "accounting",
            "journal",
            "--from",
            day,
            "--to",
            day,
            "-o",
            str(journal),
            monkeypatch=monkeypatch,
        ).exit_code
        == 0
    )
    assert journal.read_bytes().startswith("\ufeffJournal;".encode())
    assert (
        run(
            database_url,
            "accounting",
            "receivables",
            "-o",
            str(receivables),
            monkeypatch=monkeypatch,
        ).exit_code
        == 0
    )
    assert "Reste dû" in receivables.read_text(encoding="utf-8-sig")
    session.expire_all()
    actions = set(
        session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("books.%")))
    )
    assert actions == {"books.fec", "books.journal_csv", "books.receivables_csv"}


def test_a_path_that_cannot_be_written_is_one_line_and_exit_code_2(
    session, database_url, billed, tmp_path, monkeypatch
):
    _, _, issued_on = billed
    missing = tmp_path / "no-such-folder" / "fec.txt"

    result = run(
        database_url,
        "accounting",
        "fec",
        "--year",
        str(issued_on.year),
        "-o",
        str(missing),
        monkeypatch=monkeypatch,
    )

    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert result.output.startswith(f"cannot write {missing}")
    session.expire_all()
    assert session.scalar(select(func.count()).where(AuditEvent.action == "books.fec")) == 0
    session.get(Cooperative, 1).siren = ""
    session.commit()
    refused = run(
        database_url,
        "accounting",
        "fec",
        "--year",
        str(issued_on.year),
        "-o",
        str(tmp_path / "f.txt"),
        monkeypatch=monkeypatch,
    )
    assert refused.exit_code == 2 and "SIREN" in refused.output
    assert not (tmp_path / "f.txt").exists()
