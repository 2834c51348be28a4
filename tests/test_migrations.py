"""The migrated schema is the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal

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


def _insert(connection, table_name, **values):
    """A row with `values` and a plain value in every other column that needs one."""
    from datetime import UTC, date, datetime

    from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, MetaData, Numeric, Table

    table = Table(table_name, MetaData(), autoload_with=connection)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        if column.primary_key:
            continue
        kind = column.type
        if isinstance(kind, Boolean):
            row[column.name] = True
        elif isinstance(kind, Integer | Numeric | Float):
            row[column.name] = 1
        elif isinstance(kind, DateTime):
            row[column.name] = datetime.now(UTC)
        elif isinstance(kind, Date):
            row[column.name] = date.today()
        elif isinstance(kind, JSON):
            row[column.name] = {}
        else:
            row[column.name] = "x"
    connection.execute(table.insert().values(**row))


def test_existing_products_ship_in_whole_units_unless_they_count_in_fractions(database_url):
    # the step arrives with every product at 1; a product whose offers already sell half
    # kilos gets the thousandth, and a batch's stored problem reads back as it was solved
    from optimizer.jsonio import problem_from_dict

    engine = create_engine_for(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(database_url, "c3f1a7d5e920")
    stored = {
        "policy": {"order_date": "2026-12-01"},
        "sites": [{"id": "1"}],
        "suppliers": [{"id": "1"}],
        "offers": [
            {
                "id": "1",
                "supplier": "1",
                "product": "2",
                "pack_size": "0.5",
                "tiers": [{"from": "0", "unit_price": "1"}],
            }
        ],
        "needs": [
            {
                "id": "1",
                "member": "1",
                "product": "1",
                "quantity": "9",
                "tolerance": "0.45",
                "needed_by": "2026-12-20",
                "site": "1",
            }
        ],
    }
    with engine.begin() as connection:
        _insert(connection, "category", id=1, name="Ménage", vat_rate="0.2")
        _insert(connection, "product", id=1, name="Nettoyant 1 L", category_id=1, unit="l")
        _insert(connection, "product", id=2, name="Café", category_id=1, unit="kg")
        _insert(connection, "supplier", id=1, name="Droguerie", siret=None)
        _insert(
            connection, "offer", id=1, supplier_id=1, product_id=2, pack_size="0.5", vat_rate="0.2"
        )
        _insert(connection, "pooling_round", id=1, status="closed")
        _insert(connection, "batch", id=1, round_id=1, status="proposed", problem=stored)
    upgrade(database_url)
    with engine.connect() as connection:
        steps = dict(connection.execute(text("SELECT id, shipping_step FROM product")).all())
        (problem,) = connection.execute(text("SELECT problem FROM batch")).scalars()
    engine.dispose()
    assert {key: Decimal(str(step)) for key, step in steps.items()} == {1: 1, 2: Decimal("0.001")}
    problem = problem if isinstance(problem, dict) else json.loads(problem)
    assert problem_from_dict(problem).needs[0].tolerance == Decimal("0.45")
