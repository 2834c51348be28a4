"""One counter per series and year: each series counts on its own, without gaps, even when
documents of a series are issued at the same moment and one issue is rolled back (proven on
PostgreSQL with real threads)."""

from __future__ import annotations

import threading

import pytest

from persistence import make_session_factory
from persistence.numbering import DocumentCounter, next_number, next_numbers


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


def test_a_batch_takes_its_numbers_at_once_after_those_given_before(session):
    assert next_numbers(session, "FA", 2027, 3) == range(1, 4)  # the counter is created
    assert next_number(session, "FA", 2027) == 4
    assert next_numbers(session, "FA", 2027, 2000) == range(5, 2005)
    assert next_numbers(session, "AV", 2027, 1) == range(1, 2)
    assert next_number(session, "FA", 2027) == 2005
    session.commit()
    assert session.get(DocumentCounter, ("FA", 2027)).last_number == 2005
    for count in (0, -1):
        with pytest.raises(ValueError):
            next_numbers(session, "FA", 2027, count)
    assert next_number(session, "FA", 2027) == 2006  # a refused count took nothing


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_batches_numbered_at_the_same_moment_share_the_series_without_gaps(engine):
    sessions = make_session_factory(engine)
    sizes = (5, 1, 12, 3)
    start = threading.Barrier(len(sizes))
    taken: list[range] = []
    failures: list[BaseException] = []

    def issue(size: int) -> None:
        with sessions() as own:
            try:
                start.wait()
                numbers = next_numbers(own, "FA", 2027, size)
                own.commit()
                taken.append(numbers)
            except BaseException as error:
                failures.append(error)

    threads = [threading.Thread(target=issue, args=(size,)) for size in sizes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert sorted(len(numbers) for numbers in taken) == sorted(sizes)
    given = sorted(number for numbers in taken for number in numbers)
    assert given == list(range(1, sum(sizes) + 1))  # no gap, no number given twice


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
