"""Purchase order numbers have neither gaps nor duplicates, even when batches are approved at
the same moment and one approval is rolled back: proven on PostgreSQL with real threads."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from persistence import make_session_factory
from purchasing.batches.batches import approve_batch
from purchasing.clock import cooperative_today
from purchasing.models import PurchaseOrder
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs


def _proposed_batches(session, make, sessions, count):
    """`count` batches waiting for approval, each with orders from two suppliers."""
    paper, soap = make.product(), make.product()
    make.offer(product=paper, lead_time_days=2)
    make.offer(product=soap, lead_time_days=2)
    member = make.member()
    batch_ids = []
    for _ in range(count):
        make.need(member, paper, quantity="10")
        make.need(member, soap, quantity="5")
        batch_ids.append(close_round(session, actor=None).batch_id)
        session.commit()
    assert work_jobs(sessions) == count
    return batch_ids


class Abandoned(Exception):
    pass


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_approvals_number_orders_without_gaps(engine, session, make):
    sessions = make_session_factory(engine)
    batch_ids = _proposed_batches(session, make, sessions, 5)
    start = threading.Barrier(len(batch_ids))
    failures: list[BaseException] = []

    def approve(batch_id: int, abandon: bool) -> None:
        own = sessions()
        try:
            start.wait()
            approve_batch(own, batch_id, "1", actor=None)
            if abandon:
                raise Abandoned  # the request fails after numbering: its numbers come back
            own.commit()
        except Abandoned:
            own.rollback()
        except BaseException as error:
            failures.append(error)
            own.rollback()
        finally:
            own.close()

    threads = [
        threading.Thread(target=approve, args=(batch_id, index == 1))
        for index, batch_id in enumerate(batch_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    session.expire_all()
    orders = list(session.scalars(select(PurchaseOrder).order_by(PurchaseOrder.sequence)))
    year = cooperative_today().year
    assert len(orders) == 2 * (len(batch_ids) - 1)
    assert [o.number for o in orders] == [f"BC-{year}-{n:04d}" for n in range(1, len(orders) + 1)]
    assert len({o.batch_id for o in orders}) == len(batch_ids) - 1
    # Each batch's orders were numbered together, one batch after the other.
    by_batch: dict[int, list[int]] = {}
    for order in orders:
        by_batch.setdefault(order.batch_id, []).append(order.sequence)
    assert all(max(s) - min(s) == len(s) - 1 for s in by_batch.values())
