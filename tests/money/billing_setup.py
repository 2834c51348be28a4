"""A received batch ready to invoice: the small cooperative of the order tests, its orders
sent and received, and the cooperative's record complete."""

from __future__ import annotations

from purchasing.models import Cooperative
from purchasing.orders.deliveries import (
    DeliveryLineValues,
    DeliveryValues,
    expected_by_site,
    record_delivery,
)
from purchasing.orders.orders import mark_sent_by_hand
from tests.purchasing.orders_setup import Approved, approved_batch

COOPERATIVE = {
    "name": "Coachat Grand Nancy",
    "legal_form": "SCIC SAS à capital variable",
    "siren": "894127653",
    "siret": "89412765300018",
    "vat_number": "FR67894127653",
    "address": "18 rue de la Visitation",
    "postcode": "54000",
    "town": "Nancy",
    "country": "FR",
    "email": "achats@demo.coachat.fr",
    "iban": "FR7642559100000800412765091",
    "bic": "CCOPFRPPXXX",
    "sepa_creditor_id": "FR06ZZZ8F3A21",
    "payment_terms_days": 30,
}


def with_cooperative(session) -> Cooperative:
    record = session.get(Cooperative, 1)
    if record is None:
        record = Cooperative(id=1, **COOPERATIVE)
        session.add(record)
    else:
        for name, value in COOPERATIVE.items():
            setattr(record, name, value)
    session.flush()
    return record


def received_batch(session, make, sessions) -> Approved:
    """Approved, every order sent by hand and received in full at every site."""
    approved = approved_batch(session, make, sessions)
    with_cooperative(session)
    for order in approved.orders(session):
        mark_sent_by_hand(session, order.id, actor=approved.lead)
    for order in approved.orders(session):
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
    session.expire_all()
    return approved
