"""The eco score: 0 to 100, every point backed by evidence a purchasing lead can check."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from suppliers.eco import (
    DEFAULT_CONFIG,
    EcoConfig,
    GeoPoint,
    LabelFact,
    OfferFacts,
    SupplierFacts,
    distance_km,
    eco_score,
    load_eco_config,
    offer_eco_score,
    split_labels,
    transport_co2_kg,
)

TODAY = date(2025, 6, 1)
LYON = GeoPoint(45.7640, 4.8357)
GRENOBLE = GeoPoint(45.1885, 5.7245)
PARIS = GeoPoint(48.8566, 2.3522)
MARSEILLE = GeoPoint(43.2965, 5.3698)
NBSP = "\u00a0"


NEXT_DOOR = SupplierFacts(location=LYON)
NOTHING = OfferFacts()


def score(
    offer: OfferFacts = NOTHING,
    supplier: SupplierFacts = NEXT_DOOR,
    site: GeoPoint | None = LYON,
):
    """The score on 1 June 2025 of an offer delivered to Lyon, by a Lyon supplier unless told."""
    return eco_score(offer, supplier, site, TODAY)


# --- the table --------------------------------------------------------------------------------


def test_the_shipped_table_gives_four_parts_adding_up_to_100():
    config = load_eco_config()

    assert (
        config.labels_max_points
        + config.social_max_points
        + config.recycled_max_points
        + config.transport_max_points
    ) == 100


def test_the_emission_factor_states_its_value_unit_and_public_source():
    factor = load_eco_config().emission_factor

    assert factor.value == 0.0875
    assert factor.unit == "kg CO2e/t.km"
    assert "Articulé, 34 à 40 t" in factor.name
    assert "ADEME" in factor.source and "Base" in factor.source


def test_the_table_knows_the_labels_the_cooperative_meets():
    config = load_eco_config()
    written = [
        "EU Ecolabel", "Écolabel européen", "NF Environnement", "Blauer Engel", "Ange bleu",
        "FSC", "PEFC", "AB", "Eurofeuille", "Cradle to Cradle", "Imprim'Vert", "Nordic Swan",
        "Ecocert", "Fairtrade", "GOTS", "OEKO-TEX",
    ]  # fmt: skip

    assert [name for name in written if config.label(name) is None] == []


def test_a_table_whose_parts_do_not_add_up_to_100_is_refused():
    data = json.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["parts"]["transport"]["max_points"] = 40

    with pytest.raises(ValueError, match="110"):
        EcoConfig.from_dict(data)


def test_a_table_with_an_uncited_emission_factor_is_refused():
    data = json.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["emission_factor"]["source"] = " "

    with pytest.raises(ValueError, match="source"):
        EcoConfig.from_dict(data)


def test_an_alias_naming_two_labels_is_refused():
    data = json.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["labels"]["pefc"]["aliases"].append("FSC")

    with pytest.raises(ValueError, match="fsc"):
        EcoConfig.from_dict(data)


def test_a_lead_can_score_with_another_table(tmp_path: Path):
    data = json.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["labels"]["pefc"]["points"] = 30
    path = tmp_path / "eco.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    offer = OfferFacts.from_label_text("PEFC")

    result = eco_score(offer, SupplierFacts(), None, TODAY, load_eco_config(path))

    assert result.part("labels").points == 30


# --- labels -----------------------------------------------------------------------------------


def test_a_valid_label_earns_its_points_and_says_until_when():
    offer = OfferFacts(labels=(LabelFact("FSC", date(2027, 12, 31)),))

    part = score(offer).part("labels")

    assert part.points == 15
    assert part.evidence == "FSC (produit), valable jusqu’au 31/12/2027 : 15 points"


def test_an_expired_label_counts_for_nothing_and_says_so():
    offer = OfferFacts(labels=(LabelFact("FSC", date(2024, 12, 31)),))

    part = score(offer).part("labels")

    assert part.points == 0
    assert part.evidence == "FSC (produit) expiré le 31/12/2024, 0 point"


def test_a_label_expiring_today_still_counts():
    offer = OfferFacts(labels=(LabelFact("PEFC", TODAY),))

    assert score(offer).part("labels").points == 10


def test_labels_of_the_product_and_of_the_supplier_both_count_the_best_ones_capped():
    offer = OfferFacts.from_label_text("Écolabel européen, FSC")
    supplier = SupplierFacts(labels=(LabelFact("Blauer Engel"),), location=LYON)

    part = score(offer, supplier).part("labels")

    assert part.points == 35 == part.max_points
    assert "Ange bleu (Blauer Engel) (fournisseur), sans date d’expiration : 25 points" in (
        part.evidence
    )
    assert "FSC (produit), sans date d’expiration : non compté" in part.evidence
    assert "plafonné à 35 points" in part.evidence


def test_a_label_held_twice_counts_once():
    offer = OfferFacts.from_label_text("PEFC")
    supplier = SupplierFacts(labels=(LabelFact("PEFC", date(2026, 1, 1)),), location=LYON)

    assert score(offer, supplier).part("labels").points == 10


def test_an_unknown_label_earns_nothing_and_is_named():
    part = score(OfferFacts.from_label_text("Super vert")).part("labels")

    assert (part.points, part.evidence) == (
        0,
        "« Super vert » (produit) : label non reconnu, 0 point",
    )


def test_label_cells_are_split_on_the_usual_separators():
    names = [fact.name for fact in split_labels("FSC, PEFC / Écolabel européen + AB et GOTS")]

    assert names == ["FSC", "PEFC", "Écolabel européen", "AB", "GOTS"]


# --- social economy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "points"),
    [("ESAT", 15), ("Entreprise adaptée", 15), ("SCOP", 12), ("SCIC", 12), ("ESS", 8), (None, 0)],
)
def test_a_social_economy_status_earns_points(status: str | None, points: int):
    supplier = SupplierFacts(social_economy=status, location=LYON)

    assert score(supplier=supplier).part("social_economy").points == points


def test_the_best_of_several_statuses_counts():
    supplier = SupplierFacts(social_economy="SCOP, agrément ESUS", location=LYON)

    assert score(supplier=supplier).part("social_economy").evidence == "SCOP : 12 points"


# --- recycled content -------------------------------------------------------------------------


@pytest.mark.parametrize(("share", "points"), [(100, 20), (85, 17), (50, 10), (0, 0), (None, 0)])
def test_recycled_content_earns_points_in_proportion(share: int | None, points: int):
    assert score(OfferFacts(recycled_content=share)).part("recycled_content").points == points


# --- transport --------------------------------------------------------------------------------


def test_distance_is_the_great_circle_distance_in_km():
    assert distance_km(LYON, PARIS) == pytest.approx(391.5, abs=0.5)
    assert distance_km(LYON, LYON) == 0


def test_transport_co2_is_distance_times_tonnes_times_factor():
    assert transport_co2_kg(100, 500, 0.0875) == pytest.approx(4.375)


def test_a_supplier_next_door_earns_all_transport_points():
    part = score().part("transport")

    assert part.points == 30
    assert part.evidence.startswith("0 km × 0,0875 kg CO2e/t·km = 0 kg CO2e par tonne livrée")


def test_transport_points_fall_with_the_co2_of_the_distance():
    offer = OfferFacts(weight_kg=2.5)

    part = score(offer, SupplierFacts(location=LYON), GRENOBLE).part("transport")

    # 94 km × 0.0875 = 8.3 kg CO2e per tonne; 30 × (1 − 8.3/100) = 27.5 → 28.
    assert part.points == 28
    assert part.evidence.startswith(
        "94 km × 0,0875 kg CO2e/t·km = 8,3 kg CO2e par tonne livrée "
        "(soit 0,021 kg CO2e par unité de 2,5 kg) : 28 points (facteur « Articulé"
    )


def test_an_unknown_location_earns_no_transport_points():
    part = score(supplier=SupplierFacts()).part("transport")

    assert part.points == 0 and part.evidence.startswith("distance inconnue")


def test_far_suppliers_earn_no_transport_points_but_never_negative():
    far = GeoPoint(59.3293, 18.0686)  # Stockholm, ~1 900 km from Lyon

    assert score(supplier=SupplierFacts(location=far)).part("transport").points == 0


# --- the whole score --------------------------------------------------------------------------


def test_the_total_is_the_sum_of_the_parts():
    offer = OfferFacts.from_label_text("FSC", recycled_content=85)
    supplier = SupplierFacts(social_economy="SCOP", location=LYON)

    result = score(offer, supplier, GRENOBLE)

    assert [part.points for part in result.parts] == [15, 12, 17, 28]
    assert result.total == 72


def test_a_best_in_class_offer_scores_100_and_a_bare_one_0():
    best = OfferFacts.from_label_text("Écolabel européen, Blauer Engel", recycled_content=100)
    supplier = SupplierFacts(social_economy="ESAT", location=LYON)

    assert score(best, supplier, LYON).total == 100
    assert score(OfferFacts(), SupplierFacts(), None).total == 0


def test_one_score_per_offer_uses_the_mean_distance_to_the_delivery_sites():
    supplier = SupplierFacts(location=LYON)
    sites = [PARIS, MARSEILLE]
    mean = (distance_km(LYON, PARIS) + distance_km(LYON, MARSEILLE)) / 2

    part = offer_eco_score(OfferFacts(), supplier, sites, TODAY).part("transport")

    assert part.evidence.startswith(f"distance moyenne aux 2 sites : {round(mean)} km × ")
    assert part.points == round(30 * (1 - mean * 0.0875 / 100))


def test_one_score_per_offer_for_a_given_site_is_that_sites_score():
    supplier = SupplierFacts(location=LYON)

    by_site = offer_eco_score(OfferFacts(), supplier, [PARIS, MARSEILLE], TODAY, site=GRENOBLE)

    assert by_site == eco_score(OfferFacts(), supplier, GRENOBLE, TODAY)


def test_thousands_in_evidence_use_a_no_break_space():
    far = GeoPoint(59.3293, 18.0686)

    evidence = score(supplier=SupplierFacts(location=far)).part("transport").evidence

    assert evidence.startswith(f"1{NBSP}")
