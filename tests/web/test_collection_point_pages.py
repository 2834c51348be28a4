"""The collection point on the pages: an admin declares and clears it among a member's sites,
the lead has suppliers deliver there in a scenario, and the batch page and each member's
statement show the round trips behind the transport CO2."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from infrastructure.figures import co2_text
from persistence.audit import AuditEvent
from purchasing.batches.batches import approve_batch
from purchasing.models import Batch, DeliverySite, Scenario
from purchasing.people.collection_point import collection_point, declare_collection_point
from scheduling.jobs import work_jobs
from tests.conftest import page_words, sign_in
from tests.purchasing.orders_setup import approved_batch, closed_batch

POLICY = {"cost": "60", "delay": "10", "eco": "30", "time_limit": "30"}


def _depot(session, make) -> DeliverySite:
    site = DeliverySite(
        member=make.member("Recyclerie du Plateau"),
        name="Dépôt partagé",
        address="17 rue de Nancy",
        postcode="54500",
        town="Vandœuvre-lès-Nancy",
        latitude=48.6567,
        longitude=6.1683,
    )
    session.add(site)
    session.flush()
    return site


def test_the_admin_declares_and_clears_the_collection_point(session, make, signed_in):
    depot = _depot(session, make)
    client = signed_in(make.user("admin"))
    assert "Aucun point de collecte n’est déclaré" in page_words(client.get("/admin/members"))
    answer = client.post(f"/admin/sites/{depot.id}/collection-point", follow_redirects=True)
    shown = page_words(answer)
    assert "Dépôt partagé est désormais le point de collecte de la coopérative." in shown
    assert "point de collecte Fermer Ne plus en faire le point de collecte" in shown
    listed = page_words(client.get("/admin/members"))
    assert "Les fournisseurs peuvent livrer tout un lot à Dépôt partagé (Recyclerie" in listed
    assert "17 rue de Nancy 54500 Vandœuvre-lès-Nancy" in listed
    refused = client.post(f"/admin/sites/{depot.id}/close", follow_redirects=True)
    assert "est le point de collecte de la coopérative : déclarez-en un autre" in page_words(
        refused
    )
    cleared = client.post("/admin/collection-point/clear", follow_redirects=True)
    assert "Dépôt partagé n’est plus le point de collecte." in page_words(cleared)
    session.expire_all()
    assert collection_point(session) is None
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == depot.id))
    assert {"site.collection_point", "site.collection_point_clear"} <= set(actions)


def test_a_closed_site_is_refused_as_collection_point_and_nothing_changes(session, make, signed_in):
    depot = _depot(session, make)
    depot.active = False
    client = signed_in(make.user("admin"))
    refused = client.post(f"/admin/sites/{depot.id}/collection-point", follow_redirects=True)
    assert (
        "Dépôt partagé est fermé : seul un site ouvert peut être le point de collecte."
        in page_words(refused)
    )
    session.expire_all()
    assert collection_point(session) is None
    assert (
        session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action.startswith("site."))
        )
        == 0
    )


def test_leads_and_members_cannot_declare_a_collection_point(session, make, signed_in, app):
    depot = _depot(session, make)
    lead = make.user("lead")
    client = signed_in(make.user("member"))
    assert client.post(f"/admin/sites/{depot.id}/collection-point").status_code == 403
    other = app.test_client()
    sign_in(other, lead)
    assert other.post("/admin/collection-point/clear").status_code == 403


def test_without_a_collection_point_the_scenario_is_refused_on_the_form(
    session, make, sessions, signed_in
):
    batch, lead, *_ = closed_batch(session, make, sessions)
    client = signed_in(lead)
    answer = client.post(
        f"/batches/{batch.id}/scenarios", data=POLICY | {"deliver_to_collection_point": "y"}
    )
    assert answer.status_code == 422
    shown = page_words(answer)
    assert "La coopérative n’a pas de point de collecte : un administrateur en déclare un" in shown
    assert "Ce lot a été clos sans point de collecte" in shown
    assert 'aria-invalid="true"' in answer.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(func.count(Scenario.id))) == 1


def test_the_lead_has_suppliers_deliver_to_the_point_and_reads_the_round_trips(
    session, make, sessions, signed_in
):
    depot = _depot(session, make)
    declare_collection_point(session, depot.id, actor=None)
    batch, lead, *_ = closed_batch(session, make, sessions)
    client = signed_in(lead)
    page = page_words(client.get(f"/batches/{batch.id}"))
    # the first scenario delivers to each site; the lead reads how its CO2 is counted
    assert "Transport : d’où vient le CO2" in page
    assert "Livraison sur le site de chaque membre" in page
    assert (
        "Facteur d’émission 0,25 kg CO2e par km parcouru · valeur par défaut, qui ne vient "
        "d’aucune ligne de base de données (ordre de grandeur" in page
    )
    assert "à vol d’oiseau, multipliées par un coefficient de détour routier de 1,3" in page
    assert "Livraison par Papeterie de l'Est" in page and "Livraison par Droguerie Verte" in page
    assert "Siège · Atelier Vélo (Nancy)" in page
    assert "Chaque fournisseur fait un seul aller-retour jusqu’à Dépôt partagé" in page

    asked = client.post(
        f"/batches/{batch.id}/scenarios", data=POLICY | {"deliver_to_collection_point": "y"}
    )
    assert asked.status_code == 302
    assert work_jobs(sessions) == 1
    page = page_words(client.get(f"/batches/{batch.id}?scenario=2"))
    assert "livré au point de collecte" in page
    assert "Livraison au point de collecte, Dépôt partagé · Recyclerie du Plateau" in page
    assert "Retrait par Atelier Vélo" in page and "Retrait par Épicerie du Coin" in page
    session.expire_all()
    result = session.get(Batch, batch.id).scenarios[1].result
    assert result["transport"]["collection_point"] == str(depot.id)
    total = co2_text(Decimal(result["indicators"]["transport_co2_kg"]))
    assert f"Groupé, au total {result['indicators']['transport_km'].replace('.', ',')}" in page
    assert total in page


def test_a_member_reads_its_share_of_each_round_trip_on_its_statement(session, make, sessions, app):
    approved = approved_batch(session, make, sessions)
    first, _second = approved.members
    client = app.test_client()
    sign_in(client, approved.users[0])
    page = page_words(client.get(f"/statements/{approved.batch.id}/{first.id}"))
    assert "Votre CO2 de transport, tournée par tournée" in page
    assert "Livraison par Papeterie de l'Est" in page
    assert "Droguerie Verte" not in page.split("tournée par tournée")[1]  # not its goods
    assert "Siège · Atelier Vélo (Nancy)" in page and "un membre à Nancy" in page
    assert "Épicerie du Coin" not in page
    row = next(m for m in approved.batch.chosen.result["members"] if m["member"] == str(first.id))
    # to one decimal, like every figure of CO2
    assert f"Votre CO2 de transport groupé {co2_text(Decimal(row['co2_kg']))}" in page
    assert "Si vous aviez acheté seul" in page
    assert "Votre CO2 de transport seul" in page


def test_the_statement_of_a_batch_delivered_to_the_point_shows_the_pick_up(
    session, make, sessions, app
):
    depot = _depot(session, make)
    declare_collection_point(session, depot.id, actor=None)
    batch, lead, members, users, *_ = closed_batch(session, make, sessions)
    client = app.test_client()
    sign_in(client, lead)
    client.post(
        f"/batches/{batch.id}/scenarios", data=POLICY | {"deliver_to_collection_point": "y"}
    )
    work_jobs(sessions)
    approve_batch(session, batch.id, "2", actor=lead)
    session.commit()
    member = app.test_client()
    sign_in(member, users[0])
    page = page_words(member.get(f"/statements/{batch.id}/{members[0].id}"))
    assert "Livraison au point de collecte, Dépôt partagé · Recyclerie du Plateau" in page
    assert "Retrait par Atelier Vélo Siège (Nancy) Dépôt partagé · Recyclerie du Plateau" in page
