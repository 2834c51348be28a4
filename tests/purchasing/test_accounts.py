"""Accounts and member companies: checked values, unique e-mails and SIRETs, hashed passwords."""

from __future__ import annotations

import pytest

from purchasing.accounts import (
    MemberValues,
    UserValues,
    authenticate,
    create_member,
    create_user,
)
from purchasing.errors import Invalid
from purchasing.models import AuditEvent
from suppliers.siret import siret_is_valid


def test_siret_needs_fourteen_digits_and_a_valid_check_digit():
    assert siret_is_valid("73282932000074")
    assert not siret_is_valid("73282932000075")
    assert not siret_is_valid("7328293200007")
    assert not siret_is_valid("7328293200007a")


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
                email="a@b.fr", name="A", role="member", member_id=None, password="0123456789"
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
            password="0123456789",
        ),
        actor=None,
    )
    assert authenticate(session, "claire@example.org", "0123456789") is user
    assert authenticate(session, "claire@example.org", "9876543210") is None
    assert session.query(AuditEvent).filter_by(action="user.create", object_id=user.id).count() == 1
    with pytest.raises(Invalid):
        create_user(
            session,
            UserValues(
                email="claire@example.org",
                name="Other",
                role="lead",
                member_id=None,
                password="0123456789",
            ),
            actor=None,
        )
