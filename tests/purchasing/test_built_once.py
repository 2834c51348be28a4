"""The approved and received batches the order and billing tests share are built once per
worker and backend through the use cases, and each test gets a fresh copy of that database:
the very rows building them in place gives, and nothing a test changes reaches the next one.

The pristine check runs before and after the test that changes the data (in file order; with
pytest-randomly in any order), so a leak shows whichever runs first."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from persistence import Base, create_engine_for
from purchasing.models import Member, PurchaseOrder
from purchasing.orders.orders import mark_sent_by_hand
from tests.conftest import BUILDERS, built_template


def _rows(connection: Connection, *, whole: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's primary keys (which rows exist, and under which ids), or its whole rows."""
    return {
        table.name: sorted(
            (
                tuple(row)
                for row in connection.execute(
                    select(table) if whole else select(*table.primary_key.columns)
                )
            ),
            key=repr,
        )
        for table in Base.metadata.sorted_tables
    }


def _template_rows(database_url, sqlite_schema, today, name, *, whole=False) -> tuple[dict, Any]:
    template, built = built_template(database_url, sqlite_schema, today, name)
    engine = create_engine_for(template)
    with engine.connect() as connection:
        rows = _rows(connection, whole=whole)
    engine.dispose()  # a PostgreSQL template is copied only while nobody is connected to it
    return rows, built


@pytest.mark.parametrize("name", ["approved", "received"])
def test_the_copy_holds_what_the_builder_makes_in_place(
    session, make, sessions, database_url, sqlite_schema, today, name
):
    made = BUILDERS[name](session, make, sessions)
    here = _rows(session.connection())
    session.rollback()
    there, (ids, count) = _template_rows(database_url, sqlite_schema, today, name)
    assert here == there
    assert here["purchase_order"] and here["audit_event"]
    assert made.ids() == ids and make.count == count


def _assert_pristine(session, make, approved, database_url, sqlite_schema, today) -> None:
    there, (ids, count) = _template_rows(database_url, sqlite_schema, today, "approved", whole=True)
    assert _rows(session.connection(), whole=True) == there
    assert approved.ids() == ids and make.count == count
    assert {order.status for order in approved.orders(session)} == {"draft"}
    # New rows follow the copied ones, as they would follow rows made in place.
    member = make.member()
    assert member.id == max(each.id for each in approved.members) + 1
    assert make.count == count + 2  # the member and its SIRET


def test_a_copy_is_pristine_before_a_test_changes_its_own(
    session, make, approved, database_url, sqlite_schema, today
):
    _assert_pristine(session, make, approved, database_url, sqlite_schema, today)


def test_a_test_changes_its_copy_as_it_likes(session, sessions, make, approved):
    for order in approved.orders(session):
        mark_sent_by_hand(session, order.id, actor=approved.lead)
    make.member("Nouvelle adhérente")
    approved.needs[0].comment = "Changée par un test"
    session.commit()
    with sessions() as other:
        other.delete(other.get_one(Member, approved.members[0].id).users[0])
        other.commit()
    assert session.scalar(select(func.count()).select_from(Member)) == 3
    assert {o.status for o in session.scalars(select(PurchaseOrder))} == {"sent"}


def test_a_copy_is_pristine_after_a_test_changed_its_own(
    session, make, approved, database_url, sqlite_schema, today
):
    _assert_pristine(session, make, approved, database_url, sqlite_schema, today)
