"""The cooperative's collection point: declared among the open sites, one at most, and offered
to the optimizer so that suppliers can deliver there and members' pick-ups are counted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import optimizer
from persistence import make_session_factory
from persistence.audit import AuditEvent
from purchasing.batches.batches import request_scenario
from purchasing.errors import Conflict, Invalid
from purchasing.models import Batch, DeliverySite
from purchasing.people.collection_point import (
    NoCollectionPoint,
    clear_collection_point,
    collection_point,
    declare_collection_point,
)
from purchasing.people.sites import set_site_active
from purchasing.rounds.policies import ScenarioPolicy, policy_from_json, read_policy
from purchasing.rounds.problem import build_problem, open_needs
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs


def _depot(make, session, **values):
    """A member's second site, in Vandœuvre, to serve as the collection point."""
    member = make.member("Recyclerie du Plateau")
    site = DeliverySite(
        member=member,
        name=values.pop("name", "Dépôt partagé"),
        town="Vandœuvre-lès-Nancy",
        latitude=48.6567,
        longitude=6.1683,
        **values,
    )
    session.add(site)
    session.flush()
    return site


def _events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_an_admin_declares_an_open_site_the_collection_point(session, make):
    admin = make.user("admin")
    depot = _depot(make, session)
    assert collection_point(session) is None
    declare_collection_point(session, depot.id, actor=admin)
    assert collection_point(session) == depot
    (event,) = _events(session, "site.collection_point")
    assert (event.object_id, event.user_id, event.details["previous"]) == (
        depot.id,
        admin.id,
        None,
    )
    declare_collection_point(session, depot.id, actor=admin)  # again: nothing more
    assert len(_events(session, "site.collection_point")) == 1


def test_there_is_one_collection_point_at_most(session, make):
    depot = _depot(make, session)
    other = make.member().sites[0]
    declare_collection_point(session, depot.id, actor=None)
    declare_collection_point(session, other.id, actor=None)
    session.expire_all()
    assert collection_point(session) == other
    assert not session.get(DeliverySite, depot.id).collection_point
    assert _events(session, "site.collection_point")[-1].details["previous"] == depot.id
    # The schema holds the rule too.
    session.get(DeliverySite, depot.id).collection_point = True
    with pytest.raises(IntegrityError):
        session.flush()


def test_the_collection_point_is_cleared_with_the_audit_trail(session, make):
    admin = make.user("admin")
    depot = _depot(make, session)
    declare_collection_point(session, depot.id, actor=admin)
    assert clear_collection_point(session, actor=admin) == depot
    assert collection_point(session) is None
    (event,) = _events(session, "site.collection_point_clear")
    assert (event.object_id, event.user_id) == (depot.id, admin.id)
    assert clear_collection_point(session, actor=admin) is None
    assert len(_events(session, "site.collection_point_clear")) == 1


def test_a_closed_site_cannot_be_the_collection_point(session, make):
    depot = _depot(make, session, active=False)
    with pytest.raises(Conflict) as refused:
        declare_collection_point(session, depot.id, actor=None)
    assert refused.value.message.params == {"name": "Dépôt partagé"}
    assert collection_point(session) is None and _events(session, "site.collection_point") == []


def test_the_collection_points_site_is_not_closed(session, make):
    depot = _depot(make, session)
    declare_collection_point(session, depot.id, actor=None)
    with pytest.raises(Conflict) as refused:
        set_site_active(session, depot.id, False, actor=None)
    assert "collection point" in refused.value.message.text
    assert session.get(DeliverySite, depot.id).active


def test_the_problem_carries_the_collection_point_and_the_delivery_cost_to_it(session, make, today):
    member = make.member()
    supplier = make.supplier(delivery_cost_per_km=Decimal("0.01"))
    paper = make.product()
    make.offer(paper, supplier)
    make.need(member, paper)
    depot = _depot(make, session)
    declare_collection_point(session, depot.id, actor=None)
    problem = build_problem(session, open_needs(session), optimizer.Policy(order_date=today))
    assert problem.collection_point == str(depot.id)
    point = next(site for site in problem.sites if site.id == str(depot.id))
    assert point.location == optimizer.Location(lat=48.6567, lon=6.1683)
    assert {cost.site for cost in problem.delivery_costs} == {
        str(depot.id),
        str(member.sites[0].id),
    }
    delivered = build_problem(
        session,
        open_needs(session),
        optimizer.Policy(order_date=today, deliver_to_collection_point=True),
    )
    assert delivered.policy.deliver_to_collection_point


def test_delivering_to_a_collection_point_never_declared_is_refused(session, make, today):
    make.need(make.member())
    policy = optimizer.Policy(order_date=today, deliver_to_collection_point=True)
    with pytest.raises(NoCollectionPoint):
        build_problem(session, open_needs(session), policy)
    assert build_problem(session, open_needs(session), optimizer.Policy(order_date=today))


def test_the_policy_keeps_the_choice_and_older_policies_keep_their_keys(today):
    plain = ScenarioPolicy()
    assert "deliver_to_collection_point" not in plain.as_json()["rules"]
    asked = read_policy({"cost": "100", "deliver_to_collection_point": "on"})
    assert asked.deliver_to_collection_point and asked.key != read_policy({"cost": "100"}).key
    assert policy_from_json(asked.as_json()) == asked
    base = optimizer.Policy(order_date=today, co2_source="ADEME Base Empreinte")
    chosen = asked.for_optimizer(today, base)
    assert chosen.deliver_to_collection_point and chosen.co2_source == "ADEME Base Empreinte"
    assert not plain.for_optimizer(today, base).deliver_to_collection_point


def _closed_batch(session, make, sessions):
    """Two members in Nancy buying the same paper from a supplier in Metz."""
    paper = make.product()
    make.offer(product=paper, price="2.40", lead_time_days=2)
    make.need(make.member("Atelier Vélo Solidaire"), paper)
    make.need(make.member("Épicerie Vrac & Co"), paper)
    result = close_round(session, actor=None)
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    return session.get(Batch, result.batch_id)


def test_a_scenario_has_suppliers_deliver_to_the_collection_point(session, make, sessions):
    lead = make.user("lead")
    depot = _depot(make, session)
    declare_collection_point(session, depot.id, actor=None)
    batch = _closed_batch(session, make, sessions)
    assert batch.problem["collection_point"] == str(depot.id)
    policy = read_policy(
        {"cost": "60", "delay": "10", "eco": "30", "deliver_to_collection_point": "y"}
    )
    scenario = request_scenario(session, batch.id, policy, actor=lead)
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    first, second = session.get(Batch, batch.id).scenarios
    assert first.result["transport"]["collection_point"] is None
    transport = second.result["transport"]
    assert second.number == scenario.number and transport["collection_point"] == str(depot.id)
    kinds = sorted(tour["kind"] for tour in transport["tours"])
    assert kinds == ["delivery", "pickup", "pickup"]
    (delivery,) = [tour for tour in transport["tours"] if tour["kind"] == "delivery"]
    assert delivery["stops"] == [str(depot.id)]


def test_a_scenario_delivered_to_no_collection_point_is_refused(session, make, sessions):
    lead = make.user("lead")
    batch = _closed_batch(session, make, sessions)
    policy = read_policy({"cost": "100", "deliver_to_collection_point": "on"})
    with pytest.raises(Invalid) as refused:
        request_scenario(session, batch.id, policy, actor=lead)
    assert "no collection point" in refused.value.errors["deliver_to_collection_point"].text
    # Declared after the batch was closed: from the next round.
    declare_collection_point(session, _depot(make, session).id, actor=None)
    with pytest.raises(Invalid) as refused:
        request_scenario(session, batch.id, policy, actor=lead)
    assert "next round" in refused.value.errors["deliver_to_collection_point"].text
    session.rollback()
    session.expire_all()
    assert len(session.get(Batch, batch.id).scenarios) == 1
    assert (
        session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "scenario.request")
        )
        == 0
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_admins_declaring_two_sites_at_once_the_second_is_told(engine, session, make):
    """Real concurrent transactions: the first declaration holds; the second, which waited on
    the index, gets a message instead of a server error, and leaves nothing half-done."""
    import threading

    first_site = _depot(make, session, name="Dépôt nord")
    second_site = _depot(make, session, name="Dépôt sud")
    session.commit()
    sessions = make_session_factory(engine)
    first, second = sessions(), sessions()
    declare_collection_point(first, first_site.id, actor=None)  # flushed, not committed
    outcome: dict[str, object] = {}

    def declare_second() -> None:
        try:
            declare_collection_point(second, second_site.id, actor=None)
            second.commit()
            outcome["result"] = "declared"
        except Conflict as refused:
            second.rollback()
            outcome["result"] = refused

    waiting = threading.Thread(target=declare_second)
    waiting.start()
    waiting.join(timeout=1.0)
    assert waiting.is_alive(), "the second declaration should wait on the first one's row"
    first.commit()
    waiting.join(timeout=30)
    first.close()
    second.close()
    assert isinstance(outcome["result"], Conflict)
    session.expire_all()
    assert collection_point(session).id == first_site.id
    assert len(_events(session, "site.collection_point")) == 1
