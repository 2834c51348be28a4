"""`coachat batches`: list, show, approve and reject batches from the shell, with the same use
cases as the batch page."""

from __future__ import annotations

import json

import click

from web.commands import ID, acting_as, actor, transaction


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


def _summary(batch) -> dict:  # type: ignore[no-untyped-def, type-arg]
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
@click.argument("batch_id", type=ID)
@click.option("--json", "as_json", is_flag=True, help="The whole batch as JSON.")
def batches_show(batch_id: int, as_json: bool) -> None:
    """One batch: its scenarios and their indicators."""
    from purchasing.batches.batches import batch_for

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
        weights = scenario["policy"].get("weights", {})
        line = (
            f"  scenario {scenario['number']}{' (approved)' if scenario['chosen'] else ''}: "
            f"weights cost {weights.get('cost')} / delay {weights.get('delay')} "
            f"/ eco {weights.get('eco')}"
        )
        result = scenario["result"]
        if result:
            figures = result.get("indicators", {})
            line += (
                f"; {result.get('status')}, total {figures.get('total_cost')} EUR excl. VAT, "
                f"eco {figures.get('eco_score')}, savings {figures.get('savings')} EUR, "
                f"needs served {figures.get('needs_served')}, "
                f"partly {figures.get('needs_partial')}, "
                f"not {figures.get('needs_unmet')}"
            )
        else:
            line += f"; {scenario['state']}{': ' + scenario['error'] if scenario['error'] else ''}"
        click.echo(line)


@batches.command("approve")
@click.argument("batch_id", type=ID)
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
@click.argument("batch_id", type=ID)
@click.option("--comment", required=True, help="Why the batch is rejected.")
@acting_as
def batches_reject(batch_id: int, comment: str, acting_email: str | None) -> None:
    """Reject a batch; its needs go back to the next round."""
    from purchasing.batches.batches import reject_batch

    with transaction() as session:
        batch = reject_batch(session, batch_id, comment, actor=actor(session, acting_email))
        click.echo(f"Batch {batch.id} rejected.")


commands = [batches]
