"""`coachat accounting`: the FEC of a fiscal year, the journal of a period and the receivables,
written to a file with the same use cases as the books page."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from web.commands import acting_as, actor, transaction

_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write.",
)
_DAY = click.DateTime(formats=["%Y-%m-%d"])


def _write(output: Path, content: bytes) -> None:
    """Writes the file, or ends the command with one line and exit code 2 (the transaction is
    then rolled back: no export is recorded that nobody received)."""
    try:
        output.write_bytes(content)
    except OSError as error:
        click.echo(f"cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(2)
    click.echo(f"{output} ({len(content)} bytes)")


@click.group()
def accounting() -> None:
    """The accountant's files: FEC, journal and receivables."""


@accounting.command("fec")
@click.option("--year", type=int, required=True, help="The fiscal year (the year it ends in).")
@_OUTPUT
@acting_as
def accounting_fec(year: int, output: Path, acting_email: str | None) -> None:
    """Write the FEC of a fiscal year (tab-separated, 18 columns). Its legal name,
    <SIREN>FEC<closing date>.txt, is printed: give the file that name for the tax office."""
    from money.books import fec_of_year

    with transaction() as session:
        name, content = fec_of_year(session, year, actor=actor(session, acting_email))
        _write(output, content)
        click.echo(f"FEC file name: {name}")


@accounting.command("journal")
@click.option("--from", "first", type=_DAY, required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "last", type=_DAY, required=True, help="Last day, YYYY-MM-DD.")
@_OUTPUT
@acting_as
def accounting_journal(
    first: datetime, last: datetime, output: Path, acting_email: str | None
) -> None:
    """Write the journal lines of the entries dated in a period, as CSV for a spreadsheet."""
    from money.books import journal_csv

    with transaction() as session:
        content = journal_csv(
            session, first.date(), last.date(), actor=actor(session, acting_email)
        )
        _write(output, content)


@accounting.command("receivables")
@_OUTPUT
@acting_as
def accounting_receivables(output: Path, acting_email: str | None) -> None:
    """Write today's open invoices per member, aged by days past due, as CSV."""
    from money.receivables import receivables_csv
    from purchasing.clock import cooperative_today

    with transaction() as session:
        content = receivables_csv(session, cooperative_today(), actor=actor(session, acting_email))
        _write(output, content)


commands = [accounting]
