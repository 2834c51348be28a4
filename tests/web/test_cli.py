"""The `coachat` command: accounts, demo data and migrations from the shell."""

from __future__ import annotations

import re
from pathlib import Path

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


def _one_line_refusal(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coachat: "), result.stderr
    return lines[0]


def test_every_command_that_writes_a_file_refuses_a_missing_folder_in_one_line(
    database_url, engine, monkeypatch, tmp_path
):
    problem = tmp_path / "problem.json"
    example = (Path(__file__).parents[2] / "docs" / "optimizer.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- example-problem -->\s*```json\n(.*?)```", example, re.S)
    assert found is not None
    problem.write_text(found.group(1), encoding="utf-8")
    missing = tmp_path / "missing-folder"
    for args in (
        ["orders", "pdf", "1", "-o", f"{missing}/po.csv"],
        ["needs", "export-problem", "-o", f"{missing}/problem.json"],
        ["backup", f"{missing}/coachat.db"],
        ["optimize", str(problem), "-o", f"{missing}/result.json"],
    ):
        line = _one_line_refusal(run(database_url, *args, monkeypatch=monkeypatch))
        assert "missing-folder" in line, (args, line)
    assert not missing.exists()


def test_an_id_the_database_cannot_hold_is_a_usage_error_in_one_line(
    database_url, monkeypatch, tmp_path
):
    for args in (
        ["orders", "pdf", "99999999999999999999", "-o", str(tmp_path / "po.pdf")],
        ["orders", "list", "--batch", "²"],
        ["batches", "show", "0"],
    ):
        line = _one_line_refusal(run(database_url, *args, monkeypatch=monkeypatch))
        assert "is not an id" in line, line
