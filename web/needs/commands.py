"""`coachat needs`: the open needs, as the optimizer reads them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from web.commands import OutputFile, transaction


@click.group()
def needs() -> None:
    """Members' needs."""


@needs.command("export-problem")
@click.option("-o", "--output", type=OutputFile(), help="File to write (default: stdout).")
@click.option("--order-date", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@click.option("--cost", default=0.6, show_default=True, help="Weight of cost.")
@click.option("--delay", default=0.1, show_default=True, help="Weight of delivery delay.")
@click.option("--eco", default=0.3, show_default=True, help="Weight of ecology.")
def needs_export_problem(
    output: Path | None, order_date: datetime | None, cost: float, delay: float, eco: float
) -> None:
    """Write the open needs and the catalog as an optimizer problem (see docs/optimizer.md)."""
    import optimizer
    from optimizer.jsonout import dumps, problem_to_dict
    from purchasing.clock import cooperative_today
    from purchasing.rounds.problem import build_problem, open_needs

    day = order_date.date() if order_date is not None else cooperative_today()
    try:
        weights = optimizer.Weights(cost=cost, delay=delay, eco=eco)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    with transaction(commit=False) as session:
        found = open_needs(session)
        problem = build_problem(session, found, optimizer.Policy(order_date=day, weights=weights))
        text = dumps(problem_to_dict(problem))
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


commands = [needs]
