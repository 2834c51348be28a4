"""Two leads issuing invoices at the same moment leave neither a gap nor a duplicate in the
invoice numbers or the sales journal, and the same batch issued twice at once gives one invoice
per member: proven on PostgreSQL with real threads."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from money.invoicing import issue_batch_invoices
from money.models import JournalEntry, MemberInvoice
from persistence import make_session_factory
from purchasing.batches.batches import approve_batch
from purchasing.models import Batch
from purchasing.orders.deliveries import (
    DeliveryLineValues,
    DeliveryValues,
    expected_by_site,
    record_delivery,
)
from purchasing.orders.orders import mark_sent_by_hand
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs
from tests.money.billing_setup import received_batch
from tests.purchasing.orders_setup import Approved

TODAY = date(2027, 3, 1)


def another_received_batch(session, make, sessions, first: Approved) -> int:
    """A further round of the same members' needs, approved, ordered and received in full."""
    for need in first.needs:
        make.need(need.member, need.product, quantity=str(need.quantity))
    batch_id = close_round(session, actor=None).batch_id
    session.commit()
    assert work_jobs(sessions) == 1
    approve_batch(session, batch_id, "1", actor=first.lead)
    session.commit()
    approved = Approved(session.get(Batch, batch_id), first.lead, [], [], [], [])
    for order in approved.orders(session):
        mark_sent_by_hand(session, order.id, actor=None)
        expected = expected_by_site(session, order)
        for site_id in sorted({site for site, _line in expected}):
            lines = [
                DeliveryLineValues(line_id, received=str(units))
                for (site, line_id), units in sorted(expected.items())
                if site == site_id
            ]
            record_delivery(
                session, order.id, DeliveryValues(site_id=site_id, lines=lines), actor=None
            )
    session.commit()
    return batch_id


def at_once(sessions, work: list[tuple[int, object]]) -> list[BaseException]:
    """Issues each (batch, lead) in its own transaction and thread, all starting together."""
    start = threading.Barrier(len(work))
    failures: list[BaseException] = []

    def issue(batch_id: int, lead_id: int) -> None:
        own = sessions()
        try:
            from purchasing.models import User

            lead = own.get(User, lead_id)
            start.wait()
            issue_batch_invoices(own, batch_id, TODAY, actor=lead)
            own.commit()
        except BaseException as error:
            failures.append(error)
            own.rollback()
        finally:
            own.close()

    threads = [threading.Thread(target=issue, args=item) for item in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return failures


@pytest.mark.long
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_leads_issuing_at_once_leave_no_gap_and_no_duplicate(engine, session, make):
    sessions = make_session_factory(engine)
    first = received_batch(session, make, sessions)
    second_batch = another_received_batch(session, make, sessions, first)
    third_batch = another_received_batch(session, make, sessions, first)
    other_lead = make.user("lead", email="second.lead@example.org")
    session.commit()

    # Two leads, two batches, the same moment.
    assert at_once(sessions, [(first.batch.id, first.lead.id), (second_batch, other_lead.id)]) == []
    # The same batch issued twice at once.
    assert at_once(sessions, [(third_batch, first.lead.id), (third_batch, other_lead.id)]) == []

    session.expire_all()
    invoices = list(session.scalars(select(MemberInvoice).order_by(MemberInvoice.sequence)))
    assert [invoice.number for invoice in invoices] == [f"FA-2027-{n:05d}" for n in range(1, 7)]
    per_batch = Counter((invoice.batch_id, invoice.member_id) for invoice in invoices)
    assert set(per_batch.values()) == {1}
    assert {batch for batch, _member in per_batch} == {first.batch.id, second_batch, third_batch}
    # Each batch's invoices were numbered together, one batch after the other.
    for batch in (first.batch.id, second_batch, third_batch):
        sequences = sorted(i.sequence for i in invoices if i.batch_id == batch)
        assert sequences == list(range(sequences[0], sequences[0] + 2))
    entries = list(
        session.scalars(
            select(JournalEntry).where(JournalEntry.journal == "VE").order_by(JournalEntry.number)
        )
    )
    assert [entry.number for entry in entries] == list(range(1, 7))
    assert [entry.document_ref for entry in entries] == [invoice.number for invoice in invoices]
    assert [e.validated_at for e in entries] == sorted(e.validated_at for e in entries)
