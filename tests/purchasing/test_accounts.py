"""Accounts and member companies: checked values, unique e-mails and SIRETs, hashed passwords."""

from __future__ import annotations

from dataclasses import replace

import pytest

from persistence.audit import COMMAND_LINE
from purchasing.errors import Invalid
from purchasing.models import AuditEvent
from purchasing.people.accounts import (
    MemberValues,
    UserValues,
    authenticate,
    create_member,
    create_user,
)
from suppliers.siret import siren_is_valid, siret_is_valid, vat_number_is_valid

GOOD_PASSWORD = "lilas ruisseau 42 compost"


def test_siret_needs_fourteen_digits_and_a_valid_check_digit():
    assert siret_is_valid("73282932000074")
    assert not siret_is_valid("73282932000075")
    assert not siret_is_valid("7328293200007")
    assert not siret_is_valid("7328293200007a")
    # The 14 digits pass the Luhn check but the SIREN inside does not.
    assert not siret_is_valid("10000000000008")


def test_siren_and_intra_community_vat_numbers_are_checked():
    assert siren_is_valid("732829320") and siren_is_valid("732 829 320")
    assert not siren_is_valid("732829321") and not siren_is_valid("73282932")
    assert vat_number_is_valid("FR40303265045") and vat_number_is_valid("FR 40 303 265 045")
    assert vat_number_is_valid("DE136695976")
    assert not vat_number_is_valid("FR41303265045") and not vat_number_is_valid("XX123")


def test_a_member_company_gets_its_main_delivery_site(session):
    member = create_member(
        session,
        MemberValues(
            name="Atelier", siret="73282932000074", town="Nancy", latitude=48.69, longitude=6.18
        ),
        actor=None,
    )
    assert [site.town for site in member.sites] == ["Nancy"]
    with pytest.raises(Invalid) as refused:
        create_member(
            session,
            MemberValues(
                name="Copie", siret="73282932000074", town="Toul", latitude=48.6, longitude=5.9
            ),
            actor=None,
        )
    assert set(refused.value.errors) == {"siret"}


def test_an_account_is_refused_with_every_reason_at_once(session):
    with pytest.raises(Invalid) as refused:
        create_user(
            session,
            UserValues(
                email="not-an-email", name=" ", role="boss", member_id=None, password="short"
            ),
            actor=None,
        )
    assert set(refused.value.errors) == {"email", "name", "role", "password"}


def test_a_member_user_needs_a_member_company(session):
    with pytest.raises(Invalid) as refused:
        create_user(
            session,
            UserValues(
                email="a@b.fr", name="A", role="member", member_id=None, password=GOOD_PASSWORD
            ),
            actor=None,
        )
    assert set(refused.value.errors) == {"member_id"}


def test_sign_in_is_case_insensitive_on_the_email_and_audited_on_creation(session, make):
    member = make.member()
    user = create_user(
        session,
        UserValues(
            email="Claire@Example.org",
            name="Claire",
            role="member",
            member_id=member.id,
            password=GOOD_PASSWORD,
        ),
        actor=None,
    )
    assert authenticate(session, "claire@example.org", GOOD_PASSWORD) is user
    assert authenticate(session, "claire@example.org", "another long passphrase") is None
    assert session.query(AuditEvent).filter_by(action="user.create", object_id=user.id).count() == 1
    with pytest.raises(Invalid):
        create_user(
            session,
            UserValues(
                email="claire@example.org",
                name="Other",
                role="lead",
                member_id=None,
                password=GOOD_PASSWORD,
            ),
            actor=None,
        )


def test_sign_in_does_the_same_work_whether_the_account_exists_or_not(session, make, monkeypatch):
    """The time a refusal takes must not tell whether an account exists or is active."""
    from purchasing.people import accounts

    make.user("member", email="known@example.org")
    make.user("member", email="gone@example.org", active=False)
    checks: list[str] = []
    check = accounts.check_password

    def counted(stored: str, password: str) -> bool:
        checks.append(password)
        return check(stored, password)

    monkeypatch.setattr(accounts, "check_password", counted)
    for email in ("known@example.org", "nobody@example.org", "gone@example.org"):
        assert authenticate(session, email, "a wrong password") is None
    assert checks == ["a wrong password"] * 3


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "at least 12 characters"),
        ("password1234", "common"),
        ("azertyuiop12", "common"),
        ("abcdefghijklmnop", "easy to guess"),
        ("aaaaaaaaaaaaaaaa", "easy to guess"),
    ],
)
def test_a_password_is_long_and_not_common(session, make, password, reason):
    member = make.member()
    values = UserValues(
        email="claire@example.org",
        name="Claire",
        role="member",
        member_id=member.id,
        password=password,
    )
    with pytest.raises(Invalid) as refused:
        create_user(session, values, actor=None)
    assert set(refused.value.errors) == {"password"}
    assert reason in refused.value.errors["password"].render()


def test_a_password_that_repeats_the_e_mail_is_refused(session, make):
    member = make.member()
    with pytest.raises(Invalid) as refused:
        create_user(
            session,
            UserValues(
                email="claire.dupont@example.org",
                name="Claire Dupont",
                role="member",
                member_id=member.id,
                password="claire.dupont@example.org",
            ),
            actor=None,
        )
    assert set(refused.value.errors) == {"password"}


def test_an_admin_neither_demotes_nor_deactivates_themselves(session, make):
    from purchasing.people.accounts import update_user

    admin = make.user("admin", email="admin@example.org", name="Admin")
    make.user("admin", email="other@example.org")
    for role, active in (("lead", True), ("admin", False)):
        values = UserValues(
            email=admin.email, name=admin.name, role=role, member_id=None, active=active
        )
        with pytest.raises(Invalid) as refused:
            update_user(session, admin.id, values, actor=admin)
        assert set(refused.value.errors) == {"role" if role != "admin" else "active"}
    assert admin.role == "admin" and admin.active


def test_the_last_active_admin_stays_an_active_admin(session, make):
    from purchasing.people.accounts import update_user

    admin = make.user("admin", email="admin@example.org", name="Admin")
    make.user("admin", email="former@example.org", active=False)
    values = UserValues(
        email=admin.email, name=admin.name, role="lead", member_id=None, active=True
    )
    with pytest.raises(Invalid) as refused:  # not even the command line, acting for everyone
        update_user(session, admin.id, values, actor=COMMAND_LINE)
    assert "last active admin" in refused.value.errors["role"].render()
    second = make.user("admin", email="second@example.org")
    update_user(session, admin.id, values, actor=second)
    assert admin.role == "lead"


def test_a_password_change_ends_the_users_sessions(session, make):
    from purchasing.people.accounts import update_user

    user = make.user("member")
    before = user.auth_generation
    values = UserValues(email=user.email, name=user.name, role=user.role, member_id=user.member_id)
    update_user(session, user.id, values, actor=None)
    assert user.auth_generation == before
    update_user(
        session, user.id, replace(values, password="un tout autre mot de passe"), actor=None
    )
    assert user.auth_generation == before + 1
