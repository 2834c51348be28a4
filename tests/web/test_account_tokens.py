"""A user creates, lists and revokes their personal API tokens on /account/tokens."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from purchasing.models import ApiToken, AuditEvent


def test_a_token_is_shown_once_kept_hashed_and_revoked(signed_in, make, session):
    user = make.user("member")
    client = signed_in(user)
    assert client.get("/account/tokens").status_code == 200

    made = client.post("/account/tokens", data={"name": "Tableur", "days": "30"})
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    page = made.get_data(as_text=True)
    secret = re.search(r'value="(coa_[^"]+)"', page).group(1)
    assert "Copiez votre nouveau jeton maintenant" in page

    session.expire_all()
    token = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and token.prefix != secret
    listed = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in listed and token.prefix in listed
    api = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/needs", headers=api).status_code == 200

    revoked = client.post(f"/account/tokens/{token.id}/revoke")
    assert revoked.status_code == 302
    assert client.get("/api/v1/needs", headers=api).status_code == 401
    session.expire_all()
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "api_token")
    ).all()
    assert actions == ["api_token.create", "api_token.revoke"]


def test_a_token_needs_a_name_and_someone_elses_token_cannot_be_revoked(signed_in, make, session):
    owner = make.user("member")
    other = make.user("member")
    client = signed_in(owner)
    refused = client.post("/account/tokens", data={"name": "  ", "days": "30"})
    assert refused.status_code == 422
    session.expire_all()
    assert session.scalars(select(ApiToken)).all() == []

    from purchasing.people.tokens import create_token

    theirs = create_token(session, "theirs", 90, actor=other).token
    session.commit()
    assert client.post(f"/account/tokens/{theirs.id}/revoke").status_code == 404
    session.expire_all()
    assert session.get(ApiToken, theirs.id).revoked_at is None


def _account_form(user, **changes):  # type: ignore[no-untyped-def]
    form = {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "member_id": str(user.member_id or ""),
        "active": "y",
    }
    return {key: value for key, value in {**form, **changes}.items() if value is not None}


def test_a_new_password_or_a_closed_account_ends_the_api_tokens_and_reopening_does_not_revive_them(
    signed_in, make, session
):
    from purchasing.people.tokens import create_token

    user = make.user("member")
    admin = make.user("admin")
    first = create_token(session, "tableur", 90, actor=user).secret
    client = signed_in(admin)
    api = {"Authorization": f"Bearer {first}"}
    assert client.get("/api/v1/needs", headers=api).status_code == 200

    renamed = client.post(f"/admin/users/{user.id}", data=_account_form(user, name="Marie D."))
    assert renamed.status_code == 302
    assert client.get("/api/v1/needs", headers=api).status_code == 200  # no password changed

    new_password = _account_form(user, password="un tout nouveau mot de passe")
    assert client.post(f"/admin/users/{user.id}", data=new_password).status_code == 302
    assert client.get("/api/v1/needs", headers=api).status_code == 401

    second = create_token(session, "script", 30, actor=user).secret
    session.commit()
    api = {"Authorization": f"Bearer {second}"}
    assert client.get("/api/v1/needs", headers=api).status_code == 200
    closed = client.post(f"/admin/users/{user.id}", data=_account_form(user, active=None))
    assert closed.status_code == 302
    assert client.get("/api/v1/needs", headers=api).status_code == 401
    reopened = client.post(f"/admin/users/{user.id}", data=_account_form(user))
    assert reopened.status_code == 302
    assert client.get("/api/v1/needs", headers=api).status_code == 401

    session.expire_all()
    reasons = session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "api_token.revoke")
    ).all()
    assert [details["reason"] for details in reasons] == ["password", "closed"]


def test_tokens_left_working_by_an_account_closed_before_are_revoked_when_it_reopens(
    signed_in, make, session
):
    from purchasing.people.tokens import create_token

    user = make.user("member")
    admin = make.user("admin")
    secret = create_token(session, "ancien", 90, actor=user).secret
    user.active = False  # closed before tokens were revoked with the account
    client = signed_in(admin)
    assert client.post(f"/admin/users/{user.id}", data=_account_form(user)).status_code == 302
    api = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/needs", headers=api).status_code == 401
