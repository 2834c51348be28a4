"""`coachat run`: what `make run` calls."""

from __future__ import annotations

import click

from web.commands import transaction
from web.config import ConfigurationError, from_environment


@click.command()
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


commands = [run]
