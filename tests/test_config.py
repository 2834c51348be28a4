"""Configuration comes from the environment; production refuses to start without a secret."""

from __future__ import annotations

import pytest

from web.config import ConfigurationError, from_environment


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        from_environment({"COACHAT_ENV": "production"}, instance=tmp_path)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        from_environment({"COACHAT_ENV": "production", "SECRET_KEY": "short"}, instance=tmp_path)


def test_production_uses_the_given_secret_and_secure_cookies(tmp_path):
    settings = from_environment(
        {
            "COACHAT_ENV": "production",
            "SECRET_KEY": "s" * 32,
            "DATABASE_URL": "postgresql+psycopg://db/x",
        },
        instance=tmp_path,
    )
    assert settings["SECRET_KEY"] == "s" * 32
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["DATABASE_URL"] == "postgresql+psycopg://db/x"


def test_development_defaults_to_an_sqlite_file_and_a_kept_secret(tmp_path):
    first = from_environment({}, instance=tmp_path)
    second = from_environment({}, instance=tmp_path)
    assert first["DATABASE_URL"] == f"sqlite:///{tmp_path / 'coachat.db'}"
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) == 64
    assert first["BABEL_DEFAULT_LOCALE"] == "fr"
    assert first["BABEL_DEFAULT_TIMEZONE"] == "Europe/Paris"


def test_an_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="COACHAT_ENV"):
        from_environment({"COACHAT_ENV": "staging"}, instance=tmp_path)
