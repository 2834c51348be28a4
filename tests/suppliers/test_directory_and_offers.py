"""The purchasing lead keeps the catalog: a refused change names its fields and stores nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from purchasing.geography import cooperative_centroid, delivery_points
from suppliers import catalog
from suppliers.directory import SupplierValues, create_supplier, update_supplier
from suppliers.duplicates import DuplicateSupplier, find_duplicate_suppliers
from suppliers.eco import GeoPoint
from suppliers.eco_display import offer_eco
from suppliers.errors import Invalid, NotFound
from suppliers.labels import LabelValues
from suppliers.models import Offer, PriceTier, Supplier, SupplierLabel
from suppliers.offers import (
    OfferValues,
    TierValues,
    create_offer,
    deactivate_offer,
    reactivate_offer,
    update_offer,
)
from suppliers.siret import siret_is_valid

SIRET = "73282932000074"
NANCY = GeoPoint(48.6921, 6.1844)


def supplier_values(**changes) -> SupplierValues:
    values = SupplierValues(
        name="Papeterie Stanislas",
        siret=SIRET,
        address="3 rue des Carmes",
        postcode="54000",
        town="Nancy",
        latitude=48.6921,
        longitude=6.1844,
        social_economy="SCOP",
        contact_name="Service commercial",
        contact_email="commandes@stanislas.example",
        phone="03 83 00 00 00",
        delivery_fee=Decimal("12.50"),
        fee_waived_above=Decimal("150"),
    )
    return replace(values, **changes)


def tiers(*pairs: tuple[str, str]) -> list[TierValues]:
    return [TierValues(Decimal(quantity), Decimal(price)) for quantity, price in pairs]


def offer_values(product, **changes) -> OfferValues:
    values = OfferValues(
        product_id=product.id,
        supplier_ref="RAM-A4-80",
        description="Ramette A4 recyclée 80 g, carton de 5",
        pack_size=Decimal("5"),
        min_order_quantity=Decimal("25"),
        capacity=Decimal("2000"),
        lead_time_days=4,
        label="Écolabel européen",
        recycled_content=100,
        vat_rate=Decimal("0.20"),
        valid_from=date(2025, 1, 1),
        valid_until=date(2025, 12, 31),
        tiers=tiers(("1", "4.20"), ("50", "3.90"), ("200", "3.65")),
    )
    return replace(values, **changes)


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def refused(error: Invalid) -> set[str]:
    return set(error.errors)


# --- suppliers ---------------------------------------------------------------------------------


def test_a_supplier_is_created_with_its_terms_labels_and_status(session):
    supplier = create_supplier(
        session,
        supplier_values(siret="732 829 320 00074", social_economy="scop"),
        [LabelValues("FSC", date(2027, 6, 30)), LabelValues("Imprim'Vert")],
        actor=None,
    )

    session.expire_all()
    stored = session.get(Supplier, supplier.id)
    assert stored.siret == SIRET
    assert stored.social_economy == "SCOP"
    assert (stored.delivery_fee, stored.fee_waived_above) == (Decimal("12.50"), Decimal("150"))
    assert [(label.name, label.expires_on) for label in stored.labels] == [
        ("FSC", date(2027, 6, 30)),
        ("Imprim'Vert", None),
    ]


def test_the_siret_is_optional_but_checked_when_given(session):
    first = create_supplier(session, supplier_values(siret="", name="Atelier Un"), actor=None)
    second = create_supplier(session, supplier_values(siret="", name="Atelier Deux"), actor=None)
    assert first.siret is None and second.siret is None
    assert siret_is_valid(SIRET) and not siret_is_valid("73282932000075")


def test_a_supplier_is_known_by_its_siren_and_vat_number_for_its_e_invoices(session):
    supplier = create_supplier(session, supplier_values(vat_number="fr 44 732829320"), actor=None)
    assert (supplier.siren, supplier.vat_number) == ("732829320", "FR44732829320")
    cases = [
        ("siren", "732829321", "A SIREN is 9 digits"),
        ("siren", "552100554", "not that of the SIRET"),
        ("vat_number", "FR00732829320", "intra-community VAT number"),
        ("vat_number", "FR96552100554", "not that of the SIREN"),
    ]
    for field, value, text in cases:
        with pytest.raises(Invalid) as refused:
            update_supplier(session, supplier.id, supplier_values(**{field: value}), actor=None)
        assert text in refused.value.errors[field].render()
    other = supplier_values(name="Autre", siret="", vat_number="FR44732829320")
    with pytest.raises(Invalid) as refused:
        create_supplier(session, other, actor=None)
    assert "already the supplier" in refused.value.errors["vat_number"].render()
    # A supplier abroad: its VAT number alone, checked by its country's rule.
    german = create_supplier(
        session,
        supplier_values(name="Umweltpapier", siret="", vat_number="DE811907980"),
        actor=None,
    )
    assert (german.siren, german.vat_number) == (None, "DE811907980")


@pytest.mark.parametrize(
    ("changes", "labels", "fields"),
    [
        ({"name": "  "}, [], {"name"}),
        ({"town": ""}, [], {"town"}),
        ({"siret": "73282932000075"}, [], {"siret"}),
        ({"siret": "7328293200007"}, [], {"siret"}),
        ({"latitude": 91.0, "longitude": -180.5}, [], {"latitude", "longitude"}),
        ({"latitude": float("nan")}, [], {"latitude"}),
        ({"social_economy": "Entreprise familiale"}, [], {"social_economy"}),
        ({"contact_email": "commandes chez stanislas"}, [], {"contact_email"}),
        ({"delivery_fee": Decimal("-1")}, [], {"delivery_fee"}),
        ({"delivery_fee": Decimal("12.505")}, [], {"delivery_fee"}),
        ({"delivery_fee": Decimal("25000000")}, [], {"delivery_fee"}),
        ({"fee_waived_above": Decimal("-0.01")}, [], {"fee_waived_above"}),
        ({"phone": "0" * 31}, [], {"phone"}),
        ({}, [LabelValues("FSC"), LabelValues("fsc mix")], {"labels.1.name"}),
        ({}, [LabelValues("", date(2027, 1, 1))], {"labels.0.name"}),
        ({}, [LabelValues("x" * 81)], {"labels.0.name"}),
        ({"name": "", "delivery_fee": Decimal("-5")}, [], {"name", "delivery_fee"}),
    ],
)
def test_a_supplier_breaking_a_rule_is_refused_and_nothing_is_stored(
    session, changes, labels, fields
):
    with pytest.raises(Invalid) as refusal:
        create_supplier(session, supplier_values(**changes), labels, actor=None)

    assert refused(refusal.value) == fields
    assert count(session, Supplier) == 0
    assert count(session, SupplierLabel) == 0


def test_a_siret_belongs_to_one_supplier_even_when_duplicates_are_allowed(session, make):
    make.supplier("Bureau Plus Moselle", siret=SIRET, town="Metz")

    with pytest.raises(Invalid) as refusal:
        create_supplier(session, supplier_values(), allow_duplicate=True, actor=None)

    assert refusal.value.errors["siret"].params == {"name": "Bureau Plus Moselle"}
    assert count(session, Supplier) == 1


def test_a_near_identical_name_in_the_same_town_is_refused_unless_the_lead_confirms(session, make):
    existing = make.supplier("Papeterie Stanislas SARL", town="Nancy")

    with pytest.raises(DuplicateSupplier) as refusal:
        create_supplier(session, supplier_values(name="Papeteries Stanislas"), actor=None)
    assert refusal.value.duplicates == [existing]
    assert refusal.value.errors["name"].params["name"] == "Papeterie Stanislas SARL"
    assert count(session, Supplier) == 1

    created = create_supplier(
        session, supplier_values(name="Papeteries Stanislas"), allow_duplicate=True, actor=None
    )
    assert created.id != existing.id and count(session, Supplier) == 2


def test_the_same_name_in_another_town_is_another_supplier(session, make):
    make.supplier("Papeterie Stanislas", town="Lunéville")
    assert create_supplier(session, supplier_values(), actor=None).town == "Nancy"


def test_duplicates_are_found_by_siret_first_then_by_name_in_the_town(session, make):
    by_siret = make.supplier("Fournitures de l'Est", siret=SIRET, town="Metz")
    by_name = make.supplier("Ets Papeterie Stanislas", town="NANCY")
    make.supplier("Papeterie Stanislas", town="Toul")
    make.supplier("Droguerie Stanislas", town="Nancy")

    found = find_duplicate_suppliers(session, "Papeterie Stanislas", SIRET, "Nancy")

    assert [(supplier, reason.text) for supplier, reason in found] == [
        (by_siret, "same SIRET"),
        (by_name, "near-identical name in the same town"),
    ]
    assert find_duplicate_suppliers(session, "Papeterie Stanislas", "", "Nancy", by_name.id) == []


def test_updating_a_supplier_changes_its_terms_and_may_keep_its_labels(session):
    supplier = create_supplier(session, supplier_values(), [LabelValues("FSC")], actor=None)

    update_supplier(
        session,
        supplier.id,
        supplier_values(delivery_fee=Decimal("0"), fee_waived_above=None, active=False),
        actor=None,
    )

    session.expire_all()
    stored = session.get(Supplier, supplier.id)
    assert (stored.delivery_fee, stored.fee_waived_above, stored.active) == (0, None, False)
    assert [label.name for label in stored.labels] == ["FSC"]


def test_a_supplier_keeps_its_name_without_being_taken_for_its_own_duplicate(session):
    supplier = create_supplier(session, supplier_values(), actor=None)
    assert update_supplier(
        session, supplier.id, supplier_values(phone="03 83 11 11 11"), actor=None
    ).id


def test_a_refused_update_leaves_the_supplier_and_its_labels_as_they_were(session):
    supplier = create_supplier(session, supplier_values(), [LabelValues("FSC")], actor=None)
    session.commit()

    with pytest.raises(Invalid):
        update_supplier(
            session,
            supplier.id,
            supplier_values(name="Autre nom", delivery_fee=Decimal("-3")),
            [LabelValues("PEFC")],
            actor=None,
        )

    session.rollback()
    stored = session.get(Supplier, supplier.id)
    assert (stored.name, stored.delivery_fee) == ("Papeterie Stanislas", Decimal("12.50"))
    assert [label.name for label in stored.labels] == ["FSC"]


def test_a_label_kept_under_its_name_gets_its_new_expiry_date(session):
    supplier = create_supplier(
        session, supplier_values(), [LabelValues("FSC", date(2025, 1, 1))], actor=None
    )

    update_supplier(
        session,
        supplier.id,
        supplier_values(),
        [LabelValues("FSC", date(2028, 1, 1)), LabelValues("PEFC")],
        actor=None,
    )

    session.expire_all()
    labels = session.get(Supplier, supplier.id).labels
    assert [(label.name, label.expires_on) for label in labels] == [
        ("FSC", date(2028, 1, 1)),
        ("PEFC", None),
    ]


def test_an_expired_label_is_kept_but_earns_no_eco_points(session, make):
    supplier = create_supplier(session, supplier_values(social_economy=""), actor=None)
    update_supplier(
        session,
        supplier.id,
        supplier_values(social_economy=""),
        [LabelValues("FSC", date(2024, 12, 31))],
        actor=None,
    )
    offer = make.offer(supplier=supplier, label=None)

    labels = offer_eco(offer, date(2025, 6, 1), [NANCY]).part("labels")

    assert [label.name for label in supplier.labels] == ["FSC"]
    assert labels.points == 0
    assert "FSC (fournisseur) expiré le 31/12/2024, 0 point" in labels.evidence


def test_unknown_suppliers_offers_and_products_are_not_found(session, make):
    product = make.product()
    with pytest.raises(NotFound):
        update_supplier(session, 999_999, supplier_values(), actor=None)
    with pytest.raises(NotFound):
        update_supplier(session, 999_999, supplier_values(), [], actor=None)
    with pytest.raises(NotFound):
        create_offer(session, 999_999, offer_values(product), actor=None)
    for use_case in (deactivate_offer, reactivate_offer):
        with pytest.raises(NotFound):
            use_case(session, 999_999, actor=None)


# --- offers ------------------------------------------------------------------------------------


def test_an_offer_is_created_with_all_units_price_tiers(session, make):
    supplier, product = make.supplier(), make.product("Ramette papier A4 recyclé 80 g")

    offer = create_offer(session, supplier.id, offer_values(product), actor=None)

    session.expire_all()
    stored = session.get(Offer, offer.id)
    assert [(t.min_quantity, t.unit_price) for t in stored.tiers] == [
        (Decimal("1"), Decimal("4.20")),
        (Decimal("50"), Decimal("3.90")),
        (Decimal("200"), Decimal("3.65")),
    ]
    assert stored.unit_price_for(Decimal("60")) == Decimal("3.90")
    assert (stored.vat_rate, stored.capacity, stored.label) == (
        Decimal("0.2"),
        Decimal("2000"),
        "Écolabel européen",
    )


@pytest.mark.parametrize("rate", ["0", "0.021", "0.055", "0.1", "0.20"])
def test_an_offer_carries_one_of_the_french_vat_rates(session, make, rate):
    offer = create_offer(
        session,
        make.supplier().id,
        offer_values(make.product(), vat_rate=Decimal(rate)),
        actor=None,
    )
    assert offer.vat_rate == Decimal(rate)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"supplier_ref": " "}, {"supplier_ref"}),
        ({"supplier_ref": "R" * 61}, {"supplier_ref"}),
        ({"product_id": 999_999}, {"product_id"}),
        ({"pack_size": Decimal("0")}, {"pack_size"}),
        ({"pack_size": Decimal("0.0005")}, {"pack_size"}),
        ({"min_order_quantity": Decimal("-1")}, {"min_order_quantity"}),
        ({"capacity": Decimal("0")}, {"capacity"}),
        ({"lead_time_days": -1}, {"lead_time_days"}),
        ({"lead_time_days": 366}, {"lead_time_days"}),
        ({"recycled_content": 101}, {"recycled_content"}),
        ({"vat_rate": Decimal("0.196")}, {"vat_rate"}),
        ({"valid_from": date(2025, 6, 1), "valid_until": date(2025, 5, 31)}, {"valid_until"}),
        ({"tiers": []}, {"tiers"}),
        ({"tiers": tiers(("-1", "4.20"))}, {"tiers.0.min_quantity"}),
        ({"tiers": tiers(("1", "4.20"), ("1", "3.90"))}, {"tiers.1.min_quantity"}),
        ({"tiers": tiers(("50", "3.90"), ("1", "4.20"))}, {"tiers.1.min_quantity"}),
        ({"tiers": tiers(("1", "3.90"), ("50", "4.20"))}, {"tiers.1.unit_price"}),
        ({"tiers": tiers(("1", "-0.01"))}, {"tiers.0.unit_price"}),
        ({"tiers": tiers(("1", "0.00125"))}, {"tiers.0.unit_price"}),
        (
            {"tiers": tiers(("1", "4.20"), ("10", "4.30"), ("5", "4"))},
            {
                "tiers.1.unit_price",
                "tiers.2.min_quantity",
            },
        ),
    ],
)
def test_an_offer_breaking_a_rule_is_refused_and_nothing_is_stored(session, make, changes, fields):
    supplier, product = make.supplier(), make.product()

    with pytest.raises(Invalid) as refusal:
        create_offer(session, supplier.id, offer_values(product, **changes), actor=None)

    assert refused(refusal.value) == fields
    assert count(session, Offer) == 0
    assert count(session, PriceTier) == 0


def test_free_tiers_from_zero_and_equal_prices_are_allowed(session, make):
    offer = create_offer(
        session,
        make.supplier().id,
        offer_values(make.product(), tiers=tiers(("0", "0"), ("10", "0")), capacity=None),
        actor=None,
    )
    assert [t.unit_price for t in offer.tiers] == [0, 0]


def test_a_reference_is_unique_per_supplier_only(session, make):
    first, second, product = make.supplier(), make.supplier(), make.product()
    create_offer(session, first.id, offer_values(product), actor=None)

    with pytest.raises(Invalid) as refusal:
        create_offer(session, first.id, offer_values(make.product()), actor=None)
    assert refused(refusal.value) == {"supplier_ref"}

    assert (
        create_offer(session, second.id, offer_values(product), actor=None).supplier_ref
        == "RAM-A4-80"
    )


def test_updating_an_offer_replaces_its_tiers(session, make):
    supplier, product = make.supplier(), make.product()
    offer = create_offer(session, supplier.id, offer_values(product), actor=None)

    update_offer(
        session,
        offer.id,
        offer_values(product, lead_time_days=2, tiers=tiers(("1", "4.10"), ("100", "3.50"))),
        actor=None,
    )

    session.expire_all()
    stored = session.get(Offer, offer.id)
    assert stored.lead_time_days == 2
    assert [(t.min_quantity, t.unit_price) for t in stored.tiers] == [
        (Decimal("1"), Decimal("4.10")),
        (Decimal("100"), Decimal("3.50")),
    ]
    assert count(session, PriceTier) == 2


def test_a_refused_offer_update_leaves_the_offer_and_its_tiers_as_they_were(session, make):
    supplier, product = make.supplier(), make.product()
    offer = create_offer(session, supplier.id, offer_values(product), actor=None)
    session.commit()

    with pytest.raises(Invalid):
        update_offer(
            session,
            offer.id,
            offer_values(product, lead_time_days=1, tiers=tiers(("1", "3"), ("10", "3.5"))),
            actor=None,
        )

    session.rollback()
    stored = session.get(Offer, offer.id)
    assert stored.lead_time_days == 4
    assert [t.unit_price for t in stored.tiers] == [
        Decimal("4.20"),
        Decimal("3.90"),
        Decimal("3.65"),
    ]


def test_a_deactivated_offer_is_no_longer_proposed_until_reactivated(session, make):
    product = make.product()
    offer = create_offer(session, make.supplier().id, offer_values(product), actor=None)

    deactivate_offer(session, offer.id, actor=None)
    assert catalog.product_offers(session, product.id)[1] == []

    reactivate_offer(session, offer.id, actor=None)
    assert catalog.product_offers(session, product.id)[1] == [offer]


# --- eco score of stored offers ----------------------------------------------------------------


def test_the_eco_score_of_an_offer_reads_its_labels_status_recycling_and_location(session, make):
    supplier = create_supplier(
        session,
        supplier_values(social_economy="ESAT"),
        [LabelValues("FSC", date(2030, 1, 1)), LabelValues("PEFC", date(2020, 1, 1))],
        actor=None,
    )
    offer = create_offer(
        session,
        supplier.id,
        offer_values(make.product(), label="Écolabel européen", recycled_content=80),
        actor=None,
    )

    score = offer_eco(offer, date(2025, 6, 1), [NANCY])

    assert [(part.key, part.points) for part in score.parts] == [
        ("labels", 35),
        ("social_economy", 15),
        ("recycled_content", 16),
        ("transport", 30),
    ]
    assert score.total == 96
    assert "PEFC (fournisseur) expiré le 01/01/2020" in score.part("labels").evidence
    assert "ADEME Base Empreinte" in score.part("transport").evidence


def test_without_delivery_sites_the_transport_part_says_the_distance_is_unknown(session, make):
    offer = make.offer()
    transport = offer_eco(offer, date(2025, 6, 1)).part("transport")
    assert transport.points == 0 and "distance inconnue" in transport.evidence


def test_the_cooperative_takes_delivery_at_its_active_members_sites(session, make):
    assert delivery_points(session) == [] and cooperative_centroid(session) is None
    make.member("Atelier Nancy")
    gone = make.member("Ancien membre")
    gone.active = False
    other = make.member("Atelier Metz")
    other.sites[0].latitude, other.sites[0].longitude = 49.09, 6.58
    session.flush()

    assert delivery_points(session) == [GeoPoint(48.69, 6.18), GeoPoint(49.09, 6.58)]
    centroid = cooperative_centroid(session)
    assert centroid == pytest.approx(GeoPoint(48.89, 6.38))


def test_an_offer_valid_for_a_year_is_scored_with_the_labels_valid_on_the_day(session, make):
    supplier = create_supplier(
        session,
        supplier_values(social_economy=""),
        [LabelValues("FSC", date(2025, 6, 1))],
        actor=None,
    )
    offer = make.offer(supplier=supplier, label=None)
    on_the_day = offer_eco(offer, date(2025, 6, 1), [NANCY]).part("labels").points
    the_day_after = offer_eco(offer, date(2025, 6, 1) + timedelta(days=1), [NANCY])
    assert (on_the_day, the_day_after.part("labels").points) == (15, 0)


def test_a_status_outside_the_eco_table_is_kept_as_it_was_but_never_newly_given(session, make):
    supplier = make.supplier("Atelier Familial", social_economy="Entreprise familiale")
    values = supplier_values(
        name="Atelier Familial", siret="", social_economy="Entreprise familiale"
    )

    assert (
        update_supplier(session, supplier.id, values, actor=None).social_economy
        == "Entreprise familiale"
    )
    with pytest.raises(Invalid) as refusal:
        create_supplier(session, replace(values, name="Autre atelier"), actor=None)
    assert refused(refusal.value) == {"social_economy"}
