"""The `coachat` command: accounts, demo data and migrations from the shell."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from persistence.migrate import upgrade
from purchasing.models import User
from web.cli import main


def run(database_url, *args, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_users_create_makes_an_account_that_can_sign_in(database_url, session, make, monkeypatch):
    member = make.member()
    session.commit()
    result = run(
        database_url,
        "users", "create", "--email", "Lea@Atelier.fr", "--name", "Léa", "--role", "member",
        "--member", member.siret, "--password", "un mot de passe long",
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    session.expire_all()
    user = session.scalars(select(User)).one()
    assert (user.email, user.role, user.member_id) == ("lea@atelier.fr", "member", member.id)


def test_users_create_refuses_bad_values_and_creates_nothing(database_url, session, monkeypatch):
    result = run(
        database_url,
        "users", "create", "--email", "nope", "--name", "X", "--role", "lead",
        "--password", "short",
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "email" in result.output and "password" in result.output
    assert session.scalars(select(User)).all() == []


def test_users_create_names_an_unknown_member(database_url, session, monkeypatch):
    result = run(
        database_url,
        "users", "create", "--email", "a@b.fr", "--name", "A", "--role", "member",
        "--member", "73282932000074", "--password", "0123456789",
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "73282932000074" in result.output


def test_demo_load_twice_loads_once(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    first = run(url, "demo", "load", monkeypatch=monkeypatch)
    second = run(url, "demo", "load", monkeypatch=monkeypatch)
    assert "21 members" in first.output
    assert "already loaded" in second.output
