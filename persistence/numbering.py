"""Numbers without gaps: one counter per series and calendar year (`BC` purchase orders today,
`FA` invoices and `AV` credit notes next).

A document takes its number from its series' counter row inside the transaction that issues
it. The row is incremented by an update that locks it until that transaction ends, so two
documents issued at once take consecutive numbers, and a transaction rolled back gives its
numbers back. Each series' own unique number is the backstop.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import CheckConstraint, Integer, String, Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from persistence.base import Base


class DocumentCounter(Base):
    """The last number given in one series and calendar year."""

    __tablename__ = "document_counter"
    __table_args__ = (
        CheckConstraint("last_number >= 0", name="last_number_not_negative"),
        CheckConstraint("series <> ''", name="series_named"),
    )

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


_COUNTERS = cast(Table, DocumentCounter.__table__)
# Built once: a statement's payments take thousands of numbers in one transaction.
_INCREMENT = (
    update(_COUNTERS)
    .where(
        _COUNTERS.c.series == bindparam("counter_series"),
        _COUNTERS.c.year == bindparam("counter_year"),
    )
    .values(last_number=_COUNTERS.c.last_number + bindparam("counter_step"))
    .returning(_COUNTERS.c.last_number)
)


def next_number(session: Session, series: str, year: int) -> int:
    """The next number of `series` in `year` (1 for the first): the counter row is incremented
    by an update that locks it until the transaction ends, after creating it if missing."""
    return next_numbers(session, series, year, 1)[0]


def next_numbers(session: Session, series: str, year: int, count: int) -> range:
    """The next `count` numbers of `series` in `year`, consecutive, taken at once as
    `next_number` takes one (a batch's thousands of invoices in one statement)."""
    if not series:
        raise ValueError("a series of numbers needs a name")
    if count < 1:
        raise ValueError("at least one number is taken")
    # Straight on the transaction's connection: a counter is no object of the session.
    connection = session.connection()
    key = {"counter_series": series, "counter_year": year, "counter_step": count}
    number = connection.execute(_INCREMENT, key).scalar()
    if number is None:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        connection.execute(
            insert(_COUNTERS)
            .values(series=series, year=year, last_number=0)
            .on_conflict_do_nothing()
        )
        number = connection.execute(_INCREMENT, key).scalar_one()
    return range(int(number) - count + 1, int(number) + 1)
