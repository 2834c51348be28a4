"""`coachat tenders`: open, list, show and close a tender from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import select

from mailing.models import OutgoingEmail
from persistence.audit import AuditEvent
from purchasing.tenders.models import Tender
from tests.purchasing.tenders_setup import proposed_batch
from web.cli import main


def test_the_command_line_opens_shows_and_closes_a_tender(
    database_url, session, make, sessions, monkeypatch
):
    world = proposed_batch(session, make, sessions)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("COACHAT_BASE_URL", "https://achats.example")
    runner = CliRunner()
    batch = str(world["batch"].id)
    refused = runner.invoke(
        main, ["tenders", "open", "--batch", batch, "--closes", "01/01/2020 10:00"]
    )
    assert refused.exit_code == 2 and "closes_at" in refused.output
    assert session.scalar(select(Tender.id)) is None
    opened = runner.invoke(
        main,
        [
            "tenders",
            "open",
            "--batch",
            batch,
            "--supplier",
            str(world["other"].id),
            "--invite",
            "contact@nouveau.example,Atelier Nouveau,73282932000074",
            "--closes",
            "01/01/2099 10:00",
        ],
    )
    assert opened.exit_code == 0, opened.output
    assert "until 01/01/2099 10:00" in opened.output
    session.expire_all()
    tender = session.scalar(select(Tender))
    assert tender.closes_at.hour == 9  # 10:00 in Paris in winter
    bodies = session.scalars(select(OutgoingEmail.body)).all()
    assert len(bodies) == 2 and all("https://achats.example/tenders/quote/" in b for b in bodies)
    listed = runner.invoke(main, ["tenders", "list"])
    assert listed.exit_code == 0 and f"{tender.id}\tbatch {batch}\topen" in listed.output
    shown = runner.invoke(main, ["tenders", "show", str(tender.id), "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["lines"][0]["quantity"] == "40.000" and len(data["invited"]) == 2
    closed = runner.invoke(main, ["tenders", "close", str(tender.id)])
    assert closed.exit_code == 0 and "closed" in closed.output
    again = runner.invoke(main, ["tenders", "close", str(tender.id)])
    assert again.exit_code == 2
    session.expire_all()
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "tender"))
    assert sorted(actions) == ["tender.close", "tender.open"]
