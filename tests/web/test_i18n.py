"""French first, English on request; money, numbers and dates follow the language."""

from __future__ import annotations

from decimal import Decimal

from web.i18n import money, unit_price


def test_pages_speak_french_by_default_and_english_on_request(client):
    assert "Se connecter" in client.get("/login").get_data(as_text=True)
    response = client.post("/language/en", data={"next": "/login"})
    assert response.status_code == 302 and response.location == "/login"
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_the_language_switch_only_redirects_inside_the_site(client):
    for target in (
        "https://evil.example/",
        "//evil.example/",
        "/\t/evil.example/",
        "/\\evil.example/",
        "/\\/evil.example/",
        "/ /evil.example/",
        "/%0d%0aSet-Cookie:%20x=1",
        "/\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
        "http:/evil.example/",
    ):
        response = client.post("/language/en", data={"next": target})
        assert response.status_code == 302, target
        assert response.location == "/", target
    response = client.post("/language/en", data={"next": "/needs/?status=submitted"})
    assert response.location == "/needs/?status=submitted"


def test_the_language_switch_is_a_post(client):
    assert client.get("/language/en?next=/login").status_code == 405
    assert "Se connecter" in client.get("/login").get_data(as_text=True)


def test_euros_are_written_the_way_each_language_writes_them(app):
    with app.test_request_context(headers={"Cookie": "lang=fr"}):
        assert money(Decimal("1234.5")) == "1\u202f234,50\u00a0€"
        assert unit_price(Decimal("0.0125")) == "0,0125\u00a0€"
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert money(Decimal("1234.5")) == "€1,234.50"


def test_a_member_sees_dates_in_the_chosen_language(signed_in, make, session):
    from datetime import date

    user = make.user("member")
    make.need(user.member, needed_by=date(2031, 3, 14))
    client = signed_in(user)
    assert "14 mars 2031" in client.get("/needs/").get_data(as_text=True)
    client.post("/language/en")
    assert "Mar 14, 2031" in client.get("/needs/").get_data(as_text=True)
