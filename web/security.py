"""What protects every page: security headers and a strict Content-Security-Policy, the
client's address behind a reverse proxy, and the throttling of sign-in attempts.

The policy allows scripts, styles, images and fonts from this site only: no inline script,
event handler or `style` attribute runs (templates keep them in `web/static/`). Frames of
other sites may not embed a page. HSTS is sent in production on HTTPS requests (directly or
through a proxy saying `X-Forwarded-Proto: https`).

Sign-in attempts that fail are counted per account and per client address with Flask-Limiter;
past either limit, sign-in is refused (429) until the window has passed, even with the right
password. The counters live in `RATELIMIT_STORAGE_URI`: `memory://` (the default) keeps them
in each process, so with several workers each counts on its own; a shared store such as
`redis://` counts once for all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("PROXY_COUNT", 0))
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the reverse proxy, which redirects plain HTTP
        strict_transport_security=app.config.get("ENV_MODE") == "production",
        strict_transport_security_max_age=365 * 24 * 3600,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
    )
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)


def account_key() -> str:
    """Whose account a sign-in attempt is for, whatever the case of the e-mail typed."""
    return "account:" + request.form.get("email", "").strip().lower()


def sign_in_failed() -> None:
    """This request was a failed sign-in: it counts against the limits."""
    g.sign_in_failed = True


def _counts(_response: object) -> bool:
    return bool(g.get("sign_in_failed"))


def throttle_sign_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Limits the failed sign-ins `view` answers, per account and per address."""
    from flask import current_app

    by_account = limiter.limit(
        lambda: current_app.config["SIGN_IN_LIMIT_ACCOUNT"],
        key_func=account_key,
        methods=["POST"],
        deduct_when=_counts,
        scope="account",
    )
    by_address = limiter.limit(
        lambda: current_app.config["SIGN_IN_LIMIT_ADDRESS"],
        methods=["POST"],
        deduct_when=_counts,
        scope="address",
    )
    return by_address(by_account(view))
