"""Configuration from environment variables, with defaults that run on a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from infrastructure.smtp import smtp_settings

INSTANCE = Path(__file__).resolve().parent.parent / "instance"


def default_database_url(instance: Path = INSTANCE) -> str:
    return f"sqlite:///{instance / 'coachat.db'}"


def _development_secret(instance: Path) -> str:
    """A secret kept in the instance folder, so sign-ins survive a restart on a laptop."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class ConfigurationError(RuntimeError):
    """The environment does not allow the application to start safely."""


def from_environment(
    environ: dict[str, str] | None = None, instance: Path = INSTANCE
) -> dict[str, Any]:
    """The settings `create_app` uses, read from `environ` (the process environment by default).

    | variable | default | meaning |
    | COACHAT_ENV | development | `production` refuses to start without SECRET_KEY |
    | DATABASE_URL | SQLite file instance/coachat.db | SQLAlchemy URL |
    | SECRET_KEY | generated into instance/secret_key | signs sessions and CSRF tokens |
    | COACHAT_LOCALE | fr | default language (fr or en) |
    | COACHAT_TIMEZONE | Europe/Paris | how times are shown |
    | COACHAT_MAX_UPLOAD_MB | 5 | largest upload accepted |
    | COACHAT_SIGN_IN_LIMIT_ACCOUNT | 10 per 15 minutes | failed sign-ins allowed per account |
    | COACHAT_SIGN_IN_LIMIT_ADDRESS | 50 per 15 minutes | failed sign-ins allowed per address |
    | COACHAT_RATELIMIT_STORAGE | memory:// | where those attempts are counted |
    | COACHAT_PROXIES | 0 | reverse proxies in front, trusted for the client's address |
    | COACHAT_SMTP_HOST | (none: e-mail is off) | SMTP server purchase orders are sent through |
    | COACHAT_SMTP_PORT | 587, 465 or 25 by security | its port |
    | COACHAT_SMTP_USER, COACHAT_SMTP_PASSWORD | (none) | its login |
    | COACHAT_SMTP_SECURITY | starttls | starttls, tls or none |
    | COACHAT_SMTP_SENDER | the user | the From address |
    | COACHAT_COOPERATIVE_NAME, _SIRET, _ADDRESS, _POSTCODE, _TOWN, _CONTACT, _EMAIL, _PHONE |
    | | (a generic name) | read once, by the migration that makes the cooperative's record; |
    | | | the admin keeps the record on its page from then on |
    """
    env = os.environ if environ is None else environ
    mode = env.get("COACHAT_ENV", "development")
    if mode not in ("development", "production"):
        raise ConfigurationError(f"COACHAT_ENV must be development or production, not {mode!r}")
    secret = env.get("SECRET_KEY", "")
    if mode == "production" and len(secret) < 16:
        raise ConfigurationError(
            "SECRET_KEY must be set (at least 16 characters) when COACHAT_ENV=production"
        )
    upload_mb = int(env.get("COACHAT_MAX_UPLOAD_MB", "5"))
    return {
        "ENV_MODE": mode,
        "DATABASE_URL": env.get("DATABASE_URL") or default_database_url(instance),
        "SECRET_KEY": secret or _development_secret(instance),
        "BABEL_DEFAULT_LOCALE": env.get("COACHAT_LOCALE", "fr"),
        "BABEL_DEFAULT_TIMEZONE": env.get("COACHAT_TIMEZONE", "Europe/Paris"),
        "LANGUAGES": ("fr", "en"),
        "MAX_UPLOAD_BYTES": upload_mb * 1024 * 1024,
        "MAX_CONTENT_LENGTH": upload_mb * 1024 * 1024 + 64 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": mode == "production",
        "WTF_CSRF_TIME_LIMIT": None,
        "SIGN_IN_LIMIT_ACCOUNT": env.get("COACHAT_SIGN_IN_LIMIT_ACCOUNT", "10 per 15 minutes"),
        "SIGN_IN_LIMIT_ADDRESS": env.get("COACHAT_SIGN_IN_LIMIT_ADDRESS", "50 per 15 minutes"),
        "RATELIMIT_STORAGE_URI": env.get("COACHAT_RATELIMIT_STORAGE", "memory://"),
        "PROXY_COUNT": int(env.get("COACHAT_PROXIES", "0")),
        "SMTP": smtp_settings(env),
        "BASE_URL": (env.get("COACHAT_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        # How often a page showing a background job asks for its state, in milliseconds.
        "JOB_POLL_MS": 1500,
    }
