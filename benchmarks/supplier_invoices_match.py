"""How long receiving and matching suppliers' invoices takes: 1,000 CII (Factur-X EN 16931)
invoices of 50 lines each, one per purchase order of 50 lines whose deliveries are recorded,
each read and checked, stored, and matched line by line against its order and what was
received (three-way match), on SQLite, in one transaction per 100 invoices.

    .venv/bin/python benchmarks/supplier_invoices_match.py [--invoices 1000] [--lines 50]

One invoice in ten bills a price above the order and one in ten more units than were received,
so that the match writes exceptions as well as agreements. Goal: under 60 s for 1,000.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import money.supplier_invoices as reception
from money.formats.received import read_supplier_invoice
from money.supplier_invoices import receive_supplier_invoice
from money.supplier_matching import match_supplier_invoice
from persistence import Base, create_engine_for, make_session_factory
from purchasing.models import (
    Batch,
    Cooperative,
    Delivery,
    DeliveryLine,
    DeliverySite,
    Member,
    PurchaseOrder,
    PurchaseOrderLine,
    Round,
)
from suppliers.models import Category, Offer, Product, Supplier
from tests.money.supplier_invoices import Adjustment, Invoice, Line, Seller, cii

ORDERED_ON = date(2027, 1, 4)
COOPERATIVE = {
    "name": "Coachat Grand Nancy",
    "siren": "894127653",
    "siret": "89412765300018",
    "vat_number": "FR67894127653",
    "town": "Nancy",
    "email": "achats@demo.coachat.fr",
}
SELLER = Seller(name="PAPETERIE DE L'EST")
BUYER = Seller(
    name=COOPERATIVE["name"],
    siren=COOPERATIVE["siren"],
    siret=COOPERATIVE["siret"],
    vat=COOPERATIVE["vat_number"],
)
RATES = (Decimal("0.20"), Decimal("0.20"), Decimal("0.055"), Decimal("0.10"))
FEE = Decimal("12.50")


def price(k: int) -> Decimal:
    return Decimal(1 + (k * 7) % 90) + Decimal(k % 100) / 100


def quantity(n: int, k: int) -> Decimal:
    return Decimal(1 + (n + k) % 40)


def set_up(session, invoices: int, lines: int) -> list[PurchaseOrder]:
    """The cooperative, one supplier and its catalog, and one order of `lines` lines per
    invoice, delivered in full."""
    session.add(Cooperative(id=1, **COOPERATIVE))
    supplier = Supplier(
        name="Papeterie de l'Est", siret=SELLER.siret, siren=SELLER.siren,
        vat_number=SELLER.vat, town="Nancy", latitude=48.69, longitude=6.18,
        contact_email="commandes@papeterie.example", delivery_fee=FEE,
    )  # fmt: skip
    member = Member(name="Atelier", siret="73282932000074", town="Nancy", latitude=48.69,
                    longitude=6.18)  # fmt: skip
    site = DeliverySite(name="Atelier", town="Nancy", latitude=48.69, longitude=6.18)
    member.sites.append(site)
    category = Category(name="Papeterie")
    offers = []
    for k in range(1, lines + 1):
        product = Product(name=f"Article {k} du catalogue coopératif", category=category)
        offers.append(Offer(supplier=supplier, product=product, supplier_ref=f"REF-{k:04}",
                            vat_rate=RATES[k % len(RATES)]))  # fmt: skip
    # One order per supplier and batch: a batch (and its round) per order.
    batches = [
        Batch(round=Round(name=f"Tournée {n}", opens_at=time_of(ORDERED_ON), status="closed"),
              status="ordered")
        for n in range(1, invoices + 1)
    ]  # fmt: skip
    session.add_all([supplier, member, category, *offers, *batches])
    session.flush()
    orders = []
    for n, batch in enumerate(batches, start=1):
        order = PurchaseOrder(
            number=f"BC-2027-{n:04}", year=2027, sequence=n, batch_id=batch.id,
            supplier_id=supplier.id, status="sent", ordered_on=ORDERED_ON,
            expected_on=ORDERED_ON + timedelta(days=3), delivery_fee=FEE,
        )  # fmt: skip
        order.lines = [
            PurchaseOrderLine(
                offer_id=offer.id,
                quantity=quantity(n, k),
                packs=int(quantity(n, k)),
                unit_price=price(k),
                vat_rate=offer.vat_rate,
                line_total=quantity(n, k) * price(k),
            )
            for k, offer in enumerate(offers, start=1)
        ]
        orders.append(order)
    session.add_all(orders)
    session.flush()
    for order in orders:
        delivery = Delivery(order_id=order.id, site_id=site.id, received_on=ORDERED_ON)
        delivery.lines = [DeliveryLine(order_line_id=line.id, received=line.quantity)
                          for line in order.lines]  # fmt: skip
        session.add(delivery)
        order.total_excl_vat = sum((line.line_total for line in order.lines), FEE)
        order.total_incl_vat = order.total_excl_vat + sum(
            (line.line_total * line.vat_rate for line in order.lines), FEE / 5
        ).quantize(Decimal("0.01"))
    session.commit()
    return orders


def time_of(day: date):
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def invoice_file(n: int, lines: int) -> bytes:
    """The supplier's invoice for order n: as ordered and received, except one in ten billed
    dearer and one in ten billing one unit more than received."""
    return cii(
        Invoice(
            number=f"F2027-{n:05}",
            issue_date=(ORDERED_ON + timedelta(days=5)).isoformat(),
            due_date=(ORDERED_ON + timedelta(days=35)).isoformat(),
            seller=SELLER,
            buyer=BUYER,
            order=f"BC-2027-{n:04}",
            lines=tuple(
                Line(
                    str(k),
                    f"REF-{k:04}",
                    f"Article {k} du catalogue coopératif",
                    str(quantity(n, k) + (1 if n % 10 == 3 and k == 7 else 0)),
                    str(price(k) + (Decimal("0.25") if n % 10 == 5 and k == 2 else 0)),
                    rate=f"{(RATES[k % len(RATES)] * 100).normalize():f}",
                )
                for k in range(1, lines + 1)
            ),
            adjustments=(Adjustment(True, str(FEE), "Frais de livraison", "DL"),),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000)
    parser.add_argument("--lines", type=int, default=50)
    args = parser.parse_args()
    files = [invoice_file(n, args.lines) for n in range(1, args.invoices + 1)]
    # Time and processor time of each step.
    matching, reading = [0.0, 0.0], [0.0, 0.0]

    def timed_match(session, invoice_id, *, actor):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return match_supplier_invoice(session, invoice_id, actor=actor)
        finally:
            matching[0] += time.perf_counter() - started
            matching[1] += time.process_time() - cpu

    def timed_read(data):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return read_supplier_invoice(data)
        finally:
            reading[0] += time.perf_counter() - started
            reading[1] += time.process_time() - cpu

    # The steps are timed where reception calls them.
    reception.match_supplier_invoice = timed_match  # type: ignore[assignment]
    reception.read_supplier_invoice = timed_read  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine_for(f"sqlite:///{folder}/bench.db")
        Base.metadata.create_all(engine)
        sessions = make_session_factory(engine)
        with sessions() as session:
            set_up(session, args.invoices, args.lines)
            started, cpu_started = time.perf_counter(), time.process_time()
            statuses: dict[str, int] = {}
            for n, data in enumerate(files, start=1):
                invoice = receive_supplier_invoice(session, data, f"F{n}.xml", actor=None)
                statuses[invoice.status] = statuses.get(invoice.status, 0) + 1
                if n % 100 == 0:
                    session.commit()
                    session.expunge_all()
            session.commit()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        engine.dispose()
    count = args.invoices
    print(f"invoices        {count} of {args.lines} lines, read, stored and matched")
    print(f"outcome         {', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}")
    print(f"time            {elapsed:.2f} s  ({1000 * elapsed / count:.1f} ms an invoice, "
          f"{count / elapsed:.0f} invoices a second; goal < 60 s for 1,000)")  # fmt: skip
    stored = (elapsed - reading[0] - matching[0], cpu - reading[1] - matching[1])
    for step, (spent, busy) in (("read", reading), ("stored", stored), ("matched", matching)):
        print(f"  {step:<13} {spent:.2f} s  ({1000 * spent / count:.1f} ms an invoice; "
              f"processor {1000 * busy / count:.1f} ms)")  # fmt: skip
    print(f"processor time  {cpu:.2f} s  (less than the time when the machine is busy elsewhere)")


if __name__ == "__main__":
    main()
