"""For any batch (needs, packs, tolerances, a supplier's cuts, deliveries), every counted
quantity on every document is a whole number of its product's shipping step, and each order
line's units are the sum of what its sites expect."""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from demo.demo_history import _compute
from persistence import Base, create_engine_for, make_session_factory
from purchasing.batches.batches import approve_batch
from purchasing.clock import cooperative_today
from purchasing.models import Allocation, PurchaseOrder
from purchasing.orders.confirmations import ChangeValues, answer_token, propose_change
from purchasing.orders.deliveries import (
    DeliveryLineValues,
    DeliveryValues,
    expected_by_site,
    record_delivery,
)
from purchasing.orders.order_document import order_document
from purchasing.orders.orders import accept_change, mark_sent_by_hand
from purchasing.rounds.rounds import close_round
from purchasing.statements.statements import statements_of_batch
from tests.conftest import Factory

SECRET = "test-secret-key-0123456789"
STEPS = (Decimal(1), Decimal(1), Decimal("0.5"), Decimal(5), Decimal("0.001"))


def whole(quantity: Decimal, step: Decimal) -> bool:
    return quantity % step == 0


def play(seed: int, tmp: Path) -> None:
    rng = random.Random(seed)
    engine = create_engine_for(f"sqlite:///{tmp / f'{seed}.db'}")
    Base.metadata.create_all(engine)
    session = make_session_factory(engine)()
    try:
        _play(rng, session)
    finally:
        session.close()
        engine.dispose()


def _play(rng: random.Random, session) -> None:
    make = Factory(session)
    lead = make.user("lead")
    members = [make.member() for _ in range(3)]
    products = []
    for _ in range(rng.randint(1, 3)):
        step = rng.choice(STEPS)
        product = make.product(unit="l", shipping_step=step)
        products.append(product)
        for _ in range(rng.randint(1, 2)):
            make.offer(
                product=product,
                price=str(rng.choice(("0.40", "3.10", "12.00"))),
                pack_size=str(step * rng.randint(1, 12)),
            )
    for _ in range(rng.randint(2, 8)):
        product = rng.choice(products)
        make.need(
            rng.choice(members),
            product,
            quantity=str(product.shipping_step * rng.randint(1, 40)),
            tolerance_percent=rng.choice((0, 5, 10, 20, 50)),
        )
    closed = close_round(session, actor=None)
    if closed.batch_id is None:
        return
    from purchasing.batches.batches import batch_for

    _compute(session, batch_for(session, closed.batch_id))
    approve_batch(session, closed.batch_id, "1", actor=lead)
    orders = list(session.scalars(select(PurchaseOrder)))
    for order in orders:
        mark_sent_by_hand(session, order.id, actor=lead)
        if rng.random() < 0.6:
            cut = {
                line.id: str(
                    line.offer.product.shipping_step
                    * rng.randint(0, int(line.quantity / line.offer.product.shipping_step))
                )
                for line in order.lines
            }
            if any(
                Decimal(units) != line.quantity
                for line, units in zip(order.lines, cut.values(), strict=True)
            ):
                token = answer_token(order, SECRET)
                propose_change(session, order.number, token, SECRET, ChangeValues(cut))
                accept_change(session, order.id, actor=lead)
        session.expire_all()
        check_order(session, session.get(PurchaseOrder, order.id))
    for order in orders:
        order = session.get(PurchaseOrder, order.id)
        expected = expected_by_site(session, order)
        by_site: dict[int, list[DeliveryLineValues]] = defaultdict(list)
        for (site, line_id), units in sorted(expected.items()):
            line = next(line for line in order.lines if line.id == line_id)
            step = line.offer.product.shipping_step
            arrived = step * rng.randint(0, int(units / step) + 2)
            note = "un carton de plus" if arrived > units else ""
            by_site[site].append(DeliveryLineValues(line_id, received=str(arrived), note=note))
        for site, lines in by_site.items():
            if any(Decimal(line.received) for line in lines):
                record_delivery(session, order.id, DeliveryValues(site, lines), actor=lead)
    session.expire_all()
    for allocation in session.scalars(select(Allocation)):
        step = allocation.offer.product.shipping_step
        assert whole(allocation.quantity, step), allocation.quantity
        assert allocation.received_quantity is None or whole(allocation.received_quantity, step)
    steps = {product.name: product.shipping_step for product in products}
    for statement in statements_of_batch(session, None, closed.batch_id):
        for line in statement.lines:
            assert whole(line.ordered, steps[line.product]), line
            assert whole(line.received, steps[line.product]), line


def check_order(session, order: PurchaseOrder) -> None:
    for line in order.lines:
        step = line.offer.product.shipping_step
        assert whole(line.quantity, step), (line.quantity, step)
        assert line.packs == int(line.packs)
    expected = expected_by_site(session, order)
    for line in order.lines:
        at_sites = [units for (_site, line_id), units in expected.items() if line_id == line.id]
        assert all(whole(units, line.offer.product.shipping_step) for units in at_sites)
        assert sum(at_sites, Decimal(0)) == line.quantity
    document = order_document(session, order)
    for doc_line in document.lines:
        on_sites = [
            units
            for site in document.sites
            for ref, _name, units in site.units
            if ref == doc_line.reference
        ]
        assert sum(on_sites, Decimal(0)) == doc_line.units
        assert doc_line.packs == int(doc_line.packs)


@pytest.mark.long
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.integers(min_value=0, max_value=2**32))
def test_every_quantity_on_every_document_is_whole_shipping_steps(seed: int) -> None:
    assert cooperative_today() is not None
    with TemporaryDirectory() as tmp:
        play(seed, Path(tmp))
