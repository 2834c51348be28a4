"""`coachat batches`: list, show, approve and reject batches from the shell, with the same use
cases as the batch page."""

from __future__ import annotations

import json
from typing import Any

import click

from purchasing.models import Batch
from web.commands import acting_as, actor, transaction


@click.group()
def batches() -> None:
    """Batches the optimizer proposes."""


@batches.command("list")
@click.option(
    "--status", type=click.Choice(["proposed", "approved", "rejected", "ordered", "closed"])
)
def batches_list(status: str | None) -> None:
    """The batches, newest first."""
    from purchasing.batches.batches import batches as all_batches

    with transaction(commit=False) as session:
        for batch in all_batches(session, status):
            computed = sum(1 for scenario in batch.scenarios if scenario.computed)
            click.echo(
                f"{batch.id}\tround {batch.round.name}\t{batch.status}\t"
                f"{computed}/{len(batch.scenarios)} scenarios computed"
            )


def _summary(batch: Batch) -> dict[str, Any]:
    return {
        "id": batch.id,
        "round": batch.round.name,
        "status": batch.status,
        "decided_by": batch.decided_by.email if batch.decided_by else None,
        "decided_at": batch.decided_at.isoformat() if batch.decided_at else None,
        "decision_note": batch.decision_note,
        "awaiting_match": batch.awaiting_match,
        "frontier": batch.frontier,
        "scenarios": [
            {
                "number": scenario.number,
                "policy": scenario.policy,
                "chosen": scenario.chosen,
                "state": scenario.job.status
                if scenario.job
                else ("done" if scenario.computed else "queued"),
                "error": scenario.job.error if scenario.job and scenario.job.error else None,
                "result": scenario.result or None,
            }
            for scenario in batch.scenarios
        ],
    }


@batches.command("show")
@click.argument("batch_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="The whole batch as JSON.")
def batches_show(batch_id: int, as_json: bool) -> None:
    """One batch: its scenarios and their indicators."""
    from purchasing.batches.batches import batch_for
    from purchasing.results import read_result
    from purchasing.rounds.policies import policy_from_json

    with transaction(commit=False) as session:
        data = _summary(batch_for(session, batch_id))
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        return
    click.echo(f"Batch {data['id']} (round {data['round']}): {data['status']}")
    if data["decided_by"]:
        click.echo(
            f"  decided by {data['decided_by']} at {data['decided_at']} {data['decision_note']}"
        )
    for scenario in data["scenarios"]:
        cost, delay, eco = policy_from_json(scenario["policy"]).percentages
        line = (
            f"  scenario {scenario['number']}{' (approved)' if scenario['chosen'] else ''}: "
            f"weights cost {cost} / delay {delay} / eco {eco}"
        )
        if scenario["result"]:
            solution = read_result(scenario["result"])
            figures = solution.indicators
            line += (
                f"; {solution.report.status.value}, total {figures.total_cost} EUR excl. VAT, "
                f"eco {figures.eco_score}, savings {figures.savings} EUR, "
                f"needs served {figures.needs_served}, "
                f"partly {figures.needs_partial}, "
                f"not {figures.needs_unmet}"
            )
        else:
            line += f"; {scenario['state']}{': ' + scenario['error'] if scenario['error'] else ''}"
        click.echo(line)


@batches.command("scenario")
@click.argument("batch_id", type=int)
@click.option("--cost", help="Weight of cost, in percent (the three weights total 100).")
@click.option("--delay", help="Weight of delivery delay, in percent.")
@click.option("--eco", help="Weight of ecology, in percent.")
@click.option("--min-average-eco", help="Minimum average eco score (0-100).")
@click.option("--budget-cap", help="Budget cap in euros excl. VAT.")
@click.option("--max-suppliers-per-product", help="At most this many suppliers per product.")
@click.option("--min-local-share", help="Minimum share from local suppliers, in percent.")
@click.option("--min-social-economy-share", help="Minimum share from the social economy (%).")
@click.option("--single-supplier-per-need", is_flag=True, help="One supplier per need.")
@click.option("--deliver-to-collection-point", is_flag=True, help="Deliver to the point.")
@click.option("--delivery-cost-per-km", help="Euros per km of each delivery round trip.")
@click.option("--time-limit", help="Solver time limit in seconds.")
@acting_as
def batches_scenario(batch_id: int, acting_email: str | None, **typed: object) -> None:
    """Ask for a scenario of a batch under other weights and rules; the scheduler computes it.
    Weights are percentages totalling 100 (all three left out: the cooperative's defaults; one
    left out: 0)."""
    from purchasing.batches.batches import request_scenario
    from purchasing.rounds.policies import read_policy

    raw = {name: value for name, value in typed.items() if value not in (None, False)}
    with transaction() as session:
        scenario = request_scenario(
            session, batch_id, read_policy(raw), actor=actor(session, acting_email)
        )
        click.echo(f"Scenario {scenario.number} of batch {batch_id} is queued.")


@batches.command("approve")
@click.argument("batch_id", type=int)
@click.option(
    "--scenario", "scenario_number", default="1", show_default=True, help="Scenario number."
)
@acting_as
def batches_approve(batch_id: int, scenario_number: str, acting_email: str | None) -> None:
    """Approve one scenario of a batch: its allocations are written."""
    from purchasing.batches.batches import approve_batch

    with transaction() as session:
        batch = approve_batch(
            session, batch_id, scenario_number, actor=actor(session, acting_email)
        )
        click.echo(f"Batch {batch.id} approved with scenario {scenario_number}.")


@batches.command("reject")
@click.argument("batch_id", type=int)
@click.option("--comment", required=True, help="Why the batch is rejected.")
@acting_as
def batches_reject(batch_id: int, comment: str, acting_email: str | None) -> None:
    """Reject a batch; its needs go back to the next round."""
    from purchasing.batches.batches import reject_batch

    with transaction() as session:
        batch = reject_batch(session, batch_id, comment, actor=actor(session, acting_email))
        click.echo(f"Batch {batch.id} rejected.")


commands = [batches]
