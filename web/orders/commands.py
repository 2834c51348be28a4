"""`coachat orders`: list purchase orders, send a batch's orders, write an order's PDF or CSV,
with the same use cases as the pages."""

from __future__ import annotations

from pathlib import Path

import click

from web.commands import ID, OutputFile, acting_as, actor, transaction


@click.group()
def orders() -> None:
    """Purchase orders made from approved batches."""


@orders.command("list")
@click.option("--batch", "batch_id", type=ID, help="Only the orders of this batch.")
def orders_list(batch_id: int | None) -> None:
    """The purchase orders, newest first: number, batch, supplier, status, totals."""
    from purchasing.orders.orders import orders as all_orders

    with transaction(commit=False) as session:
        for order in all_orders(session, batch_id):
            email = order.emails[-1].status if order.emails else "-"
            click.echo(
                f"{order.id}\t{order.number}\tbatch {order.batch_id}\t{order.supplier.name}\t"
                f"{order.status}\te-mail {email}\t{order.total_excl_vat} EUR excl. VAT\t"
                f"{order.total_incl_vat} EUR incl. VAT"
            )


@orders.command("send")
@click.option("--batch", "batch_id", type=ID, required=True, help="The approved batch.")
@acting_as
def orders_send(batch_id: int, acting_email: str | None) -> None:
    """Queue the e-mail of each order of an approved batch not sent yet (the scheduler sends
    them). Links to the supplier's answer page start with COACHAT_BASE_URL."""
    from purchasing.orders.mail import send_orders
    from web.config import from_environment
    from web.outgoing import answer_link_for

    config = from_environment()
    with transaction() as session:
        queued = send_orders(
            session,
            batch_id,
            actor=actor(session, acting_email),
            link_for=answer_link_for(config),
            settings=config["SMTP"],
        )
        for email in queued:
            click.echo(f"{email.order.number}\tqueued for {email.recipient}")
        if not queued:
            click.echo("Every order of this batch was already sent or is on its way.")


@orders.command("pdf")
@click.argument("order_id", type=ID)
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    required=True,
    help="File to write (a name ending in .csv writes the CSV).",
)
def orders_pdf(order_id: int, output: Path) -> None:
    """Write a purchase order as PDF (or as CSV when the file name ends in .csv)."""
    from purchasing.orders.order_document import order_files
    from purchasing.orders.orders import order_by_id

    with transaction(commit=False) as session:
        files = order_files(session, order_by_id(session, order_id))
    data = files.csv if output.suffix.lower() == ".csv" else files.pdf
    output.write_bytes(data)
    click.echo(f"{output} ({len(data)} bytes)")


commands = [orders]
