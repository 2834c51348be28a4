"""`coachat payments transfers` and `coachat supplier-bank propose|confirm|withdraw|pending`: the
same use cases as the supplier payment pages."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from web.commands import ID, OutputFile, acting_as, actor, transaction

REASONS = {
    "held": "held: a change of bank details waits for confirmation",
    "missing": "held: no confirmed bank details",
    "credit": "not paid: its credit notes outweigh what is due",
}


def _today() -> date:
    from purchasing.clock import cooperative_today

    return cooperative_today()


@click.group()
def payments() -> None:
    """Payments: direct debits, bank statements and supplier transfers."""


@payments.command("transfers")
@click.option("--due-by", type=click.DateTime(["%Y-%m-%d"]), required=True, help="YYYY-MM-DD")
@click.option(
    "--on", "execution_date", type=click.DateTime(["%Y-%m-%d"]), help="Execution date (today)."
)
@click.option("-o", "--output", type=OutputFile(), required=True)
@acting_as
def payments_transfers(
    due_by: datetime, execution_date: datetime | None, output: Path, acting_email: str | None
) -> None:
    """Build the credit-transfer file (pain.001) of the supplier invoices to pay due by a date:
    one transfer per supplier; suppliers whose bank details are held or missing are listed."""
    from money.supplier_transfers import build_transfers

    with transaction() as session:
        result = build_transfers(
            session,
            due_by.date(),
            _today(),
            execution_date=execution_date.date() if execution_date else None,
            actor=actor(session, acting_email),
        )
        output.write_bytes(result.run.file)
        for payment in result.payments:
            numbers = " ".join(a.invoice.number for a in payment.allocations)
            click.echo(f"{payment.supplier.name}\t{payment.amount} EUR\t{numbers}")
        for due in result.skipped:
            click.echo(
                f"{due.supplier.name}\t{due.amount} EUR\t{REASONS[due.reason or '']}", err=True
            )
        run = result.run
        click.echo(
            f"{output}: {run.number}, {run.count} transfers, {run.total} EUR, "
            f"executed on {run.execution_date}"
        )


@click.group("supplier-bank")
def supplier_bank() -> None:
    """Suppliers' bank details: proposed by one person, confirmed by another."""


@supplier_bank.command("propose")
@click.argument("supplier_id", type=ID)
@click.option("--iban", required=True)
@click.option("--bic", default="", help="Needed when the bank of the IBAN is not known.")
@click.option("--source", default="", help="Where the details come from.")
@acting_as
def bank_propose(
    supplier_id: int, iban: str, bic: str, source: str, acting_email: str | None
) -> None:
    """Propose new bank details for a supplier; they are paid to once someone else confirms."""
    from money.bank_details import propose_bank_details

    with transaction() as session:
        proposal = propose_bank_details(
            session, supplier_id, iban, bic, source=source, actor=actor(session, acting_email)
        )
        click.echo(f"{proposal.id}\t{proposal.iban}\t{proposal.bic}\twaiting for confirmation")


@supplier_bank.command("confirm")
@click.argument("proposal_id", type=ID)
@acting_as
def bank_confirm(proposal_id: int, acting_email: str | None) -> None:
    """Confirm proposed bank details (as another person than the one who proposed them)."""
    from money.bank_details import confirm_bank_details

    with transaction() as session:
        account = confirm_bank_details(session, proposal_id, actor=actor(session, acting_email))
        click.echo(f"{account.id}\t{account.supplier.name}\t{account.iban}\tactive")


@supplier_bank.command("withdraw")
@click.argument("proposal_id", type=ID)
@acting_as
def bank_withdraw(proposal_id: int, acting_email: str | None) -> None:
    """Withdraw proposed bank details."""
    from money.bank_details import withdraw_bank_details

    with transaction() as session:
        account = withdraw_bank_details(session, proposal_id, actor=actor(session, acting_email))
        click.echo(f"{account.id}\t{account.supplier.name}\t{account.iban}\twithdrawn")


@supplier_bank.command("pending")
def bank_pending() -> None:
    """The changes of bank details waiting for confirmation."""
    from money.bank_details import pending_bank_details

    with transaction(commit=False) as session:
        for account in pending_bank_details(session, None):
            click.echo(
                f"{account.id}\t{account.supplier.name}\t{account.iban}\t{account.bic}\t"
                f"proposed {account.proposed_at:%Y-%m-%d}"
            )


commands = [payments, supplier_bank]
