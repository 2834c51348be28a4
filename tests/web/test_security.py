"""Sign-in, roles and CSRF: every form needs its token, every page checks who asks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from purchasing.models import Need
from tests.conftest import PASSWORD, sign_in


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
        assert "Rien n’a été enregistré" in response.get_data(as_text=True)
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


HOSTILE_TARGETS = (
    "/%09/evil.example/",
    "/%0a/evil.example/",
    "//evil.example/",
    "/%5C/evil.example/",
    "%2F%2Fevil.example/",
    "https://evil.example/",
    "/%0d%0aSet-Cookie:%20x=1",
)


def test_sign_in_only_follows_paths_of_this_site(client, make, session):
    user = make.user("member")
    session.commit()
    for target in HOSTILE_TARGETS:
        response = client.post(
            f"/login?next={target}", data={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302, target
        assert response.location == "/", target
        client.post("/logout")
    response = client.post(
        "/login?next=/needs/%3Fstatus%3Dsubmitted", data={"email": user.email, "password": PASSWORD}
    )
    assert response.location == "/needs/?status=submitted"


def test_sign_in_is_throttled_by_account_with_a_clear_message(client, make, session):
    user = make.user("member")
    other = make.user("member")
    session.commit()
    answers = [
        client.post("/login", data={"email": user.email, "password": "wrong password"}).status_code
        for _ in range(30)
    ]
    assert 429 in answers
    refused = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert refused.status_code == 429
    assert "Trop de tentatives de connexion" in refused.get_data(as_text=True)
    assert client.get("/needs/").status_code == 302
    # Another account from the same address is not locked by it.
    signed = client.post("/login", data={"email": other.email, "password": PASSWORD})
    assert signed.status_code == 302


def test_sign_in_is_throttled_by_address(database_url, engine, make, session):
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-0123456789",
            "WTF_CSRF_ENABLED": False,
            "SIGN_IN_LIMIT_ACCOUNT": "100 per hour",
            "SIGN_IN_LIMIT_ADDRESS": "5 per hour",
        }
    )
    user = make.user("member")
    session.commit()
    client = app.test_client()
    for n in range(5):
        wrong = {"email": f"guess{n}@example.org", "password": "wrong password"}
        assert client.post("/login", data=wrong).status_code == 200
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 429
    elsewhere = app.test_client()
    signed = elsewhere.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert signed.status_code == 302
    app.extensions["coachat.engine"].dispose()


def test_a_session_captured_before_sign_out_no_longer_works(signed_in, make):
    client = signed_in(make.user("member"))
    captured = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    client.set_cookie("session", captured)
    response = client.get("/needs/")
    assert response.status_code == 302 and "/login" in response.location


def test_a_password_changed_by_an_admin_ends_the_users_sessions(app, make, session):
    from tests.conftest import sign_in

    user = make.user("member")
    admin = make.user("admin")
    session.commit()
    theirs, admins = app.test_client(), app.test_client()
    sign_in(theirs, user)
    sign_in(admins, admin)
    assert theirs.get("/needs/").status_code == 200
    changed = admins.post(
        f"/admin/users/{user.id}",
        data={
            "email": user.email,
            "name": user.name,
            "role": "member",
            "member_id": str(user.member_id),
            "password": "un tout nouveau mot de passe",
            "active": "y",
        },
    )
    assert changed.status_code == 302, changed.get_data(as_text=True)
    response = theirs.get("/needs/")
    assert response.status_code == 302 and "/login" in response.location
    assert admins.get("/admin/users").status_code == 200


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_production_asks_browsers_for_https_only(database_url, engine):
    from web import create_app

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "a-production-secret-key",
            "ENV_MODE": "production",
        }
    )
    response = app.test_client().get("/login", base_url="https://coachat.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    app.extensions["coachat.engine"].dispose()


def test_the_development_server_does_not_name_its_versions():
    from web.commands.serve import RequestHandler

    handler = RequestHandler.__new__(RequestHandler)
    assert handler.version_string() == "coachat"


def test_the_language_switch_needs_a_csrf_token(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/language/en", data={"next": "/login"}).status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    switched = client.post("/language/en", data={"next": "/login", "csrf_token": token})
    assert switched.status_code == 302
    assert "Sign in" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_personal_pages_and_files_are_never_cached_and_static_files_may_be(app, session, make):
    from tests.web.api_world import add_order, build_world

    world = build_world(session, make)
    add_order(session, world)
    batch, member = world.batch.id, world.member.member_id
    client = app.test_client()
    sign_in(client, world.member)
    for path in (
        "/needs/",
        f"/needs/{world.need.id}",
        f"/needs/{world.need.id}/edit",
        "/needs/new",
        f"/statements/{batch}/{member}",
        f"/statements/{batch}/{member}.pdf",
        f"/statements/{batch}/{member}.csv",
        "/account/tokens",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers.get("Cache-Control") == "no-store", path
    for path in ("/api/v1/needs", f"/api/v1/statements/{batch}", f"/api/v1/statements/{batch}.csv"):
        answer = client.get(path, headers=world.headers("member"))
        assert answer.status_code == 200, path
        assert answer.headers.get("Cache-Control") == "no-store", path
    static = client.get("/static/style.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_a_method_an_address_does_not_take_is_answered_with_the_methods_it_takes(client):
    page = client.delete("/login")
    assert page.status_code == 405 and set(page.headers["Allow"].split(", ")) >= {"GET", "POST"}
    api = client.put("/api/v1/rounds")
    assert api.status_code == 405 and "GET" in api.headers["Allow"]
    assert api.get_json()["error"]["code"] == "method_not_allowed"
