"""`coachat rounds` (list, close) and `coachat scheduler`: the pooling loop from the shell."""

from __future__ import annotations

import logging
from datetime import datetime

import click

from web.commands import acting_as, actor, transaction
from web.config import from_environment


@click.group()
def rounds() -> None:
    """Pooling rounds."""


def _when(moment: datetime | None) -> str:
    from purchasing.clock import COOPERATIVE_TIMEZONE

    return moment.astimezone(COOPERATIVE_TIMEZONE).strftime("%Y-%m-%d %H:%M") if moment else "-"


@rounds.command("list")
def rounds_list() -> None:
    """The rounds, newest first, with their cut-off (Paris time) and batch."""
    from purchasing.rounds.rounds import rounds as all_rounds

    with transaction(commit=False) as session:
        for item in all_rounds(session):
            batch = f"batch {item.batch.id} ({item.batch.status})" if item.batch else "no batch"
            click.echo(
                f"{item.id}\t{item.name}\t{item.status}\tcut-off {_when(item.cutoff_at)}\t{batch}"
            )


@rounds.command("close")
@click.option("--round", "round_id", type=int, help="Round to close (default: the open one).")
@click.option("--no-optimize", is_flag=True, help="Pool only; leave the optimisation queued.")
@acting_as
def rounds_close(round_id: int | None, no_optimize: bool, acting_email: str | None) -> None:
    """Close the open round now, then optimize its batch (as the scheduler would). Only the
    closing's own optimisation runs here: other queued work (e-mails included) is left to
    the scheduler."""
    from persistence import create_engine_for, make_session_factory
    from purchasing.batches.batches import batch_for
    from purchasing.rounds.rounds import close_round
    from scheduling.jobs import work_job

    with transaction() as session:
        result = close_round(session, round_id, actor=actor(session, acting_email))
    click.echo(
        f"Round {result.round_id} closed: {result.pooled} needs pooled"
        + (f" into batch {result.batch_id}" if result.batch_id else " (no batch)")
        + (
            f", {len(result.awaiting_match)} free-text needs wait for a match"
            if result.awaiting_match
            else ""
        )
        + (f", {result.expired} needs past their date" if result.expired else "")
        + "."
    )
    if result.batch_id is None or no_optimize:
        return
    with transaction(commit=False) as session:
        job_id = batch_for(session, result.batch_id).scenarios[0].job_id
    if job_id is not None:
        engine = create_engine_for(from_environment()["DATABASE_URL"])
        try:
            work_job(make_session_factory(engine), job_id)
        finally:
            engine.dispose()
    with transaction(commit=False) as session:
        from purchasing.results import read_result

        batch = batch_for(session, result.batch_id)
        first = batch.scenarios[0]
        status = (
            read_result(first.result).report.status.value
            if first.result
            else (first.job.error if first.job else "")
        )
        click.echo(f"Batch {batch.id}, scenario 1: {status}.")


@click.command()
@click.option(
    "--tick",
    type=float,
    default=15.0,
    show_default=True,
    help="Seconds between checks for a due round.",
)
@click.option(
    "--nice",
    type=click.IntRange(0, 19),
    default=10,
    show_default=True,
    help="How much to lower the process's CPU priority, so that pages stay quick while it "
    "optimizes a batch on the same machine (0: as the web server).",
)
def scheduler(tick: float, nice: int) -> None:
    """Run the one scheduler process: closes rounds at their cut-off, reminds members, works
    the background jobs. Stop it with Ctrl-C."""
    import contextlib
    import os
    from pathlib import Path

    from scheduling.scheduler import Rhythms, serve

    if nice:
        os.nice(nice)
        # Linux schedules each session as a group, whose own nice value weighs against the
        # web server's: lowered too (best effort; a container's CPU weight does the same).
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(nice))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    click.echo("coachat scheduler running; press Ctrl-C to stop.")
    serve(from_environment()["DATABASE_URL"], Rhythms(close_due=tick))


commands = [rounds, scheduler]
