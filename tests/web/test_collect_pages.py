"""The lead's collection pages and the `coachat mandates` and `coachat payments` commands:
a mandate recorded and refused, a collection file built and downloaded, a rejected debit
recorded, a bank statement imported and its waiting line assigned, members kept out."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import func, select

from money.formats.camt_writer import StatementLine, statement_file
from money.journal import open_amounts
from money.models import BankLine, DirectDebitRun, Mandate, Payment
from purchasing.clock import cooperative_today
from tests.money.billing_setup import COOPERATIVE
from tests.money.collect_setup import billed


def text(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def test_the_lead_records_a_mandate_and_a_wrong_iban_is_refused(
    received, client, signed_in, session, make, sessions
):
    setup = billed(session, received, mandates=0)
    velo = setup.members[0]
    signed_in(setup.lead)

    refused = client.post(
        "/collect/mandates",
        data={"member_id": velo.id, "iban": "FR7630004000310000123456728", "bic": "BNPAFRPP"},
        follow_redirects=True,
    )
    assert "Cet IBAN n’est pas valide" in text(refused)
    assert session.scalar(select(func.count(Mandate.id))) == 0

    page = client.post(
        "/collect/mandates",
        data={"member_id": velo.id, "iban": "FR76 3000 4000 3100 0012 3456 727", "bic": "BNPAFRPP"},
        follow_redirects=True,
    )
    assert "Mandat COACHAT-M" in text(page) and "FR7630004000310000123456727" in text(page)


def test_the_lead_builds_downloads_and_records_a_rejected_debit(
    received, client, signed_in, session, make, sessions
):
    setup = billed(session, received)
    signed_in(setup.lead)
    today = cooperative_today()
    due_by = max(today, setup.invoices[setup.members[0].id].due_date)

    too_near = client.post(
        "/collect/direct-debits",
        data={"due_by": due_by.isoformat(), "collection_date": today.isoformat()},
        follow_redirects=True,
    )
    assert "jours à l’avance" in text(too_near)
    assert session.scalar(select(func.count(DirectDebitRun.id))) == 0

    built = client.post(
        "/collect/direct-debits",
        data={
            "due_by": due_by.isoformat(),
            "collection_date": (today + timedelta(days=60)).isoformat(),
        },
    )
    assert built.status_code == 302
    run = session.scalars(select(DirectDebitRun)).one()
    page = client.get(built.location)
    assert setup.members[0].name in text(page)
    download = client.get(f"/collect/direct-debits/{run.id}.xml")
    assert download.status_code == 200 and b"pain.008.001.02" in download.data

    payment = session.scalars(select(Payment).where(Payment.member_id == setup.members[0].id)).one()
    client.post(f"/collect/payments/{payment.id}/reject", data={"run_id": run.id, "reason": "AM04"})
    session.expire_all()
    invoice = setup.invoices[setup.members[0].id]
    assert session.get(Payment, payment.id).status == "rejected"
    assert open_amounts(session, [invoice.number])[invoice.number] == invoice.total_incl


def test_the_lead_imports_a_statement_and_assigns_what_waits(
    received, client, signed_in, session, make, sessions
):
    setup = billed(session, received, mandates=0)
    velo = setup.members[0]
    invoice = setup.invoices[velo.id]
    data = statement_file(
        account_iban=COOPERATIVE["iban"],
        statement_id="REL-1",
        created_at=datetime(2027, 2, 1, 9, 0),
        opening_balance=Decimal(0),
        lines=[
            StatementLine(invoice.issue_date, Decimal("10.00"), True, "X1", "avance", "Quelqu'un"),
        ],
    )
    signed_in(setup.lead)

    imported = client.post(
        "/collect/bank",
        data={"file": (__import__("io").BytesIO(data), "releve.xml")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "1 en attente" in text(imported) and "avance" in text(imported)
    line = session.scalars(select(BankLine)).one()
    client.post(
        f"/collect/bank/{line.id}/assign", data={"member_id": velo.id, "invoices": invoice.number}
    )
    session.expire_all()
    assert session.get(BankLine, line.id).status == "matched"
    assert open_amounts(session, [invoice.number])[invoice.number] == invoice.total_incl - Decimal(
        "10.00"
    )


def test_a_member_cannot_open_the_collection_pages(
    received, client, signed_in, session, make, sessions
):
    setup = billed(session, received, mandates=0)
    member_user = make.user("member", member=setup.members[0], email="autre@example.org")
    signed_in(member_user)
    for path in ("/collect/mandates", "/collect/direct-debits", "/collect/bank"):
        assert client.get(path).status_code == 403


def test_the_commands_add_a_mandate_build_the_file_and_import_a_statement(
    received, database_url, session, make, sessions, monkeypatch, tmp_path
):
    from web.cli import main

    setup = billed(session, received, mandates=0)
    velo = setup.members[0]
    session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()

    wrong = runner.invoke(
        main,
        [
            "mandates",
            "add",
            "--member",
            str(velo.id),
            "--iban",
            "FR7630004000310000123456728",
            "--bic",
            "BNPAFRPP",
        ],
    )
    assert wrong.exit_code == 2 and "iban" in wrong.output
    added = runner.invoke(
        main,
        [
            "mandates",
            "add",
            "--member",
            str(velo.id),
            "--iban",
            "FR7630004000310000123456727",
            "--bic",
            "BNPAFRPP",
            "--signed-on",
            "2026-12-01",
        ],
    )
    assert added.exit_code == 0, added.output
    assert "COACHAT-M" in runner.invoke(main, ["mandates", "list"]).output

    output = tmp_path / "prelevements.xml"
    due_by = max(cooperative_today(), setup.invoices[velo.id].due_date) + timedelta(days=1)
    built = runner.invoke(
        main, ["payments", "sepa", "--due-by", due_by.isoformat(), "-o", str(output)]
    )
    assert built.exit_code == 0, built.output
    assert b"<MndtId>COACHAT-M" in output.read_bytes()
    again = runner.invoke(
        main, ["payments", "sepa", "--due-by", due_by.isoformat(), "-o", str(output)]
    )
    assert again.exit_code == 2 and "No open invoice" in again.output

    camt = tmp_path / "releve.xml"
    camt.write_bytes(
        statement_file(
            account_iban=COOPERATIVE["iban"],
            statement_id="REL-9",
            created_at=datetime(2027, 3, 1),
            opening_balance=Decimal(0),
            lines=[StatementLine(due_by, Decimal("5.00"), True, "Z1", "divers")],
        )
    )
    first = runner.invoke(main, ["payments", "import", str(camt)])
    second = runner.invoke(main, ["payments", "import", str(camt)])
    assert "1 new lines" in first.output and "0 new lines, 1 known already" in second.output
