"""`coachat db` and `coachat demo`: the schema and the demo cooperative."""

from __future__ import annotations

from pathlib import Path

import click

from web.commands import OutputFile, transaction
from web.config import from_environment


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION."""
    from persistence.migrate import upgrade

    upgrade(from_environment()["DATABASE_URL"], revision)
    click.echo(f"Database at revision {revision}.")


@click.command("backup")
@click.argument("file", type=OutputFile())
def backup_command(file: Path) -> None:
    """Write a consistent copy of the database to FILE, even while coachat runs."""
    from persistence.backup import BackupFailed, backup

    try:
        backup(from_environment()["DATABASE_URL"], file)
    except BackupFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database's content with the backup in FILE (stop coachat first)."""
    from persistence.backup import BackupFailed, restore

    if not yes:
        click.confirm(
            "Everything in the database will be replaced by the backup. Go on?", abort=True
        )
    try:
        restore(from_environment()["DATABASE_URL"], file)
    except BackupFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Database restored from {file}.")


@click.group()
def demo() -> None:
    """The demo cooperative."""


@demo.command("load")
def demo_load() -> None:
    """Load the demo cooperative (does nothing if it is already there)."""
    from demo.demo import load_demo
    from purchasing.clock import cooperative_today
    from web.outgoing import quote_link_for

    # The open tender's links work where the demo is served: the configured base URL and key.
    links = quote_link_for(from_environment())
    with transaction() as session:
        report = load_demo(session, cooperative_today(), quote_link_for=links)
    if report.loaded:
        click.echo(
            f"Demo cooperative loaded: {report.members} members, {report.suppliers} suppliers, "
            f"{report.products} products, {report.offers} offers, {report.needs} open needs."
        )
    else:
        click.echo("The demo cooperative is already loaded; nothing changed.")


commands = [db, demo, backup_command, restore_command]
