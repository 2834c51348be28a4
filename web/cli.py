"""The `coachat` command: each feature brings its own commands (see `web.commands`)."""

from __future__ import annotations

import click

from web.admin import commands as admin_commands
from web.catalog import commands as catalog_commands
from web.commands import database, serve, tools
from web.needs import commands as needs_commands


@click.group()
def main() -> None:
    """coachat: grouped purchasing for a cooperative of small businesses."""


for feature in (serve, database, admin_commands, needs_commands, catalog_commands, tools):
    for command in feature.commands:
        main.add_command(command)
