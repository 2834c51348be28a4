"""`coachat backup` and `coachat restore`: a copy made while the application runs holds the same
data once restored, on SQLite and on PostgreSQL."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from purchasing.models import Need
from web.cli import main


def test_a_restored_backup_holds_the_same_data(
    database_url, engine, session, make, tmp_path, monkeypatch
):
    member = make.member("Atelier")
    kept = make.need(member, quantity="40")
    session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    copy = tmp_path / "coachat.backup"
    made = runner.invoke(main, ["backup", str(copy)])
    assert made.exit_code == 0, made.output
    assert copy.stat().st_size > 0

    make.need(member, quantity="7")
    session.get(Need, kept.id).quantity = 1
    session.commit()
    restored = runner.invoke(main, ["restore", str(copy), "--yes"])
    assert restored.exit_code == 0, restored.output
    session.expire_all()
    quantities = [need.quantity for need in session.scalars(select(Need).order_by(Need.id))]
    assert quantities == [40]


def test_a_file_that_is_not_a_backup_is_refused(database_url, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)
    answer = CliRunner().invoke(main, ["restore", str(junk), "--yes"])
    assert answer.exit_code == 1
    # A file that is not there is a bad argument: one line and exit code 2, as for every command.
    missing = CliRunner().invoke(main, ["restore", str(tmp_path / "absent"), "--yes"])
    assert missing.exit_code == 2 and "does not exist" in missing.output
