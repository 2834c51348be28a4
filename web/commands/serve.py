"""`coachat run`: what `make run` calls."""

from __future__ import annotations

import os
import subprocess
import sys

import click
from werkzeug.serving import WSGIRequestHandler

from web.commands import transaction
from web.config import ConfigurationError, from_environment


class RequestHandler(WSGIRequestHandler):
    """The development server's handler, without naming Werkzeug's and Python's versions."""

    server_version = "coachat"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Serve only (another process schedules).")
def run(host: str, port: int, no_scheduler: bool) -> None:
    """Migrate, load the demo cooperative into an empty database, and serve the web pages with
    the scheduler process beside them; Ctrl-C stops both."""
    from werkzeug.serving import run_simple

    from demo.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, database_is_empty, load_demo
    from persistence.migrate import upgrade
    from purchasing.clock import cooperative_today
    from web import create_app
    from web.outgoing import quote_link_for

    # Links in e-mails (the supplier's answer page) point here unless a deployment says where
    # it is served; the scheduler process inherits it.
    os.environ.setdefault("COACHAT_BASE_URL", f"http://{host}:{port}")
    try:
        settings = from_environment()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error
    upgrade(settings["DATABASE_URL"])
    with transaction() as session:
        if database_is_empty(session):
            report = load_demo(
                session, cooperative_today(), quote_link_for=quote_link_for(settings)
            )
            click.echo(f"Demo cooperative loaded ({report.members} members, {report.needs} needs).")
    app = create_app()
    url = f"http://{host}:{port}/"
    click.echo("")
    click.echo(f"coachat is running at {url}")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for role, email, _name in DEMO_ACCOUNTS:
        click.echo(f"  {role:<7} {email}")
    scheduler = None
    if not no_scheduler:
        # The scheduler is a process of its own, as in a deployment; Ctrl-C reaches both.
        scheduler = subprocess.Popen(
            [sys.executable, "-c", "from web.cli import main; main()", "scheduler"]
        )
        click.echo("The scheduler closes rounds at their cut-off and runs the optimizer.")
    click.echo("Press Ctrl-C to stop.")
    try:
        run_simple(
            host, port, app, threaded=True, use_reloader=False, request_handler=RequestHandler
        )
    finally:
        if scheduler is not None:
            scheduler.terminate()
            try:
                scheduler.wait(timeout=30)
            except subprocess.TimeoutExpired:
                scheduler.kill()


commands = [run]
