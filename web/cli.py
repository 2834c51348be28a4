"""The `coachat` command: serving, migrating, demo data, accounts, and the offline tools."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from persistence import create_engine_for, make_session_factory
from web.config import ConfigurationError, from_environment

PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


@contextmanager
def transaction() -> Iterator[Session]:
    """A session on the configured database that commits if the block succeeds."""
    engine = create_engine_for(from_environment()["DATABASE_URL"])
    session = make_session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()


@click.group()
def main() -> None:
    """coachat: grouped purchasing for a cooperative of small businesses."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION."""
    from persistence.migrate import upgrade

    url = from_environment()["DATABASE_URL"]
    upgrade(url, revision)
    click.echo(f"Database at revision {revision}.")


@main.group()
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


@main.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["member", "lead", "admin"]), required=True)
@click.option("--member", "member_siret", help="SIRET of the member company (member users).")
@click.option("--password", help="Read from the terminal when omitted.")
def users_create(
    email: str, name: str, role: str, member_siret: str | None, password: str | None
) -> None:
    """Create an account."""
    from sqlalchemy import select

    from purchasing.accounts import UserValues, create_user
    from purchasing.errors import Invalid
    from purchasing.models import Member

    if password is None:
        password = getpass.getpass("Password: ")
    try:
        with transaction() as session:
            member_id = None
            if member_siret:
                member = session.scalar(select(Member).where(Member.siret == member_siret))
                if member is None:
                    raise click.ClickException(f"No member company has the SIRET {member_siret}.")
                member_id = member.id
            user = create_user(
                session,
                None,
                UserValues(
                    email=email, name=name, role=role, member_id=member_id, password=password
                ),
            )
            click.echo(f"Account {user.email} created with the role {user.role}.")
    except Invalid as error:
        for field, message in error.errors.items():
            click.echo(f"{field}: {message.render()}", err=True)
        sys.exit(2)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def run(host: str, port: int) -> None:
    """Migrate, load the demo cooperative into an empty database, and serve."""
    from werkzeug.serving import run_simple

    from persistence.migrate import upgrade
    from purchasing.clock import cooperative_today
    from purchasing.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, database_is_empty, load_demo
    from web import create_app

    try:
        settings = from_environment()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error
    upgrade(settings["DATABASE_URL"])
    with transaction() as session:
        if database_is_empty(session):
            report = load_demo(session, cooperative_today())
            click.echo(f"Demo cooperative loaded ({report.members} members, {report.needs} needs).")
    app = create_app()
    url = f"http://{host}:{port}/"
    click.echo("")
    click.echo(f"coachat is running at {url}")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for role, email, _name in DEMO_ACCOUNTS:
        click.echo(f"  {role:<7} {email}")
    click.echo("Press Ctrl-C to stop.")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.group()
def needs() -> None:
    """Members' needs."""


@needs.command("export-problem")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: stdout)."
)
@click.option("--order-date", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@click.option("--cost", default=0.6, show_default=True, help="Weight of cost.")
@click.option("--delay", default=0.1, show_default=True, help="Weight of delivery delay.")
@click.option("--eco", default=0.3, show_default=True, help="Weight of ecology.")
def needs_export_problem(
    output: str | None, order_date: object, cost: float, delay: float, eco: float
) -> None:
    """Write the open needs and the catalog as an optimizer problem (see docs/optimizer.md)."""
    from datetime import datetime

    import optimizer
    from optimizer.jsonout import dumps, problem_to_dict
    from purchasing.clock import cooperative_today
    from purchasing.problem import build_problem, open_needs

    day = order_date.date() if isinstance(order_date, datetime) else cooperative_today()
    try:
        weights = optimizer.Weights(cost=cost, delay=delay, eco=eco)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    with transaction() as session:
        found = open_needs(session)
        problem = build_problem(session, found, optimizer.Policy(order_date=day, weights=weights))
        text = dumps(problem_to_dict(problem))
        session.rollback()
    if output:
        with open(output, "w", encoding="utf-8") as file:
            file.write(text)
        click.echo(
            f"{len(problem.needs)} needs, {len(problem.offers)} offers, "
            f"{len(problem.suppliers)} suppliers written to {output}.",
            err=True,
        )
    else:
        click.echo(text, nl=False)


@main.group()
def catalog() -> None:
    """The supplier catalog."""


@catalog.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--supplier", "supplier_key", required=True, help="Supplier id, SIRET or exact name.")
@click.option("--map", "mappings", multiple=True, help="FIELD=HEADER, to adjust a column.")
@click.option("--dry-run", is_flag=True, help="Show the preview and import nothing.")
@click.option("--max-rows", default=20_000, show_default=True)
def catalog_import(
    path: str, supplier_key: str, mappings: tuple[str, ...], dry_run: bool, max_rows: int
) -> None:
    """Import a supplier's price list (CSV or XLSX): all of it, or nothing if a row is wrong."""
    from pathlib import Path

    from sqlalchemy import or_, select

    from suppliers.imports import apply_import, plan_import
    from suppliers.models import Supplier

    mapping: dict[str, str | None] = {}
    for item in mappings:
        field, _, header = item.partition("=")
        mapping[field.strip()] = header.strip() or None
    data = Path(path).read_bytes()
    settings = from_environment()
    with transaction() as session:
        key = supplier_key.strip()
        supplier = session.scalar(
            select(Supplier).where(
                or_(
                    Supplier.siret == key,
                    Supplier.name == key,
                    Supplier.id == (int(key) if key.isdigit() and len(key) < 10 else -1),
                )
            )
        )
        if supplier is None:
            raise click.ClickException(f"No supplier has the id, SIRET or name {key!r}.")
        try:
            plan = plan_import(
                session,
                supplier.id,
                data,
                Path(path).name,
                mapping or None,
                max_rows=max_rows,
                max_bytes=settings["MAX_UPLOAD_BYTES"],
                progress=_progress_printer(),
            )
        except ValueError as error:  # an unknown field name in --map
            raise click.ClickException(str(error)) from error
        counts = plan.counts()
        if not plan.ok:
            for message in plan.catalog.messages:
                click.echo(message, err=True)
            click.echo(f"{len(plan.catalog.messages)} problem(s): nothing was imported.", err=True)
            sys.exit(2)
        click.echo(
            f"{supplier.name}: {counts['create']} to create, {counts['update']} to update, "
            f"{counts['deactivate']} to deactivate; {counts['auto'] + counts['known']} matched, "
            f"{counts['review']} to review, {counts['new']} new products."
        )
        if dry_run:
            session.rollback()
            click.echo("Dry run: nothing was imported.")
            return
        result = apply_import(session, plan)
    click.echo(
        f"Imported: {result.created} created, {result.updated} updated, "
        f"{result.deactivated} deactivated, {result.new_products} new products, "
        f"{result.to_review} to review."
    )


def _progress_printer():  # type: ignore[no-untyped-def]
    """Prints the rows checked so far on a terminal, for large files."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done == total or done % 1000 == 0:
            click.echo(f"\rchecked {done}/{total} rows", err=True, nl=done == total)

    return show


@main.command(context_settings=PASS_THROUGH, add_help_option=False)
@click.pass_context
def optimize(ctx: click.Context) -> None:
    """Solve a problem file: coachat optimize PROBLEM.json [-o RESULT.json] …"""
    from optimizer.cli import main as optimize_main

    sys.exit(optimize_main(list(ctx.args)))


@main.command(context_settings=PASS_THROUGH, add_help_option=False)
@click.pass_context
def match(ctx: click.Context) -> None:
    """Rank catalog products for queries: coachat match --catalog FILE --queries FILE …"""
    from suppliers.matching.command import main as match_main

    sys.exit(match_main(list(ctx.args)))
