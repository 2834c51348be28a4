"""`coachat batches`: list, show, approve and reject batches (filled in below)."""

from __future__ import annotations

import click


@click.group()
def batches() -> None:
    """Batches the optimizer proposes."""


commands = [batches]
