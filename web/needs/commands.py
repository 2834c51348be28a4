"""`coachat needs`: the open needs, as the optimizer reads them."""

from __future__ import annotations

from datetime import datetime

import click

from web.commands import transaction


@click.group()
def needs() -> None:
    """Members' needs."""


@needs.command("export-problem")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: stdout)."
)
@click.option("--order-date", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@click.option("--cost", help="Weight of cost, in percent (the three weights total 100).")
@click.option("--delay", help="Weight of delivery delay, in percent.")
@click.option("--eco", help="Weight of ecology, in percent.")
def needs_export_problem(
    output: str | None,
    order_date: datetime | None,
    cost: str | None,
    delay: str | None,
    eco: str | None,
) -> None:
    """Write the open needs and the catalog as an optimizer problem (see docs/optimizer.md),
    weighed as a scenario would be (all three weights left out: the cooperative's defaults)."""
    import optimizer
    from optimizer.jsonout import dumps, problem_to_dict
    from purchasing.clock import cooperative_today
    from purchasing.rounds.policies import read_policy
    from purchasing.rounds.problem import build_problem, open_needs

    day = order_date.date() if order_date is not None else cooperative_today()
    typed = {"cost": cost, "delay": delay, "eco": eco}
    with transaction(commit=False) as session:
        policy = read_policy({name: value for name, value in typed.items() if value is not None})
        weighed = policy.for_optimizer(day, optimizer.Policy(order_date=day))
        found = open_needs(session)
        problem = build_problem(session, found, weighed)
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
