"""The lead's transport settings page: what is in force, defaults said plainly, values set with
their source, refusals that change nothing; members may not see it."""

from __future__ import annotations

from decimal import Decimal

from purchasing.rounds.transport_settings import transport_basis
from tests.conftest import page_words

FORM = {
    "co2_kg_per_km": "0,31",
    "co2_dataset": "ADEME Base Empreinte",
    "co2_version": "23.11",
    "co2_line": "28000",
    "road_detour": "1,25",
    "road_detour_source": "relevé sur nos tournées",
}


def test_the_lead_reads_the_defaults_and_sets_the_values(client, signed_in, session, make):
    signed_in(make.user("lead"))
    page = page_words(client.get("/rounds/transport"))
    assert "0,25 kg CO2e par km parcouru · valeur par défaut, qui ne vient d’aucune ligne" in page
    assert "1,3 km par la route par km à vol d’oiseau · valeur par défaut" in page
    assert "Ballou, Rahardja et Sakai" in page
    saved = client.post("/rounds/transport", data=FORM, follow_redirects=True)
    shown = page_words(saved)
    assert "Les réglages du transport sont enregistrés" in shown
    assert "0,31 kg CO2e par km parcouru · source : ADEME Base Empreinte, 23.11, 28000" in shown
    assert "1,25 km par la route par km à vol d’oiseau · source : relevé sur nos tournées" in shown


def test_a_factor_without_its_source_is_refused_on_the_form(client, signed_in, session, make):
    signed_in(make.user("lead"))
    refused = client.post("/rounds/transport", data=FORM | {"co2_version": ""})
    assert refused.status_code == 422
    assert "Indiquez la source du facteur : base, version et ligne." in page_words(refused)
    session.expire_all()
    assert transport_basis(session).co2_kg_per_km == Decimal("0.25")


def test_members_may_not_set_the_transport_settings(client, signed_in, make):
    signed_in(make.user("member"))
    assert client.get("/rounds/transport").status_code == 403
    assert client.post("/rounds/transport", data=FORM).status_code == 403
