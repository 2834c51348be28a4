"""The `coachat` command: each feature brings its own commands (see `web.commands`)."""

from __future__ import annotations

import click

from web.admin import commands as admin_commands
from web.batches import commands as batches_commands
from web.books import commands as books_commands
from web.catalog import commands as catalog_commands
from web.collect import commands as collect_commands
from web.commands import Commands, database, serve, tools
from web.invoices import commands as invoices_commands
from web.needs import commands as needs_commands
from web.orders import commands as orders_commands
from web.payables import commands as payables_commands
from web.rounds import commands as rounds_commands
from web.supplier_invoices import commands as supplier_invoices_commands
from web.tenders import commands as tenders_commands


@click.group(cls=Commands)
def main() -> None:
    """coachat: grouped purchasing for a cooperative of small businesses."""


for feature in (
    serve,
    database,
    admin_commands,
    needs_commands,
    rounds_commands,
    batches_commands,
    tenders_commands,
    orders_commands,
    catalog_commands,
    invoices_commands,
    tools,
    collect_commands,
    payables_commands,
    books_commands,
    supplier_invoices_commands,
):
    for command in feature.commands:
        # Two features may bring subcommands of one group (`payments`): they are merged.
        known = main.commands.get(command.name or "")
        if isinstance(known, click.Group) and isinstance(command, click.Group):
            for sub in command.commands.values():
                known.add_command(sub)
        else:
            main.add_command(command)
