"""`coachat db` and `coachat demo`: the schema and the demo cooperative."""

from __future__ import annotations

import click

from web.commands import transaction
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


@click.group()
def demo() -> None:
    """The demo cooperative."""


@demo.command("load")
def demo_load() -> None:
    """Load the demo cooperative (does nothing if it is already there)."""
    from purchasing.clock import cooperative_today
    from purchasing.demo import load_demo

    with transaction() as session:
        report = load_demo(session, cooperative_today())
    if report.loaded:
        click.echo(
            f"Demo cooperative loaded: {report.members} members, {report.suppliers} suppliers, "
            f"{report.products} products, {report.offers} offers, {report.needs} open needs."
        )
    else:
        click.echo("The demo cooperative is already loaded; nothing changed.")


commands = [db, demo]
