"""The migrated schema is the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from mailing.outbox import queue_email
from persistence import Base, create_engine_for, make_session_factory
from persistence.migrate import downgrade, upgrade
from persistence.numbering import next_number


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


BEFORE_THE_OUTBOX = "c3f1a7d5e920"
AT = "2026-12-01 10:00:00"
EARLIER_STATE = [
    "INSERT INTO user_account (id, email, name, password_hash, role, active, created_at) "
    f"VALUES (1, 'julien@coop.example', 'Julien', 'x', 'lead', :yes, '{AT}')",
    f"INSERT INTO pooling_round (id, name, opens_at, status) VALUES (1, 'R1', '{AT}', 'closed')",
    "INSERT INTO batch (id, round_id, status, policy, solver_report, version, created_at, "
    f"decision_note) VALUES (1, 1, 'ordered', '{{}}', '{{}}', 1, '{AT}', '')",
    *(
        "INSERT INTO supplier (id, name, address, postcode, town, latitude, longitude, "
        "contact_name, contact_email, phone, delivery_fee, delivery_cost_per_km, active, "
        f"created_at) VALUES ({n}, 'Papeterie {n}', '', '57000', 'Metz', 49.1, 6.2, '', "
        f"'commandes@papeterie.example', '', 0, 0, :yes, '{AT}')"
        for n in (1, 2)
    ),
    *(
        "INSERT INTO purchase_order (id, number, year, sequence, batch_id, supplier_id, status, "
        "ordered_on, expected_on, delivery_fee, total_excl_vat, total_incl_vat, created_at, "
        "supplier_answer, supplier_note, link_nonce, version) VALUES "
        f"({n}, 'BC-2026-000{n}', 2026, {n}, 1, {n}, 'sent', '2026-12-01', '2026-12-05', 0, 0, 0, "
        f"'{AT}', '', '', '', 1)"
        for n in (1, 2)
    ),
    "INSERT INTO order_counter (year, last_number) VALUES (2026, 7)",
    "INSERT INTO order_email (id, order_id, recipient, link, status, attempts, last_error, "
    "message_id, handed_over_at, requested_by_id, created_at, sent_at) VALUES "
    f"(1, 1, 'commandes@papeterie.example', 'https://x/s/1', 'sent', 1, '', '<m1@coachat>', "
    f"'{AT}', 1, '{AT}', '{AT}'), "
    f"(2, 1, 'commandes@papeterie.example', 'https://x/s/2', 'uncertain', 1, 'stopped', '', "
    f"'{AT}', NULL, '{AT}', NULL), "
    f"(3, 2, 'commandes@papeterie.example', 'https://x/s/3', 'waiting', 2, '451 busy', '', "
    f"NULL, 1, '{AT}', NULL)",
    "INSERT INTO job (kind, params, status, progress, step, error, result, attempts, worker, "
    f"created_at) VALUES ('send_order_email', '{{\"email_id\": 3}}', 'queued', 0, '', '', "
    f"'{{}}', 0, '', '{AT}')",
]


def test_the_order_counts_and_e_mails_move_into_the_shared_tables_with_their_states(
    database_url,
):
    engine = create_engine_for(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(database_url, BEFORE_THE_OUTBOX)
    with engine.begin() as connection:
        for statement in EARLIER_STATE:
            connection.execute(text(statement), {"yes": True})
    upgrade(database_url)
    with engine.connect() as connection:
        counters = connection.execute(
            text("SELECT series, year, last_number FROM document_counter")
        )
        assert [tuple(row) for row in counters] == [("BC", 2026, 7)]
        emails = connection.execute(
            text(
                "SELECT id, idempotency_key, purpose, status, attempts, last_error, message_id, "
                "handed_over_at IS NOT NULL, requested_by_id, sent_at IS NOT NULL, body "
                "FROM outgoing_email ORDER BY id"
            )
        )
        moved = [
            (1, "purchase_order/1/1", "purchase_order", "sent", 1, "", "<m1@coachat>", True, 1),
            (2, "purchase_order/1/2", "purchase_order", "uncertain", 1, "stopped", "", True, None),
            (3, "purchase_order/2/1", "purchase_order", "waiting", 2, "451 busy", "", False, 1),
        ]
        assert [tuple(row) for row in emails] == [
            (*row, sent_at, None) for row, sent_at in zip(moved, (True, False, False), strict=True)
        ]
        links = connection.execute(text("SELECT id, order_id, email_id, link FROM order_email"))
        assert sorted(tuple(row) for row in links) == [
            (1, 1, 1, "https://x/s/1"),
            (2, 1, 2, "https://x/s/2"),
            (3, 2, 3, "https://x/s/3"),
        ]
        assert connection.scalar(text("SELECT kind FROM job")) == "send_email"
    # New rows continue after the moved ones.
    sessions = make_session_factory(engine)
    with sessions() as session:
        assert next_number(session, "BC", 2026) == 8
        later = queue_email(
            session, to="a@b.example", subject="s", body="b", idempotency_key="k", actor=None
        )
        assert later.id == 4
        session.rollback()

    downgrade(database_url, BEFORE_THE_OUTBOX)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT last_number FROM order_counter")) == 7
        emails = connection.execute(
            text("SELECT id, status, attempts, last_error FROM order_email ORDER BY id")
        )
        assert [tuple(row) for row in emails] == [
            (1, "sent", 1, ""),
            (2, "uncertain", 1, "stopped"),
            (3, "waiting", 2, "451 busy"),
        ]
        assert connection.scalar(text("SELECT kind FROM job")) == "send_order_email"
    engine.dispose()
