"""Who may open which page: the first wall in front of the use cases, which ask
`purchasing.permissions` again."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from purchasing.permissions import Action, require


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The view is for signed-in users with one of `roles` (admins may do what leads do)."""
    allowed = set(roles) | ({"admin"} if "lead" in roles else set())

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def allowed_to(action: Action) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The view is for signed-in users whom the policy allows `action` (403 otherwise): for
    pages whose use cases cannot ask it themselves, such as the catalog's."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require(current_user, action)
            return view(*args, **kwargs)

        return wrapped

    return decorate
