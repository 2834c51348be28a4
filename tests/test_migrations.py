"""The migrated schema is the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from persistence import Base, create_engine_for
from persistence.migrate import downgrade, upgrade


def test_migrations_build_exactly_the_models_schema(database_url):
    engine = create_engine_for(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: name != "apscheduler_jobs",
            },
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_go_down_and_up_again(database_url):
    engine = create_engine_for(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(database_url)
    downgrade(database_url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(database_url)
    assert "need" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_cooperative_record_is_seeded_from_the_former_settings(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    monkeypatch.setenv("COACHAT_COOPERATIVE_NAME", "Coopérative Grand Est")
    monkeypatch.setenv("COACHAT_COOPERATIVE_SIRET", "894 127 653 00018")
    monkeypatch.setenv("COACHAT_COOPERATIVE_EMAIL", "achats@grand-est.example")
    upgrade(url)
    engine = create_engine_for(url)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT name, siren, siret, email FROM cooperative")).one()
    engine.dispose()
    assert tuple(row) == (
        "Coopérative Grand Est",
        "894127653",
        "89412765300018",
        "achats@grand-est.example",
    )


def test_without_the_former_settings_the_record_has_a_generic_name(tmp_path, monkeypatch):
    for name in ("NAME", "SIRET", "ADDRESS", "EMAIL"):
        monkeypatch.delenv(f"COACHAT_COOPERATIVE_{name}", raising=False)
    url = f"sqlite:///{tmp_path / 'generic.db'}"
    upgrade(url)
    engine = create_engine_for(url)
    with engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM cooperative")).scalars().all()
    engine.dispose()
    assert names == ["Coopérative d'achats coachat"]
