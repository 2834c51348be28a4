"""Personal API tokens: created by their owner, shown once, kept hashed, revoked at will.

A token is a high-entropy random secret. Only its SHA-256 hash is stored, so a copy of the
database does not give access to the API; its first characters are kept in clear so that the
owner can tell tokens apart. A token works until it expires or is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from persistence import utcnow
from persistence.audit import record_event
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import ApiToken, User
from purchasing.permissions import MANAGE_OWN_TOKENS, require

SECRET_START = "coa_"
PREFIX_LENGTH = 12
NAME_MAX = 80
LIFETIMES_DAYS = (30, 90, 365)
MAX_TOKENS = 20
LAST_USE_PRECISION = timedelta(minutes=5)


@dataclass(frozen=True)
class NewToken:
    """A token just created, with its secret: the only time the secret is known."""

    token: ApiToken
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session, name: str, days: object, *, actor: User, now: datetime | None = None
) -> NewToken:
    """The user makes a token named `name` that expires after `days` (30, 90 or 365) days."""
    require(actor, MANAGE_OWN_TOKENS)
    errors: dict[str, Message] = {}
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = Message(N_("Name the token, for example after the tool that uses it."))
    elif len(name) > NAME_MAX:
        errors["name"] = Message(
            N_("Keep the name under %(count)d characters."), {"count": NAME_MAX}
        )
    lifetime = int(str(days)) if str(days).isdigit() else 0
    if lifetime not in LIFETIMES_DAYS:
        errors["days"] = Message(N_("Choose how long the token lasts."))
    if errors:
        raise Invalid(errors)
    now = now or utcnow()
    if len(active_tokens(session, actor, now)) >= MAX_TOKENS:
        raise Conflict(
            Message(
                N_("You already have %(count)d tokens in use: revoke one first."),
                {"count": MAX_TOKENS},
            )
        )
    secret = SECRET_START + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=_hash(secret),
        created_at=now,
        expires_at=now + timedelta(days=lifetime),
    )
    session.add(token)
    session.flush()
    record_event(
        session, "api_token.create", "api_token", token.id, actor=actor, name=name, days=lifetime
    )
    return NewToken(token, secret)


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked and expired ones included."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def active_tokens(session: Session, user: User, now: datetime | None = None) -> list[ApiToken]:
    now = now or utcnow()
    return [
        token
        for token in tokens_of(session, user)
        if token.revoked_at is None and token.expires_at > now
    ]


def revoke_token(
    session: Session, token_id: int, *, actor: User, now: datetime | None = None
) -> ApiToken:
    """The owner revokes one of their tokens; it is refused from now on."""
    require(actor, MANAGE_OWN_TOKENS)
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(Message(N_("No such token.")))
    if token.revoked_at is not None:
        raise Conflict(Message(N_("This token is already revoked.")))
    token.revoked_at = now or utcnow()
    session.flush()
    record_event(session, "api_token.revoke", "api_token", token.id, actor=actor, name=token.name)
    return token


def user_for_token(session: Session, secret: str, now: datetime | None = None) -> User | None:
    """The active user whose token this is, if the token is neither expired nor revoked.

    The time of last use is kept to within a few minutes, so that reading the API does not
    write on every request."""
    if not secret.startswith(SECRET_START) or len(secret) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.secret_hash == _hash(secret)))
    now = now or utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    user = token.user
    if not user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION:
        token.last_used_at = now
        session.flush()
    return user
