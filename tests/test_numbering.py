"""One counter per series and year: each series counts on its own, without gaps, even when
documents of a series are issued at the same moment and one issue is rolled back (proven on
PostgreSQL with real threads)."""

from __future__ import annotations

import threading

import pytest

from persistence import make_session_factory
from persistence.numbering import DocumentCounter, next_number


def test_each_series_and_year_counts_on_its_own(session):
    assert next_number(session, "BC", 2027) == 1
    assert next_number(session, "BC", 2027) == 2
    assert next_number(session, "FA", 2027) == 1
    assert next_number(session, "BC", 2028) == 1
    assert next_number(session, "FA", 2027) == 2
    session.commit()
    assert session.get(DocumentCounter, ("BC", 2027)).last_number == 2
    assert session.get(DocumentCounter, ("FA", 2027)).last_number == 2
    assert session.get(DocumentCounter, ("BC", 2028)).last_number == 1
    with pytest.raises(ValueError):
        next_number(session, "", 2027)


def test_a_series_rolled_back_gives_its_number_back_and_leaves_the_others(session):
    assert next_number(session, "AV", 2027) == 1
    session.commit()
    assert next_number(session, "AV", 2027) == 2
    assert next_number(session, "FA", 2027) == 1
    session.rollback()
    assert next_number(session, "FA", 2027) == 1
    assert next_number(session, "AV", 2027) == 2


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_invoices_are_numbered_without_gaps(engine):
    sessions = make_session_factory(engine)
    count = 6
    start = threading.Barrier(count)
    kept: list[int] = []
    failures: list[BaseException] = []

    def issue(abandon: bool) -> None:
        own = sessions()
        try:
            start.wait()
            number = next_number(own, "FA", 2027)
            next_number(own, "BC", 2027)  # another series in the same transaction
            if abandon:
                own.rollback()  # the issue fails after numbering: its numbers come back
                return
            own.commit()
            kept.append(number)
        except BaseException as error:
            failures.append(error)
            own.rollback()
        finally:
            own.close()

    threads = [threading.Thread(target=issue, args=(index == 2,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert sorted(kept) == list(range(1, count))
    with sessions() as check:
        assert check.get(DocumentCounter, ("FA", 2027)).last_number == count - 1
        assert check.get(DocumentCounter, ("BC", 2027)).last_number == count - 1
