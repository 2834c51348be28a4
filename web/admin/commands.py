"""`coachat users`: accounts from the shell (the first admin of a new installation)."""

from __future__ import annotations

import getpass

import click

from web.commands import acting_as, actor, transaction


@click.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["member", "lead", "admin"]), required=True)
@click.option("--member", "member_siret", help="SIRET of the member company (member users).")
@click.option("--password", help="Read from the terminal when omitted.")
@acting_as
def users_create(
    email: str,
    name: str,
    role: str,
    member_siret: str | None,
    password: str | None,
    acting_email: str | None,
) -> None:
    """Create an account."""
    from purchasing.people.accounts import UserValues, create_user, member_by_siret

    if password is None:
        password = getpass.getpass("Password: ")
    with transaction() as session:
        member_id = member_by_siret(session, member_siret).id if member_siret else None
        values = UserValues(
            email=email, name=name, role=role, member_id=member_id, password=password
        )
        user = create_user(session, values, actor=actor(session, acting_email))
        click.echo(f"Account {user.email} created with the role {user.role}.")


commands = [users]
