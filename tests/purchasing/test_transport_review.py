"""The transport CO2 explained: every tour of a scenario for the lead, and for a member its
share of each tour that carries its goods, its pick-ups and its tours alone, adding up to the
figures of its statement."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infrastructure.documents import statement_csv
from infrastructure.figures import co2_text
from optimizer.problem import CO2_SOURCE
from purchasing.batches.batches import approve_batch, request_scenario
from purchasing.batches.transport_review import (
    DEFAULT_SOURCE,
    Co2Reason,
    member_co2,
    member_transport,
    tour_shares,
    transport_of,
)
from purchasing.models import Batch, DeliverySite
from purchasing.people.collection_point import declare_collection_point
from purchasing.rounds.policies import read_policy
from purchasing.rounds.rounds import close_round
from purchasing.statements.statements import statement_document, statement_for
from scheduling.jobs import work_jobs


@pytest.fixture
def cooperative(session, make):
    """A bike workshop in Nancy and a grocery in Malzéville buying paper and soap from a
    supplier in Metz; a shared depot in Vandœuvre is the collection point."""
    workshop = make.member("Atelier Vélo Solidaire")
    grocery = make.member("Épicerie Vrac & Co")
    site = grocery.sites[0]
    site.town, site.latitude, site.longitude = "Malzéville", 48.7122, 6.1861
    depot = DeliverySite(
        member=make.member("Recyclerie du Plateau"),
        name="Dépôt partagé",
        town="Vandœuvre-lès-Nancy",
        latitude=48.6567,
        longitude=6.1683,
    )
    session.add(depot)
    supplier = make.supplier("Papeterie Lorraine")
    paper, soap = make.product("Ramette A4"), make.product("Savon 5 L")
    make.offer(paper, supplier, price="4.00")
    make.offer(soap, supplier, price="18.00")
    make.need(workshop, paper, quantity="10")
    make.need(grocery, paper, quantity="20")
    make.need(grocery, soap, quantity="2")
    declare_collection_point(session, depot.id, actor=None)
    return workshop, grocery, depot


def _batch(session, sessions, cooperative, deliver_to_point: bool) -> Batch:
    result = close_round(session, actor=None)
    session.commit()
    work_jobs(sessions)
    if deliver_to_point:
        policy = read_policy(
            {"cost": "60", "delay": "10", "eco": "30", "deliver_to_collection_point": "on"}
        )
        request_scenario(session, result.batch_id, policy, actor=None)
        session.commit()
        work_jobs(sessions)
    session.expire_all()
    return session.get(Batch, result.batch_id)


def test_the_default_source_is_the_optimizers_own_note():
    assert DEFAULT_SOURCE == CO2_SOURCE


def test_the_lead_sees_each_tour_with_names_stops_km_and_co2(session, sessions, cooperative):
    workshop, grocery, _depot = cooperative
    batch = _batch(session, sessions, cooperative, deliver_to_point=False)
    transport = transport_of(session, batch.scenarios[0].result)
    assert transport.collection_point is None  # this scenario delivers to each site
    assert transport.co2_kg_per_km == Decimal("0.25") and transport.source == DEFAULT_SOURCE
    (tour,) = transport.tours
    assert (tour.kind, tour.by, tour.start_town) == ("delivery", "Papeterie Lorraine", "Metz")
    assert {stop.member for stop in tour.stops} == {workshop.name, grocery.name}
    assert tour.co2_kg == (tour.km * Decimal("0.25")).quantize(Decimal("0.001"))
    assert transport.co2_kg == tour.co2_kg and transport.alone_co2_kg > transport.co2_kg


def test_delivered_to_the_collection_point_the_pick_ups_are_counted(session, sessions, cooperative):
    workshop, grocery, depot = cooperative
    batch = _batch(session, sessions, cooperative, deliver_to_point=True)
    transport = transport_of(session, batch.scenarios[1].result)
    assert transport.collection_point.site == "Dépôt partagé"
    delivery, *pickups = transport.tours
    assert delivery.kind == "delivery" and [s.site_id for s in delivery.stops] == [depot.id]
    assert [(t.kind, t.by) for t in pickups] == [
        ("pickup", workshop.name),
        ("pickup", grocery.name),
    ]
    assert pickups[1].start_town == "Malzéville" and pickups[1].stops[0].site == "Dépôt partagé"
    assert transport.co2_kg == sum((t.co2_kg for t in transport.tours), Decimal(0))


@pytest.mark.parametrize("deliver_to_point", [False, True])
def test_a_members_shares_add_up_to_its_statement_figure(
    session, sessions, cooperative, deliver_to_point
):
    workshop, grocery, _depot = cooperative
    batch = _batch(session, sessions, cooperative, deliver_to_point)
    result = batch.scenarios[-1].result
    shares = tour_shares(result)
    (tour,) = [t for t in result["transport"]["tours"] if t["kind"] == "delivery"]
    assert sum(shares.values()) == Decimal(tour["co2_kg"])
    for member in (workshop, grocery):
        mine = member_transport(session, result, member.id)
        row = next(m for m in result["members"] if m["member"] == str(member.id))
        assert mine.co2_kg == Decimal(row["co2_kg"])
        assert sum((t.share_kg for t in mine.tours), Decimal(0)) == mine.co2_kg
        assert mine.alone_co2_kg == sum((t.co2_kg for t in mine.alone_tours), Decimal(0))
        assert [t.by for t in mine.alone_tours] == ["Papeterie Lorraine"]
    # shared in proportion to each member's own round trip from Metz, not by goods value: the
    # grocery buys two thirds of the paper and all the soap, yet the workshop's own round trip
    # is the longer, so its share is the larger
    mine = {m.name: member_transport(session, result, m.id) for m in (workshop, grocery)}
    own = {name: transport.alone_co2_kg for name, transport in mine.items()}
    share = {name: transport.tours[0].share_kg for name, transport in mine.items()}
    assert own[workshop.name] > own[grocery.name]
    assert share[workshop.name] > share[grocery.name]
    if Decimal(tour["co2_kg"]) <= sum(own.values()):
        assert all(share[name] <= own[name] for name in own)


def test_a_member_sees_the_road_not_who_else_bought(session, sessions, cooperative):
    workshop, _grocery, _depot = cooperative
    batch = _batch(session, sessions, cooperative, deliver_to_point=False)
    mine = member_transport(session, batch.scenarios[0].result, workshop.id)
    (tour,) = mine.tours
    seen = {stop.town: stop.own for stop in tour.stops}
    assert seen == {"Nancy": True, "Malzéville": False}
    assert member_transport(session, batch.scenarios[0].result, 999999) is None


def test_a_statement_shows_more_co2_pooled_as_such_with_the_true_reason(
    session, sessions, cooperative
):
    workshop, _grocery, depot = cooperative
    # the depot moved to Épinal: delivered there, every round trip is longer than alone
    depot.town, depot.latitude, depot.longitude = "Épinal", 48.1724, 6.4496
    batch = _batch(session, sessions, cooperative, deliver_to_point=True)
    approve_batch(session, batch.id, "2", actor=None)
    statement = statement_for(session, batch.id, workshop.id)
    mine = member_transport(session, batch.chosen.result, workshop.id)
    # one computation: the header is the sum of the lines shown under it
    assert statement.co2_kg == sum((t.share_kg for t in mine.tours), Decimal(0)) == mine.co2_kg
    assert statement.alone_co2_kg == sum((t.co2_kg for t in mine.alone_tours), Decimal(0))
    # more CO2 pooled than alone is shown as such, never as zero avoided
    assert statement.co2_kg > statement.alone_co2_kg
    assert statement.co2_avoided_kg == statement.alone_co2_kg - statement.co2_kg < 0
    assert statement.co2_reason is Co2Reason.COLLECTION_POINT
    document = statement_document(statement)
    assert document.co2_note.startswith("Les fournisseurs livrent au point de collecte")
    rows = statement_csv(document).decode("utf-8-sig")
    assert f"CO2 évité (kg);;;;;;;{co2_text(statement.co2_avoided_kg)}" in rows
    assert co2_text(statement.co2_avoided_kg).startswith("-")


def test_without_a_collection_point_a_longer_tour_is_the_reason():
    tour = {"kind": "delivery", "by": "9", "start": "9", "stops": ["1", "2"]}
    result = {
        "status": "optimal",
        "transport": {"collection_point": None, "tours": [tour | {"co2_kg": "30.000"}]},
        "members": [
            {"member": "1", "alone_tours": [tour | {"stops": ["1"], "co2_kg": "10.000"}]},
            {"member": "2", "alone_tours": [tour | {"stops": ["2"], "co2_kg": "10.000"}]},
        ],
    }
    # the tour found emits more than both members' round trips together
    first = member_co2(result, 1)
    assert (first.co2_kg, first.alone_co2_kg) == (Decimal("15.000"), Decimal("10.000"))
    assert first.co2_avoided_kg == Decimal("-5.000")
    assert first.reason is Co2Reason.LONGER_TOUR
    # no longer than them together: nobody carries more than its own round trip
    result["transport"]["tours"][0]["co2_kg"] = "18.000"
    assert member_co2(result, 1).co2_kg == Decimal("9.000")
    assert member_co2(result, 1).reason is None
