"""The lead keeps the product list: creates, renames, recategorises, merges; and turns a
free-text need with no match into a new product."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from persistence.audit import AuditEvent
from purchasing.models import Need
from suppliers.models import Category, Offer, Product


def test_the_lead_creates_a_product_then_renames_and_recategorises_it(signed_in, make, session):
    papier = session.scalar(select(Category).where(Category.name == "Papier")) or Category(
        name="Papier"
    )
    menage = Category(name="Ménage")
    session.add_all([papier, menage])
    session.flush()
    client = signed_in(make.user("lead"))
    made = client.post(
        "/catalog/products/new",
        data={"name": "Éponges végétales", "category_id": str(papier.id), "unit": "pack"},
    )
    assert made.status_code == 302
    product = session.scalar(select(Product).where(Product.name == "Éponges végétales"))
    assert product is not None and product.unit == "pack"
    changed = client.post(
        f"/catalog/products/{product.id}/edit",
        data={"name": "Éponges en cellulose", "category_id": str(menage.id), "unit": "pack"},
    )
    assert changed.status_code == 302
    session.expire_all()
    product = session.get(Product, product.id)
    assert (product.name, product.category_id) == ("Éponges en cellulose", menage.id)
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "product.create" in actions and "product.update" in actions


def test_a_product_without_a_name_or_with_a_taken_name_is_refused(signed_in, make, session):
    taken = make.product("Savon noir")
    session.commit()
    client = signed_in(make.user("lead"))
    for name in ("", "  ", "savon NOIR"):
        answer = client.post(
            "/catalog/products/new",
            data={"name": name, "category_id": str(taken.category_id), "unit": "unit"},
        )
        assert answer.status_code == 422
        assert 'aria-invalid="true"' in answer.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(Product).where(Product.name == "  ")) is None


def test_the_unit_cannot_change_once_offers_count_in_it(signed_in, make, session):
    offer = make.offer(product=make.product("Ramette", unit="ream"))
    session.commit()
    client = signed_in(make.user("lead"))
    answer = client.post(
        f"/catalog/products/{offer.product_id}/edit",
        data={"name": "Ramette", "category_id": str(offer.product.category_id), "unit": "box"},
    )
    assert answer.status_code == 422
    session.expire_all()
    assert session.get(Product, offer.product_id).unit == "ream"


def test_merging_moves_offers_and_needs_to_the_product_kept(signed_in, make, session):
    kept = make.product("Ramette A4 recyclée", unit="ream")
    twin = make.product("Ramettes papier recyclé A4", unit="ream")
    offer = make.offer(product=twin)
    need = make.need(make.member(), twin, unit="ream")
    session.commit()
    client = signed_in(make.user("lead"))
    page = client.get(f"/catalog/products/{kept.id}").get_data(as_text=True)
    assert "Ramettes papier recyclé A4" in page.split('id="merged_id"')[1]
    done = client.post(f"/catalog/products/{kept.id}/merge", data={"merged_id": str(twin.id)})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Offer, offer.id).product_id == kept.id
    assert session.get(Need, need.id).product_id == kept.id
    assert not session.get(Product, twin.id).active
    again = client.post(
        f"/catalog/products/{kept.id}/merge",
        data={"merged_id": str(twin.id)},
        follow_redirects=True,
    )
    assert "a déjà quitté le catalogue" in again.get_data(as_text=True)


def test_products_of_different_units_or_the_same_product_are_not_merged(signed_in, make, session):
    kept = make.product("Savon", unit="l")
    other = make.product("Savon en pain", unit="unit")
    session.commit()
    client = signed_in(make.user("lead"))
    for merged in (other.id, kept.id, "abc"):
        client.post(f"/catalog/products/{kept.id}/merge", data={"merged_id": str(merged)})
    session.expire_all()
    assert session.get(Product, other.id).active and session.get(Product, kept.id).active


def test_members_cannot_create_or_merge_products(signed_in, make, session):
    product = make.product()
    session.commit()
    client = signed_in(make.user("member"))
    assert client.get("/catalog/products/new").status_code == 403
    assert client.post(f"/catalog/products/{product.id}/merge", data={}).status_code == 403


def test_a_free_text_need_becomes_a_new_product(signed_in, make, session):
    need = make.need(make.member(), None, product_id=None, free_text="filtres à café n°4")
    need.product = None
    session.commit()
    category = session.scalar(select(Category))
    if category is None:
        category = Category(name="Café")
        session.add(category)
        session.commit()
    client = signed_in(make.user("lead"))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Créer ce produit" in page or "create-product" in page
    done = client.post(
        f"/needs/{need.id}/create-product",
        data={
            "name": "Filtres à café n°4 non blanchis",
            "category_id": str(category.id),
            "unit": "box",
        },
    )
    assert done.status_code == 302
    session.expire_all()
    made = session.scalar(select(Product).where(Product.name == "Filtres à café n°4 non blanchis"))
    assert made is not None and session.get(Need, need.id).product_id == made.id
    assert Decimal(session.get(Need, need.id).quantity) > 0


def test_the_lead_sets_a_products_shipping_step_on_its_page(signed_in, make, session):
    coffee = make.product("Café en grains", unit="kg")
    offer = make.offer(product=coffee, pack_size="5", supplier_ref="CAF-5")
    session.commit()
    client = signed_in(make.user("lead"))
    form = {"name": "Café en grains", "category_id": str(coffee.category_id), "unit": "kg"}
    page = client.get(f"/catalog/products/{coffee.id}/edit").get_data(as_text=True)
    assert "Pas de livraison" in page and 'value="1"' in page
    changed = client.post(
        f"/catalog/products/{coffee.id}/edit", data=form | {"shipping_step": "0,5"}
    )
    assert changed.status_code == 302
    session.expire_all()
    assert session.get(Product, coffee.id).shipping_step == Decimal("0.5")
    assert "livré par 0,5" in client.get(f"/catalog/products/{coffee.id}").get_data(as_text=True)
    for step, message in (
        ("0", "supérieure à zéro"),
        ("abc", "supérieure à zéro"),
        ("0,0005", "au plus trois décimales"),
        ("2", "CAF-5"),  # a pack of 5 kg is not a whole number of 2 kg
    ):
        answer = client.post(
            f"/catalog/products/{coffee.id}/edit", data=form | {"shipping_step": step}
        )
        assert answer.status_code == 422, step
        assert message in answer.get_data(as_text=True).replace("\u2019", "'"), step
    make.need(make.member(), coffee, quantity="2.5")
    session.commit()
    answer = client.post(f"/catalog/products/{coffee.id}/edit", data=form | {"shipping_step": "5"})
    assert answer.status_code == 422
    assert "Des besoins pas encore groupés (1)" in answer.get_data(as_text=True)
    session.expire_all()
    assert session.get(Product, offer.product_id).shipping_step == Decimal("0.5")


def test_an_offers_pack_must_be_whole_shipping_steps(signed_in, make, session):
    bottles = make.product("Nettoyant multi-surfaces 1 L", unit="l")
    supplier = make.supplier()
    session.commit()
    client = signed_in(make.user("lead"))
    answer = client.post(
        "/catalog/offers/new",
        data={
            "supplier_id": str(supplier.id),
            "product_id": str(bottles.id),
            "supplier_ref": "NET-1",
            "pack_size": "1,5",
            "vat_rate": "0.20",
            "lead_time_days": "2",
            "tiers-0-min_quantity": "1",
            "tiers-0-unit_price": "3,10",
        },
    )
    assert answer.status_code == 422
    assert "se compte à l’unité (il se livre par 1)" in answer.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(Offer).where(Offer.supplier_ref == "NET-1")) is None
