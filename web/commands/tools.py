"""`coachat optimize` and `coachat match`: the offline tools, which parse their own arguments."""

from __future__ import annotations

import sys

import click

PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


@click.command(context_settings=PASS_THROUGH, add_help_option=False)
@click.pass_context
def optimize(ctx: click.Context) -> None:
    """Solve a problem file: coachat optimize PROBLEM.json [-o RESULT.json] …"""
    from optimizer.cli import main as optimize_main

    sys.exit(optimize_main(list(ctx.args)))


@click.command(context_settings=PASS_THROUGH, add_help_option=False)
@click.pass_context
def match(ctx: click.Context) -> None:
    """Rank catalog products for queries: coachat match --catalog FILE --queries FILE …"""
    from suppliers.matching.command import main as match_main

    sys.exit(match_main(list(ctx.args)))


commands = [optimize, match]
