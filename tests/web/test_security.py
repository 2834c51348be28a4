"""Sign-in, roles and CSRF: every form needs its token, every page checks who asks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from purchasing.models import Need
from tests.conftest import PASSWORD


@pytest.fixture
def csrf_app(database_url, engine):
    from web import create_app

    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "another-test-secret-key"}
    )
    yield app
    app.extensions["coachat.engine"].dispose()


def test_a_form_without_or_with_a_wrong_csrf_token_is_refused(csrf_app, make, session, today):
    user = make.user("member")
    session.commit()
    client = csrf_app.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    )
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed.status_code == 302
    need = {
        "free_text": "papier",
        "quantity": "10",
        "unit": "ream",
        "needed_by": (today + timedelta(days=9)).isoformat(),
        "delivery_site_id": str(user.member.sites[0].id),
    }
    missing = client.post("/needs/new", data=need)
    wrong = client.post("/needs/new", data={**need, "csrf_token": "forged"})
    for response in (missing, wrong):
        assert response.status_code == 400
        assert "Rien n'a été enregistré" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Need.id))) == 0


def test_a_wrong_password_does_not_sign_in(client, make, session):
    user = make.user("member")
    session.commit()
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 200
    assert "mot de passe incorrect" in response.get_data(as_text=True)
    assert client.get("/needs/").status_code == 302


def test_pages_need_a_signed_in_user(client):
    for path in ("/needs/", "/needs/new", "/catalog/products", "/admin/members"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.location


def test_only_admins_manage_members_and_users(signed_in, make):
    client = signed_in(make.user("lead"))
    assert client.get("/admin/members").status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_passwords_are_stored_hashed(make):
    user = make.user("member")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt$")


def test_signing_out_needs_a_post(signed_in, make):
    client = signed_in(make.user("member"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/needs/").status_code == 302
