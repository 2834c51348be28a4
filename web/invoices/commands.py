"""`coachat invoices` and `coachat payments`: issue a batch's invoices and the year's dues,
list invoices, write a Factur-X file or a batch's ZIP, record a payment received by hand, with
the same use cases as the pages."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import click

from web.commands import acting_as, actor, transaction

OUTPUT = click.Path(dir_okay=False, path_type=Path)


def _write(output: Path, data: bytes) -> None:
    """Writes the file, or says in one line why it cannot (exit code 2)."""
    try:
        output.write_bytes(data)
    except OSError as error:
        click.echo(f"Cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(2)
    click.echo(f"{output} ({len(data)} bytes)")


@click.group()
def invoices() -> None:
    """Invoices and credit notes to members."""


@invoices.command("issue")
@click.option("--batch", "batch_id", type=int, required=True, help="The ordered or closed batch.")
@acting_as
def invoices_issue(batch_id: int, acting_email: str | None) -> None:
    """Issue the invoice of each member of the batch whose goods are all received, and queue
    its e-mail; issuing again issues only what is new."""
    from money.invoicing import issue_batch_invoices
    from purchasing.clock import cooperative_today

    with transaction() as session:
        result = issue_batch_invoices(
            session, batch_id, cooperative_today(), actor=actor(session, acting_email)
        )
        for invoice in result.issued:
            click.echo(f"{invoice.number}\t{invoice.member.name}\t{invoice.total_incl} EUR")
        for name in result.waiting:
            click.echo(f"waiting for deliveries\t{name}")
        for name in result.already:
            click.echo(f"invoiced already\t{name}")
        if not result.issued:
            click.echo("No invoice issued.")


@invoices.command("list")
@click.option("--member", "member_id", type=int, help="Only this member company's.")
@click.option("--batch", "batch_id", type=int, help="Only this batch's.")
def invoices_list(member_id: int | None, batch_id: int | None) -> None:
    """Invoices and credit notes, newest first: number, member, dates, totals, still due."""
    from money.accounts import document_rows, visible_documents
    from persistence.audit import COMMAND_LINE
    from purchasing.clock import cooperative_today

    with transaction(commit=False) as session:
        page = visible_documents(
            session, COMMAND_LINE, member_id=member_id, batch_id=batch_id, per_page=100_000
        )
        for row in document_rows(session, page.items, cooperative_today()):
            doc = row.document
            click.echo(
                f"{doc.number}\t{doc.member.name}\t{doc.issue_date}\tdue {doc.due_date}\t"
                f"{doc.total_excl} EUR excl. VAT\t{doc.total_incl} EUR incl. VAT\t"
                f"open {row.open} EUR" + ("\toverdue" if row.overdue else "")
            )


@invoices.command("pdf")
@click.argument("number")
@click.option("-o", "--output", type=OUTPUT, required=True, help="File to write.")
def invoices_pdf(number: str, output: Path) -> None:
    """Write an invoice's or a credit note's Factur-X file, as issued."""
    from money.accounts import visible_document
    from persistence.audit import COMMAND_LINE

    with transaction(commit=False) as session:
        data = visible_document(session, COMMAND_LINE, number).facturx
    _write(output, data)


@invoices.command("export")
@click.option("--batch", "batch_id", type=int, required=True)
@click.option("-o", "--output", type=OUTPUT, required=True, help="The ZIP file to write.")
@acting_as
def invoices_export(batch_id: int, output: Path, acting_email: str | None) -> None:
    """Write the batch's Factur-X files as one ZIP, for the cooperative's approved platform."""
    from money.invoice_batches import batch_facturx_zip

    with transaction() as session:
        _name, data = batch_facturx_zip(session, batch_id, actor=actor(session, acting_email))
        _write(output, data)


@invoices.command("dues")
@click.option("--year", type=int, required=True)
@acting_as
def invoices_dues(year: int, acting_email: str | None) -> None:
    """Issue the year's membership dues invoices (members invoiced already are left out)."""
    from money.dues import issue_dues
    from purchasing.clock import cooperative_today

    with transaction() as session:
        issued = issue_dues(session, year, cooperative_today(), actor=actor(session, acting_email))
        for invoice in issued:
            click.echo(f"{invoice.number}\t{invoice.member.name}\t{invoice.total_incl} EUR")
        if not issued:
            click.echo("No dues invoice issued.")


@click.group()
def payments() -> None:
    """Payments received from members."""


@payments.command("record")
@click.option("--member", "member_id", required=True, help="The member company's id.")
@click.option("--amount", required=True, help="In euros, such as 120.50.")
@click.option("--method", required=True, type=click.Choice(["transfer", "cheque", "cash"]))
@click.option("--date", "received_on", help="Received on (YYYY-MM-DD); today by default.")
@click.option("--reference", default="")
@click.option("--invoice", "numbers", multiple=True, help="An invoice to settle first.")
@acting_as
def payments_record(
    member_id: str,
    amount: str,
    method: str,
    received_on: str | None,
    reference: str,
    numbers: tuple[str, ...],
    acting_email: str | None,
) -> None:
    """Record a payment received by hand; what exceeds the open invoices is the member's
    credit."""
    from money.payments import read_payment, receive_payment
    from purchasing.clock import cooperative_today

    raw = {
        "member_id": member_id,
        "amount": amount,
        "method": method,
        "received_on": received_on or "",
        "reference": reference,
        "invoices": list(numbers),
    }
    with transaction() as session:
        values = read_payment(raw, cooperative_today())
        payment = receive_payment(session, values, actor=actor(session, acting_email))
        settled = {a.invoice.number: a.amount for a in payment.allocations}
        click.echo(f"payment {payment.id}\t{payment.member.name}\t{payment.amount} EUR")
        for number, part in settled.items():
            click.echo(f"settles\t{number}\t{part} EUR")
        rest = payment.amount - sum(settled.values(), Decimal(0))
        if rest > 0:
            click.echo(f"member's credit\t{rest} EUR")


commands = [invoices, payments]
