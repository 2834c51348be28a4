"""The purchasing lead keeps the catalog in the browser; everyone sees each offer's eco score."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from suppliers.models import Offer, PriceTier, Supplier, SupplierLabel

NBSP = "\u00a0"


@pytest.fixture
def lead(make):
    return make.user("lead", name="Julien")


@pytest.fixture
def product(make):
    return make.product("Ramette papier A4 recyclé 80 g")


def supplier_form(**changes):
    values = {
        "name": "Papeterie Stanislas",
        "siret": "732 829 320 00074",
        "address": "3 rue des Carmes",
        "postcode": "54000",
        "town": "Nancy",
        "latitude": "48,6921",
        "longitude": "6,1844",
        "social_economy": "SCOP",
        "contact_name": "Service commercial",
        "contact_email": "commandes@stanislas.example",
        "phone": "03 83 00 00 00",
        "delivery_fee": "12,50",
        "fee_waived_above": "150",
        "active": "y",
        "labels-0-name": "FSC",
        "labels-0-expires_on": "31/12/2030",
        "labels-1-name": "",
        "labels-1-expires_on": "",
    }
    values.update(changes)
    return values


def offer_form(supplier, product, **changes):
    values = {
        "supplier_id": str(supplier.id),
        "product_id": str(product.id),
        "supplier_ref": "RAM-A4-80",
        "description": "Carton de 5 ramettes",
        "pack_size": "5",
        "min_order_quantity": "25",
        "capacity": "",
        "lead_time_days": "4",
        "label": "Écolabel européen",
        "recycled_content": "100",
        "vat_rate": "0.2",
        "valid_from": "",
        "valid_until": "",
        "tiers-0-min_quantity": "1",
        "tiers-0-unit_price": "4,20",
        "tiers-1-min_quantity": "50",
        "tiers-1-unit_price": "3,90",
        "tiers-2-min_quantity": "",
        "tiers-2-unit_price": "",
    }
    values.update(changes)
    return values


def text(response) -> str:
    """The page as a reader sees it (« l'offre », not « l&#39;offre »)."""
    return unescape(response.get_data(as_text=True))


def count(session, model):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_a_lead_adds_a_supplier_with_a_dated_label(signed_in, lead, session):
    client = signed_in(lead)
    assert "Nouveau fournisseur" in text(client.get("/catalog/suppliers"))

    response = client.post("/catalog/suppliers/new", data=supplier_form())

    assert response.status_code == 302
    supplier = session.scalars(select(Supplier)).one()
    assert (supplier.name, supplier.siret, supplier.social_economy) == (
        "Papeterie Stanislas",
        "73282932000074",
        "SCOP",
    )
    assert (supplier.latitude, supplier.delivery_fee) == (48.6921, Decimal("12.50"))
    assert [(label.name, label.expires_on) for label in supplier.labels] == [
        ("FSC", date(2030, 12, 31))
    ]
    page = text(client.get(response.location))
    assert "Fournisseur Papeterie Stanislas enregistré." in page
    assert "FSC" in page and f"12,50{NBSP}€" in page


def test_a_lead_adds_an_offer_with_its_price_tiers(signed_in, make, lead, product, session):
    supplier = make.supplier("Papeterie Stanislas")
    client = signed_in(lead)
    new_offer = text(client.get(f"/catalog/offers/new?supplier={supplier.id}"))
    assert f'<option selected value="{supplier.id}">' in new_offer

    response = client.post("/catalog/offers/new", data=offer_form(supplier, product))

    assert response.status_code == 302
    offer = session.scalars(select(Offer)).one()
    assert (offer.supplier_id, offer.product_id, offer.vat_rate) == (
        supplier.id,
        product.id,
        Decimal("0.2"),
    )
    assert [(t.min_quantity, t.unit_price) for t in offer.tiers] == [
        (Decimal("1"), Decimal("4.20")),
        (Decimal("50"), Decimal("3.90")),
    ]
    page = text(client.get(f"/catalog/products/{product.id}"))
    assert f"4,20{NBSP}€" in page and f"3,90{NBSP}€" in page
    edit = text(client.get(f"/catalog/offers/{offer.id}/edit"))
    assert 'value="4,2"' in edit and 'value="3,9"' in edit


def test_a_lead_changes_an_offers_tiers_and_deactivates_it(signed_in, make, lead, product, session):
    offer = make.offer(product, price="4.50")
    client = signed_in(lead)

    data = offer_form(offer.supplier, product, **{"tiers-0-unit_price": "4,40"})
    assert client.post(f"/catalog/offers/{offer.id}/edit", data=data).status_code == 302
    session.expire_all()
    assert [t.unit_price for t in session.get(Offer, offer.id).tiers] == [
        Decimal("4.40"),
        Decimal("3.90"),
    ]

    supplier_page = client.post(f"/catalog/offers/{offer.id}/deactivate", follow_redirects=True)
    assert "L’offre RAM-A4-80 n’est plus proposée." in text(supplier_page)
    session.expire_all()
    assert session.get(Offer, offer.id).active is False
    assert "RAM-A4-80" not in text(client.get(f"/catalog/products/{product.id}"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tiers-1-unit_price": "4,50"}, "Acheter plus ne coûte jamais plus cher à l’unité"),
        ({"tiers-1-min_quantity": "1"}, "Chaque palier commence à plus d’unités que le précédent"),
        (
            {"tiers-0-min_quantity": "", "tiers-0-unit_price": "", "tiers-1-min_quantity": ""}
            | {"tiers-1-unit_price": ""},
            "Indiquez au moins un palier de prix",
        ),
        ({"tiers-1-unit_price": "trois euros"}, "Saisissez un nombre"),
        ({"tiers-1-unit_price": ""}, "Indiquez à la fois la quantité et son prix unitaire"),
        ({"tiers-0-unit_price": "-1"}, "Un prix unitaire ne peut pas être négatif"),
        ({"pack_size": "0"}, "Un conditionnement contient plus de zéro unité"),
        ({"pack_size": ""}, "Indiquez le conditionnement"),
        ({"product_id": "0"}, "Ce produit n’est pas au catalogue"),
        ({"vat_rate": "0.19"}, "La TVA est l’un des taux français"),
        ({"lead_time_days": "2,5"}, "Saisissez un nombre entier"),
    ],
)
def test_a_bad_offer_gets_a_clear_message_and_stores_nothing(
    signed_in, make, lead, product, session, changes, message
):
    supplier = make.supplier()
    client = signed_in(lead)

    response = client.post("/catalog/offers/new", data=offer_form(supplier, product, **changes))

    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert "Rien n’a été enregistré" in page
    assert count(session, Offer) == 0 and count(session, PriceTier) == 0


def test_a_bad_supplier_gets_a_message_on_each_wrong_field(signed_in, lead, session):
    client = signed_in(lead)
    data = supplier_form(siret="12345678901234", latitude="nord", **{"labels-1-name": "fsc mix"})

    response = client.post("/catalog/suppliers/new", data=data)

    assert response.status_code == 422
    assert "Saisissez un nombre" in text(response)
    response = client.post("/catalog/suppliers/new", data={**data, "latitude": "48,69"})
    page = text(response)
    assert "Un SIRET compte 14 chiffres" in page
    assert "Ce label figure déjà dans la liste." in page
    assert count(session, Supplier) == 0 and count(session, SupplierLabel) == 0


def test_a_lead_confirms_a_supplier_that_looks_like_one_already_known(
    signed_in, make, lead, session
):
    make.supplier("Papeterie Stanislas SARL", town="Nancy")
    client = signed_in(lead)

    warned = client.post("/catalog/suppliers/new", data=supplier_form(siret=""))
    assert warned.status_code == 422
    page = text(warned)
    assert "Papeterie Stanislas SARL (Nancy) figure déjà au catalogue" in page
    assert "C’est une autre entreprise : enregistrer quand même" in page
    assert count(session, Supplier) == 1

    confirmed = client.post(
        "/catalog/suppliers/new", data=supplier_form(siret="", allow_duplicate="y")
    )
    assert confirmed.status_code == 302
    assert count(session, Supplier) == 2


def test_a_lead_edits_a_supplier_and_renews_its_label(signed_in, make, lead, session):
    supplier = make.supplier("Papeterie Stanislas", town="Nancy", siret="73282932000074")
    supplier.labels.append(SupplierLabel(name="FSC", expires_on=date(2024, 12, 31)))
    client = signed_in(lead)
    form = text(client.get(f"/catalog/suppliers/{supplier.id}/edit"))
    assert 'value="2024-12-31"' in form

    response = client.post(
        f"/catalog/suppliers/{supplier.id}/edit",
        data=supplier_form(**{"labels-0-expires_on": "2029-12-31", "delivery_fee": "0"}),
    )

    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Supplier, supplier.id)
    assert stored.delivery_fee == 0
    assert [(label.name, label.expires_on) for label in stored.labels] == [
        ("FSC", date(2029, 12, 31))
    ]


def test_a_member_may_browse_but_not_change_the_catalog(signed_in, make, product, session):
    offer = make.offer(product)
    client = signed_in(make.user("member"))

    page = text(client.get(f"/catalog/products/{product.id}"))
    assert "Nouvelle offre" not in page and "Modifier" not in page
    assert "Nouveau fournisseur" not in text(client.get("/catalog/suppliers"))
    for response in (
        client.get("/catalog/suppliers/new"),
        client.post("/catalog/suppliers/new", data=supplier_form()),
        client.get(f"/catalog/suppliers/{offer.supplier_id}/edit"),
        client.post("/catalog/offers/new", data=offer_form(offer.supplier, product)),
        client.post(f"/catalog/offers/{offer.id}/edit", data=offer_form(offer.supplier, product)),
        client.post(f"/catalog/offers/{offer.id}/deactivate"),
    ):
        assert response.status_code == 403
    session.expire_all()
    assert count(session, Supplier) == 1 and count(session, Offer) == 1
    assert session.get(Offer, offer.id).active is True


def test_the_product_page_shows_each_offers_eco_score_with_its_evidence(
    signed_in, make, product, session
):
    supplier = make.supplier(
        "ESAT du Saintois", social_economy="ESAT", latitude=48.69, longitude=6.18
    )
    supplier.labels.append(SupplierLabel(name="FSC", expires_on=date(2020, 1, 1)))
    make.offer(product, supplier, label="Écolabel européen", recycled_content=80)
    client = signed_in(make.user("member"))  # the member's site is in Nancy, next door

    page = text(client.get(f"/catalog/products/{product.id}"))

    assert "Score écologique, partie par partie" in page
    assert "86/100" in page
    assert "Écolabel européen (produit), sans date d’expiration : 25 points" in page
    assert "FSC (fournisseur) expiré le 01/01/2020, 0 point" in page
    assert "ESAT : 15 points" in page
    assert "80 % de matière recyclée : 16 points" in page
    assert "0 km × 0,0875 kg CO2e/t·km" in page
    assert "30/30" in page and "Base Empreinte" in page
    assert "Facteur d’émission" in page and "28041" in page


def test_the_supplier_page_shows_expired_labels_as_expired(signed_in, make, session):
    supplier = make.supplier("Papeterie Stanislas")
    supplier.labels.append(SupplierLabel(name="PEFC", expires_on=date(2020, 1, 1)))
    make.offer(supplier=supplier)
    client = signed_in(make.user("member"))

    page = text(client.get(f"/catalog/suppliers/{supplier.id}"))

    assert "expiré le 1 janv. 2020" in page
    assert "Score écologique" in page


def test_a_status_written_otherwise_is_offered_as_its_eco_table_choice(signed_in, make, lead):
    adapted = make.supplier("Vert Service", social_economy="entreprise adaptée")
    several = make.supplier("Atelier Partagé", social_economy="SCOP, ESUS")
    client = signed_in(lead)

    adapted_form = text(client.get(f"/catalog/suppliers/{adapted.id}/edit"))
    several_form = text(client.get(f"/catalog/suppliers/{several.id}/edit"))

    assert '<option selected value="Entreprise adaptée">' in adapted_form
    assert '<option selected value="SCOP, ESUS">SCOP, ESUS</option>' in several_form


def test_catalog_changes_are_recorded_with_who_made_them(signed_in, make, lead, product, session):
    from persistence.audit import AuditEvent

    client = signed_in(lead)
    assert client.post("/catalog/suppliers/new", data=supplier_form()).status_code == 302
    supplier = session.scalars(select(Supplier)).one()
    assert client.post("/catalog/offers/new", data=offer_form(supplier, product)).status_code == 302
    session.expire_all()
    trail = [
        (event.action, event.user_id)
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        if event.action != "user.login"
    ]
    assert trail == [("supplier.create", lead.id), ("offer.create", lead.id)]
