"""`coachat mandates add|list|revoke` and `coachat payments sepa|import|reject`: the same use
cases as the collection pages."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from web.commands import acting_as, actor, transaction


def _today() -> date:
    from purchasing.clock import cooperative_today

    return cooperative_today()


@click.group()
def mandates() -> None:
    """Members' SEPA B2B direct-debit mandates."""


@mandates.command("list")
@click.option("--all", "everything", is_flag=True, help="Revoked mandates too.")
def mandates_list(everything: bool) -> None:
    """The mandates: id, member, reference, IBAN, BIC, signature date, status."""
    from money.mandates import mandates as all_mandates

    with transaction(commit=False) as session:
        for mandate in all_mandates(session, active_only=not everything):
            status = "active" if mandate.active else f"revoked {mandate.revoked_on}"
            click.echo(
                f"{mandate.id}\t{mandate.member.name}\t{mandate.reference}\t{mandate.iban}\t"
                f"{mandate.bic}\tsigned {mandate.signed_on}\t{status}"
            )


@mandates.command("add")
@click.option("--member", "member_id", type=int, required=True, help="The member's id.")
@click.option("--iban", required=True)
@click.option("--bic", required=True)
@click.option("--reference", default="", help="The mandate's reference (default: numbered).")
@click.option("--signed-on", default="", metavar="YYYY-MM-DD", help="Default: today.")
@acting_as
def mandates_add(
    member_id: int, iban: str, bic: str, reference: str, signed_on: str, acting_email: str | None
) -> None:
    """Record a mandate a member signed (IBAN and BIC are checked)."""
    from money.mandates import add_mandate, read_mandate

    raw = {"member_id": member_id, "iban": iban, "bic": bic, "reference": reference}
    if signed_on:
        raw["signed_on"] = signed_on
    with transaction() as session:
        mandate = add_mandate(
            session, read_mandate(raw, _today()), actor=actor(session, acting_email)
        )
        click.echo(f"{mandate.id}\t{mandate.reference}\trecorded")


@mandates.command("revoke")
@click.argument("mandate_id", type=int)
@acting_as
def mandates_revoke(mandate_id: int, acting_email: str | None) -> None:
    """Revoke a mandate: nothing more is collected under it."""
    from money.mandates import revoke_mandate

    with transaction() as session:
        mandate = revoke_mandate(session, mandate_id, _today(), actor=actor(session, acting_email))
        click.echo(f"{mandate.id}\t{mandate.reference}\trevoked")


@click.group()
def payments() -> None:
    """Members' payments: direct debits and bank statements."""


@payments.command("sepa")
@click.option("--due-by", type=click.DateTime(["%Y-%m-%d"]), required=True, help="YYYY-MM-DD")
@click.option(
    "--on",
    "collection_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Collection date (default: the due date, or the first day the notice allows).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@acting_as
def payments_sepa(
    due_by: datetime, collection_date: datetime | None, output: Path, acting_email: str | None
) -> None:
    """Build the direct-debit file (pain.008) of the open invoices due by a date of the members
    with an active mandate; records the debits and tells the members by e-mail."""
    from money.direct_debits import build_collection, earliest_collection_date

    today = _today()
    due = due_by.date()
    with transaction() as session:
        on = (
            collection_date.date()
            if collection_date
            else max(due, earliest_collection_date(session, today))
        )
        result = build_collection(session, due, on, today, actor=actor(session, acting_email))
        output.write_bytes(result.run.file)
        for payment in result.payments:
            click.echo(f"{payment.member.name}\t{payment.amount} EUR\t{payment.reference}")
        for name in result.not_notified:
            click.echo(f"{name}\tnot collected: no user with an e-mail to tell", err=True)
        click.echo(
            f"{output}: {result.run.count} debits, {result.run.total} EUR, collected on {on}"
        )


@payments.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@acting_as
def payments_import(file: Path, acting_email: str | None) -> None:
    """Import a bank statement (CAMT.053) of the cooperative's account and match its lines."""
    from money.bank_import import import_bank_statement

    with transaction() as session:
        result = import_bank_statement(
            session, file.read_bytes(), actor=actor(session, acting_email)
        )
        click.echo(
            f"{result.statement_id}: {result.new} new lines, {result.already} known already, "
            f"{result.matched} payments recorded, {result.recognised} direct debits recognised, "
            f"{result.waiting} waiting"
        )


@payments.command("reject")
@click.argument("payment_id", type=int)
@click.option("--reason", required=True, help="The bank's reason code, such as AM04.")
@click.option("--on", "rejected_on", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@acting_as
def payments_reject(
    payment_id: int, reason: str, rejected_on: datetime | None, acting_email: str | None
) -> None:
    """Record a direct debit that came back: its invoices are due again."""
    from money.direct_debits import reject_debit

    on = rejected_on.date() if rejected_on else _today()
    with transaction() as session:
        payment = reject_debit(session, payment_id, on, reason, actor=actor(session, acting_email))
        click.echo(f"{payment.id}\t{payment.member.name}\t{payment.amount} EUR\trejected")


commands = [mandates, payments]
