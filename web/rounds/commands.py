"""`coachat rounds` and `coachat scheduler`."""

from __future__ import annotations

import click


@click.group()
def rounds() -> None:
    """Pooling rounds."""


commands = [rounds]
