"""French as French people write it: elision, plurals, roles and statuses in words."""

from __future__ import annotations


def test_the_dashboard_elides_before_a_vowel_and_not_before_a_consonant(signed_in, make):
    atelier = make.member("Atelier Vélo Solidaire")
    page = signed_in(make.user("member", member=atelier)).get("/needs/").get_data(as_text=True)
    assert "Besoins d’Atelier Vélo Solidaire" in page


def test_the_dashboard_keeps_de_before_a_consonant(signed_in, make):
    bakery = make.member("Boulangerie du Port")
    page = signed_in(make.user("member", member=bakery)).get("/needs/").get_data(as_text=True)
    assert "Besoins de Boulangerie du Port" in page


def test_quantities_take_the_plural_of_their_unit(signed_in, make):
    member = make.member()
    make.need(member, make.product(unit="ream"), quantity="15", unit="ream")
    make.need(member, make.product(unit="unit"), quantity="2000", unit="unit")
    make.need(member, make.product(unit="ream"), quantity="1", unit="ream")
    page = signed_in(make.user("member", member=member)).get("/needs/").get_data(as_text=True)
    assert "15 ramettes" in page and "2\u202f000 unités" in page and "1 ramette<" in page


def test_roles_are_shown_in_words(signed_in, make):
    make.user("lead", name="Julien")
    page = signed_in(make.user("admin")).get("/admin/users").get_data(as_text=True)
    assert "responsable des achats" in page or "responsable achats" in page
    assert ">lead<" not in page and ">admin<" not in page


def test_a_cancelled_need_says_it_is_cancelled_when_opened_for_editing(signed_in, make):
    member = make.member()
    need = make.need(member, status="cancelled")
    client = signed_in(make.user("member", member=member))
    answer = client.get(f"/needs/{need.id}/edit", follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert "Ce besoin est annulé et ne peut plus être modifié." in text
    assert "déjà mutualisé" not in text


def test_names_are_sorted_with_accents_and_case_aside(session, make):
    from suppliers.catalog import products

    for name in ("Zèbre", "Écran 24 pouces", "agrafes", "Encre", "Eau minérale", "Étiquettes"):
        make.product(name)
    names = [product.name for product in products(session)]
    assert names == ["agrafes", "Eau minérale", "Écran 24 pouces", "Encre", "Étiquettes", "Zèbre"]


def test_coordinates_are_shown_rounded_with_a_decimal_comma(signed_in, make):
    member = make.member("Atelier", latitude=48.573399999999999946567186271, longitude=6.2)
    supplier = make.supplier("Papeterie", latitude=48.573399999999999946567186271)
    client = signed_in(make.user("admin"))
    page = client.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert 'value="48,5734"' in page and "48,57339999" not in page
    assert page.count("degrés décimaux") == 1
    page = client.get(f"/catalog/suppliers/{supplier.id}/edit").get_data(as_text=True)
    assert 'value="48,5734"' in page and "48,57339999" not in page


def test_a_member_saved_with_decimal_commas_keeps_its_coordinates(signed_in, make, session):
    member = make.member("Atelier")
    client = signed_in(make.user("admin"))
    answer = client.post(
        f"/admin/members/{member.id}",
        data={
            "name": "Atelier",
            "siret": member.siret,
            "town": "Nancy",
            "latitude": "48,69211",
            "longitude": "6,18444",
        },
    )
    assert answer.status_code == 302
    session.expire_all()
    assert round(session.get(type(member), member.id).latitude, 5) == 48.69211
