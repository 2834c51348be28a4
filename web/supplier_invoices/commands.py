"""`coachat supplier-invoices`: receive suppliers' invoice files, list them, show one, and the
lead's decisions on an invoice in exception (accept a line, ask for a credit note, refuse),
with the same use cases as the pages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from web.commands import ID, acting_as, actor, transaction


@click.group("supplier-invoices")
def supplier_invoices() -> None:
    """Suppliers' invoices and credit notes."""


@supplier_invoices.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@acting_as
def import_files(files: tuple[Path, ...], acting_email: str | None) -> None:
    """Receive each invoice file (Factur-X PDF, CII or UBL XML) on its own: one line per file,
    received or refused with its reason. Exit code 1 when any is refused."""
    from money.supplier_invoices import receive_supplier_invoice
    from purchasing.errors import Invalid

    refused = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as error:
            click.echo(f"{path}: refused: cannot be read ({error.strerror or error})")
            refused += 1
            continue
        with transaction() as session:
            try:
                invoice = receive_supplier_invoice(
                    session, data, path.name, actor=actor(session, acting_email)
                )
            except Invalid as error:
                click.echo(f"{path}: refused: {error.message.render()}")
                refused += 1
                continue
            click.echo(
                f"{path}: received as #{invoice.id} ({invoice.kind} {invoice.number} of "
                f"{invoice.supplier.name}, {invoice.grand_total} EUR incl. VAT)"
            )
    if refused:
        sys.exit(1)


@supplier_invoices.command("list")
@click.option("--status", help="received, to_pay, exception, refused or paid.")
@click.option("--supplier", "supplier_id", type=ID, help="Only this supplier's (its id).")
def list_invoices(status: str | None, supplier_id: int | None) -> None:
    """Suppliers' invoices, latest received first: id, supplier, number, date, total, status."""
    from money.supplier_invoice_queries import supplier_invoices as found
    from persistence.audit import COMMAND_LINE

    with transaction(commit=False) as session:
        page = found(
            session, COMMAND_LINE, status=status, supplier_id=supplier_id, per_page=100_000
        )
        for invoice in page.items:
            click.echo(
                f"#{invoice.id}\t{invoice.supplier.name}\t{invoice.kind}\t{invoice.number}\t"
                f"{invoice.issue_date}\t{invoice.grand_total} EUR incl. VAT\t{invoice.status}\t"
                f"{invoice.order_references or '-'}"
            )
        if not page.items:
            click.echo("No supplier invoice.")


@supplier_invoices.command("show")
@click.argument("invoice_id", type=ID)
@click.option("--json", "as_json", is_flag=True, help="Print the invoice as JSON.")
def show(invoice_id: int, as_json: bool) -> None:
    """One supplier invoice with its lines, totals and orders."""
    from money.supplier_invoice_queries import supplier_invoice_by_id
    from persistence.audit import COMMAND_LINE

    with transaction(commit=False) as session:
        invoice = supplier_invoice_by_id(session, COMMAND_LINE, invoice_id)
        data = {
            "id": invoice.id,
            "supplier_id": invoice.supplier_id,
            "supplier": invoice.supplier.name,
            "number": invoice.number,
            "kind": invoice.kind,
            "status": invoice.status,
            "issue_date": invoice.issue_date.isoformat(),
            "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
            "source": invoice.source,
            "file_name": invoice.file_name,
            "orders": [order.number for order in invoice.orders],
            "order_references": invoice.order_reference_list,
            "corrects": invoice.corrected_number or None,
            "total_without_tax": str(invoice.total_without_tax),
            "tax_total": str(invoice.tax_total),
            "grand_total": str(invoice.grand_total),
            "amount_due": str(invoice.amount_due),
            "lines": [
                {
                    "position": line.position,
                    "kind": line.kind,
                    "seller_ref": line.seller_ref,
                    "description": line.description,
                    "quantity": str(line.quantity.normalize()),
                    "unit_price": str(line.unit_price.normalize()),
                    "vat_rate": str(line.vat_rate.normalize()),
                    "line_total": str(line.line_total),
                }
                for line in invoice.lines
            ],
        }
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        click.echo(
            f"#{invoice.id} {invoice.kind} {invoice.number} of {invoice.supplier.name} "
            f"({invoice.status}), {invoice.issue_date}, due {invoice.due_date or '-'}"
        )
        linked = ", ".join(order.number for order in invoice.orders)
        click.echo(f"orders: {linked or '-'}; named: {invoice.order_references or '-'}")
        for line in invoice.lines:
            click.echo(
                f"{line.position}\t{line.seller_ref or '-'}\t{line.description}\t"
                f"{line.quantity.normalize():f} x {line.unit_price.normalize():f}\t"
                f"VAT {line.vat_rate.normalize():f}\t{line.line_total} EUR"
            )
        click.echo(
            f"total {invoice.total_without_tax} EUR excl. VAT, VAT {invoice.tax_total} EUR, "
            f"{invoice.grand_total} EUR incl. VAT, due {invoice.amount_due} EUR"
        )


POSITION = click.IntRange(min=1, max=100_000)


@supplier_invoices.command("accept")
@click.argument("invoice_id", type=ID)
@click.option("--line", "position", type=POSITION, required=True,
              help="The line's position on the invoice (1 for the first).")  # fmt: skip
@click.option("--note", default="", help="Why it is accepted, for the audit trail.")
@acting_as
def accept(invoice_id: int, position: int, note: str, acting_email: str | None) -> None:
    """Accept a line in exception as the supplier billed it."""
    from money.supplier_decisions import accept_invoice_line, invoice_line_at

    with transaction() as session:
        line = invoice_line_at(session, invoice_id, position)
        accept_invoice_line(session, line.id, actor=actor(session, acting_email), note=note)
        invoice = line.invoice
        click.echo(
            f"#{invoice.id} {invoice.number}: line {line.position} accepted as invoiced; "
            f"the invoice is {invoice.status}."
        )


@supplier_invoices.command("ask-credit")
@click.argument("invoice_id", type=ID)
@click.option("--line", "positions", type=POSITION, multiple=True,
              help="A line in exception to ask a credit for (again for more); "
              "none: every line in exception.")  # fmt: skip
@click.option("--note", default="", help="A word to the supplier, added to the e-mail.")
@acting_as
def ask_credit(
    invoice_id: int, positions: tuple[int, ...], note: str, acting_email: str | None
) -> None:
    """Ask the supplier for a credit note for lines in exception: an e-mail sent by the
    scheduler. Asking again for the same lines sends nothing more."""
    from money.supplier_credit_request import request_credit_note

    with transaction() as session:
        email = request_credit_note(
            session, invoice_id, actor=actor(session, acting_email), lines=positions, note=note
        )
        click.echo(f"Credit note asked of {email.recipient} (e-mail #{email.id}, {email.status}).")


@supplier_invoices.command("refuse")
@click.argument("invoice_id", type=ID)
@click.option("--reason", required=True, help="Why the invoice will not be paid.")
@acting_as
def refuse(invoice_id: int, reason: str, acting_email: str | None) -> None:
    """Refuse the invoice: it will not be paid."""
    from money.supplier_decisions import refuse_supplier_invoice

    with transaction() as session:
        invoice = refuse_supplier_invoice(
            session, invoice_id, reason, actor=actor(session, acting_email)
        )
        click.echo(f"#{invoice.id} {invoice.number} of {invoice.supplier.name} refused.")


commands = [supplier_invoices]
