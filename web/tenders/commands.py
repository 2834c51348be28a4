"""`coachat tenders`: open a tender on a proposed batch, list tenders, show one, close one,
with the same use cases as the pages."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import click

from web.commands import ID, acting_as, actor, transaction


@click.group()
def tenders() -> None:
    """Requests for quotes on a proposed batch's pooled lines."""


def _invitation(text: str) -> Any:
    from purchasing.tenders.values import InvitationValues

    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 3:
        raise click.BadParameter(f"write EMAIL,NAME,SIRET, not {text!r}", param_hint="--invite")
    email, name, siret = parts
    return InvitationValues(name=name, email=email, siret=siret)


@tenders.command("open")
@click.option("--batch", "batch_id", type=ID, required=True, help="The proposed batch.")
@click.option("--supplier", "supplier_ids", type=ID, multiple=True, help="A catalog supplier.")
@click.option("--invite", "invites", multiple=True, help="A new supplier: EMAIL,NAME,SIRET.")
@click.option("--closes", required=True, help="Closing time in Paris: DD/MM/YYYY HH:MM.")
@click.option("--wanted", default="", help="Date the goods are wanted (default: a week later).")
@click.option("--product", "product_ids", type=ID, multiple=True, help="Only these products.")
@click.option("--whole-lot", is_flag=True, help="Suppliers quote for every line.")
@click.option("--evidence", multiple=True, help="labels, recycled_content or social_economy.")
@click.option("--note", default="", help="A word for the suppliers.")
@acting_as
def tenders_open(
    batch_id: int,
    supplier_ids: tuple[int, ...],
    invites: tuple[str, ...],
    closes: str,
    wanted: str,
    product_ids: tuple[int, ...],
    whole_lot: bool,
    evidence: tuple[str, ...],
    note: str,
    acting_email: str | None,
) -> None:
    """Put a proposed batch's pooled lines out to tender: each supplier invited gets an e-mail
    with its own quote link (starting with COACHAT_BASE_URL), valid until the closing."""
    from purchasing.clock import COOPERATIVE_TIMEZONE
    from purchasing.errors import N_, Invalid, Message
    from purchasing.parsing import parse_date
    from purchasing.tenders.opening import open_tender, read_closes_at
    from purchasing.tenders.values import TenderValues
    from web.config import from_environment
    from web.outgoing import quote_link_for

    invitations = [_invitation(text) for text in invites]
    config = from_environment()
    with transaction() as session:
        closes_at = read_closes_at(closes)
        wanted_date: date | None
        if wanted:
            wanted_date = parse_date(wanted)
            if wanted_date is None:
                raise Invalid({"wanted_date": Message(N_("Enter a date as DD/MM/YYYY."))})
        else:
            wanted_date = closes_at.astimezone(COOPERATIVE_TIMEZONE).date() + timedelta(days=7)
        tender = open_tender(
            session,
            batch_id,
            TenderValues(
                closes_at=closes_at,
                wanted_date=wanted_date,
                product_ids=product_ids,
                evidence_wanted=evidence,
                rules="whole_lot" if whole_lot else "per_line",
                supplier_ids=supplier_ids,
                invitations=invitations,
                note=note,
            ),
            actor=actor(session, acting_email),
            link_for=quote_link_for(config),
        )
        click.echo(f"Tender {tender.id} open on batch {batch_id} until {_paris(tender.closes_at)}")
        for line in tender.lines:
            click.echo(f"  line {line.position}\t{line.product.name}\t{line.quantity}")
        for invitation in tender.invitations:
            click.echo(f"  invited\t{invitation.name}\t{invitation.email}")


def _paris(moment: datetime) -> str:
    from purchasing.tenders.links import paris_time

    return paris_time(moment)


@tenders.command("list")
@click.option("--batch", "batch_id", type=ID, help="Only the tenders of this batch.")
def tenders_list(batch_id: int | None) -> None:
    """The tenders, newest first: batch, status, closing, lines, invited, quotes."""
    from purchasing.tenders.summary import tenders as all_tenders

    with transaction(commit=False) as session:
        for tender in all_tenders(session, batch_id):
            quotes = sum(1 for i in tender.invitations if i.quote and not i.quote.declined)
            click.echo(
                f"{tender.id}\tbatch {tender.batch_id}\t{tender.status}\t"
                f"closes {_paris(tender.closes_at)}\t{len(tender.lines)} lines\t"
                f"{len(tender.invitations)} invited\t{quotes} quotes"
            )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@tenders.command("show")
@click.argument("tender_id", type=ID)
@click.option("--json", "as_json", is_flag=True, help="Everything, as JSON.")
def tenders_show(tender_id: int, as_json: bool) -> None:
    """A tender's quotes side by side per line, who answered, and what it saved."""
    from purchasing.tenders.summary import tender_summary

    with transaction(commit=False) as session:
        summary = tender_summary(session, tender_id)
    if as_json:
        click.echo(json.dumps(_plain(asdict(summary)), indent=2, ensure_ascii=False))
        return
    click.echo(
        f"Tender {summary.tender_id}\tbatch {summary.batch_id}\t{summary.status}\t"
        f"closes {_paris(summary.closes_at)}\twanted {summary.wanted_date:%d/%m/%Y}"
    )
    for line in summary.lines:
        catalog = "-" if line.catalog_unit_price is None else f"{line.catalog_unit_price}"
        click.echo(f"{line.product}\t{line.quantity} {line.unit}\tcatalog {catalog} EUR/unit")
        for quoted in line.quotes:
            retained = "\tretained" if quoted.retained else ""
            click.echo(
                f"  {quoted.supplier}\t{quoted.unit_price} EUR/unit\t"
                f"{quoted.whole_volume_cost} EUR for the volume\t{quoted.lead_time_days} days\t"
                f"eco {'-' if quoted.eco_score is None else quoted.eco_score}{retained}"
            )
    for invited in summary.invited:
        click.echo(f"invited\t{invited.name}\t{invited.answered or 'no answer'}")
    for saving in summary.savings:
        if not saving.computed:
            click.echo(f"scenario {saving.scenario_number}\tbeing computed")
        else:
            click.echo(
                f"scenario {saving.scenario_number}\t{saving.cost} EUR\t"
                f"saved {saving.euros_saved} EUR and {saving.co2_kg_saved} kg CO2 against "
                f"scenario {saving.baseline_number}"
            )


@tenders.command("close")
@click.argument("tender_id", type=ID)
@acting_as
def tenders_close(tender_id: int, acting_email: str | None) -> None:
    """Close a tender now: its quotes become offers for it only and its scenarios are queued
    (the scheduler computes them)."""
    from purchasing.tenders.closing import close_tender

    with transaction() as session:
        tender = close_tender(session, tender_id, actor=actor(session, acting_email))
        numbers = ", ".join(str(link.scenario.number) for link in tender.scenarios)
        click.echo(f"Tender {tender.id} closed; scenarios {numbers} queued")


commands = [tenders]
