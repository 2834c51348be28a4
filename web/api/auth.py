"""Who calls the API: the owner of the personal token in `Authorization: Bearer …`.

The API reads no cookie and opens no session: a browser's sign-in does not reach it, so no
other site can make a signed-in browser call it (which is why it needs no CSRF token).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, request

from purchasing.models import User
from purchasing.people.tokens import user_for_token
from purchasing.permissions import Action, require
from web import db
from web.api import blueprint

SCHEME = "bearer "


@blueprint.before_request
def authenticate() -> None:
    """Every API view needs a token that is neither expired nor revoked (else 401)."""
    header = request.headers.get("Authorization", "")
    if header[: len(SCHEME)].lower() != SCHEME:
        abort(401)
    user = user_for_token(db.session(), header[len(SCHEME) :].strip())
    if user is None:
        abort(401)
    g.api_user = user


def caller() -> User:
    """The user whose token the request carries."""
    return g.api_user


def members_and_leads(view: Callable[..., Any]) -> Callable[..., Any]:
    """For a member company's users and for leads (an account of neither gets 403)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        user = caller()
        if user.member_id is None and not user.is_lead:
            abort(403)
        return view(*args, **kwargs)

    return guarded


def leads_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """For purchasing leads (and admins, who may do what leads do)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not caller().is_lead:
            abort(403)
        return view(*args, **kwargs)

    return guarded


def allowed_to(action: Action) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """For callers whom the policy allows `action` (403 otherwise): for endpoints whose use
    cases cannot ask it themselves, such as the catalog's."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            require(caller(), action)
            return view(*args, **kwargs)

        return guarded

    return decorate
