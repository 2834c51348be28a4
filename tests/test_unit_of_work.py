"""Work outside a request (a command, a job) owns one transaction: kept if it ends, else undone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from persistence import make_session_factory, unit_of_work
from suppliers.models import Category


def categories(engine) -> list[str]:
    with make_session_factory(engine)() as session:
        return list(session.scalars(select(Category.name).order_by(Category.name)))


def test_work_that_ends_is_committed(engine):
    with unit_of_work(make_session_factory(engine)) as session:
        session.add(Category(name="Papier"))
    assert categories(engine) == ["Papier"]


def test_work_that_fails_changes_nothing(engine):
    with pytest.raises(RuntimeError), unit_of_work(make_session_factory(engine)) as session:
        session.add(Category(name="Papier"))
        session.flush()
        raise RuntimeError("the job stopped halfway")
    assert categories(engine) == []


def test_a_dry_run_changes_nothing(engine):
    with unit_of_work(make_session_factory(engine), commit=False) as session:
        session.add(Category(name="Papier"))
        session.flush()
        assert session.scalar(select(func.count(Category.id))) == 1
    assert categories(engine) == []
