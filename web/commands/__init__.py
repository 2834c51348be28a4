"""What every `coachat` command shares: its transaction, who it acts as, how it reports a refusal.

Each feature keeps its commands next to its pages (`web/catalog/commands.py`, ...); `web.cli`
gathers them under `coachat`. A command parses its options, opens one `transaction()`, calls the
same use cases as the pages, and prints the result.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from persistence import create_engine_for, make_session_factory, unit_of_work
from persistence.audit import COMMAND_LINE, Actor
from purchasing.errors import Invalid, NotFound, Refused
from purchasing.people.accounts import user_by_email
from web.config import from_environment

acting_as = click.option(
    "--as",
    "acting_email",
    metavar="EMAIL",
    help=(
        "Act as this user, with what their role allows, and record the change in the audit "
        "trail as theirs (default: the command line, which acts for the cooperative)."
    ),
)


@contextmanager
def transaction(*, commit: bool = True) -> Iterator[Session]:
    """A session on the configured database, committed if the block succeeds and rolled back if
    it fails (`commit=False`: always rolled back, for a dry run or a read). A refusal from a use
    case ends the command with its message: exit code 1 for something not found, 2 for values
    that break a rule or for what the acting user may not do (`NotAllowed`)."""
    engine = create_engine_for(from_environment()["DATABASE_URL"])
    try:
        with unit_of_work(make_session_factory(engine), commit=commit) as session:
            yield session
    except NotFound as error:
        raise click.ClickException(error.message.render()) from error
    except Invalid as error:
        for field, message in error.errors.items():
            click.echo(f"{field}: {message.render()}", err=True)
        sys.exit(2)
    except Refused as error:
        click.echo(error.message.render(), err=True)
        sys.exit(2)
    finally:
        engine.dispose()


def actor(session: Session, email: str | None) -> Actor:
    """Who a command acts as: the user given with `--as`, or else the command line itself."""
    return user_by_email(session, email) if email else COMMAND_LINE
