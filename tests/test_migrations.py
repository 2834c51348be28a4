"""The migrated schema is the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

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
