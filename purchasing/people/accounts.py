"""Member companies, their delivery sites and the people who sign in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from persistence import by_name
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Invalid, Message, NotFound
from purchasing.models import ROLES, DeliverySite, Member, User
from purchasing.people.passwords import check_password, hash_password, password_weakness
from purchasing.permissions import MANAGE_MEMBERS, MANAGE_USERS, require
from suppliers.siret import siret_is_valid

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Checked against when no account matches, so that a refusal takes as long either way.
_NO_ACCOUNT_HASH = hash_password("no account has this password")


@dataclass(frozen=True)
class MemberValues:
    name: str
    siret: str
    town: str
    latitude: float
    longitude: float
    address: str = ""
    postcode: str = ""
    activity: str = ""


@dataclass(frozen=True)
class UserValues:
    email: str
    name: str
    role: str
    member_id: int | None
    password: str | None = None
    active: bool = True


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (without saying which was wrong).

    The password is hashed and compared whether or not the account exists or is active, so
    that the time a refusal takes tells nothing about who has an account.
    """
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    matches = check_password(user.password_hash if user else _NO_ACCOUNT_HASH, password)
    if user is None or not user.active or not matches:
        return None
    return user


def record_sign_in(session: Session, *, actor: User) -> None:
    """A user signed in: the audit trail keeps it."""
    record_event(session, "user.login", "user", actor.id, actor=actor)


def end_sessions(session: Session, *, actor: User) -> None:
    """The user signed out: every session they had opened, on any device, ends with it."""
    actor.auth_generation += 1
    session.flush()
    record_event(session, "user.logout", "user", actor.id, actor=actor)


def set_language(session: Session, language: str, *, actor: User) -> None:
    """The user reads the interface in `language` from now on, on every device."""
    if actor.locale == language:
        return
    actor.locale = language
    session.flush()
    record_event(session, "user.language", "user", actor.id, actor=actor, language=language)


def member_by_id(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(Message(N_("No such member.")))
    return member


def member_by_siret(session: Session, siret: str) -> Member:
    """The member company with this SIRET (spaces allowed)."""
    siret = siret.replace(" ", "")
    member = session.scalar(select(Member).where(Member.siret == siret))
    if member is None:
        raise NotFound(Message(N_("No member company has the SIRET %(siret)s."), {"siret": siret}))
    return member


def user_by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Message(N_("No such user.")))
    return user


def user_by_email(session: Session, email: str) -> User:
    """The account with this e-mail address, whatever its case."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise NotFound(
            Message(N_("No account has the e-mail address %(email)s."), {"email": email})
        )
    return user


def _check_member(session: Session, values: MemberValues, member_id: int | None) -> None:
    errors: dict[str, Message] = {}
    if not values.name.strip():
        errors["name"] = Message(N_("A name is required."))
    if not siret_is_valid(values.siret):
        errors["siret"] = Message(N_("A SIRET is 14 digits with a valid check digit."))
    else:
        other = session.scalar(select(Member).where(Member.siret == values.siret))
        if other is not None and other.id != member_id:
            errors["siret"] = Message(
                N_("This SIRET is already the member %(name)s."), {"name": other.name}
            )
    if not values.town.strip():
        errors["town"] = Message(N_("A town is required."))
    if not -90 <= values.latitude <= 90:
        errors["latitude"] = Message(N_("Latitude lies between -90 and 90."))
    if not -180 <= values.longitude <= 180:
        errors["longitude"] = Message(N_("Longitude lies between -180 and 180."))
    if errors:
        raise Invalid(errors)


def create_member(session: Session, values: MemberValues, *, actor: Actor | None) -> Member:
    """Adds a member company with a main delivery site at its own address."""
    require(actor, MANAGE_MEMBERS)
    _check_member(session, values, None)
    member = Member(
        name=values.name.strip(),
        siret=values.siret,
        address=values.address.strip(),
        postcode=values.postcode.strip(),
        town=values.town.strip(),
        latitude=values.latitude,
        longitude=values.longitude,
        activity=values.activity.strip(),
    )
    member.sites.append(
        DeliverySite(
            name="Siège",
            address=member.address,
            postcode=member.postcode,
            town=member.town,
            latitude=member.latitude,
            longitude=member.longitude,
        )
    )
    session.add(member)
    session.flush()
    record_event(session, "member.create", "member", member.id, actor=actor, name=member.name)
    return member


def update_member(
    session: Session, member_id: int, values: MemberValues, *, actor: Actor | None
) -> Member:
    """Changes a member company's details."""
    require(actor, MANAGE_MEMBERS)
    member = member_by_id(session, member_id)
    _check_member(session, values, member_id)
    for name in ("name", "address", "postcode", "town", "activity"):
        setattr(member, name, getattr(values, name).strip())
    member.siret = values.siret
    member.latitude = values.latitude
    member.longitude = values.longitude
    session.flush()
    record_event(session, "member.update", "member", member.id, actor=actor)
    return member


def _check_user(session: Session, values: UserValues, user_id: int | None) -> None:
    errors: dict[str, Message] = {}
    email = values.email.strip().lower()
    if not EMAIL.match(email):
        errors["email"] = Message(N_("Enter a valid e-mail address."))
    else:
        other = session.scalar(select(User).where(func.lower(User.email) == email))
        if other is not None and other.id != user_id:
            errors["email"] = Message(N_("This e-mail address already has an account."))
    if not values.name.strip():
        errors["name"] = Message(N_("A name is required."))
    if values.role not in ROLES:
        errors["role"] = Message(N_("Unknown role %(role)s."), {"role": values.role})
    if values.member_id is not None and session.get(Member, values.member_id) is None:
        errors["member_id"] = Message(N_("No such member."))
    elif values.role == "member" and values.member_id is None:
        errors["member_id"] = Message(N_("A member user belongs to a member company."))
    if user_id is None and values.password is None:
        errors["password"] = Message(N_("A password is required."))
    if values.password is not None:
        weakness = password_weakness(values.password, (values.email, values.name))
        if weakness is not None:
            errors["password"] = weakness
    if errors:
        raise Invalid(errors)


def _check_admins_remain(
    session: Session, user: User, values: UserValues, actor: Actor | None
) -> None:
    """An admin neither demotes nor deactivates themselves, and the cooperative keeps at least
    one active admin: otherwise nobody could manage accounts any more."""
    if user.role != "admin" or not user.active:
        return
    errors: dict[str, Message] = {}
    field = "role" if values.role != "admin" else "active"
    if values.role == "admin" and values.active:
        return
    if actor is not None and actor.id == user.id:
        errors[field] = (
            Message(N_("You cannot remove your own admin role."))
            if field == "role"
            else Message(N_("You cannot deactivate your own account."))
        )
    else:
        others = session.scalar(
            select(func.count(User.id)).where(
                User.role == "admin", User.active.is_(True), User.id != user.id
            )
        )
        if not others:
            errors[field] = Message(
                N_("%(name)s is the last active admin: make someone else admin first."),
                {"name": user.name},
            )
    if errors:
        raise Invalid(errors)


def create_user(session: Session, values: UserValues, *, actor: Actor | None) -> User:
    """Adds an account; its password is stored hashed."""
    require(actor, MANAGE_USERS)
    _check_user(session, values, None)
    assert values.password is not None
    user = User(
        email=values.email.strip().lower(),
        name=values.name.strip(),
        role=values.role,
        member_id=values.member_id,
        password_hash=hash_password(values.password),
        active=values.active,
    )
    session.add(user)
    session.flush()
    record_event(
        session, "user.create", "user", user.id, actor=actor, email=user.email, role=user.role
    )
    return user


def update_user(session: Session, user_id: int, values: UserValues, *, actor: Actor | None) -> User:
    """Changes an account; a new password replaces the old one only when one is given."""
    require(actor, MANAGE_USERS)
    user = user_by_id(session, user_id)
    _check_user(session, values, user_id)
    _check_admins_remain(session, user, values, actor)
    if values.password is not None or not values.active:
        # A new password or a closed account ends the sessions opened before.
        user.auth_generation += 1
    user.email = values.email.strip().lower()
    user.name = values.name.strip()
    user.role = values.role
    user.member_id = values.member_id
    user.active = values.active
    if values.password is not None:
        user.password_hash = hash_password(values.password)
    session.flush()
    record_event(session, "user.update", "user", user.id, actor=actor, role=user.role)
    return user


def members(session: Session) -> list[Member]:
    return list(session.scalars(select(Member).order_by(by_name(Member.name))))


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(by_name(User.name))))
