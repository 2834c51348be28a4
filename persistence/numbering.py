"""Numbers without gaps: one counter per series and calendar year (`BC` purchase orders today,
`FA` invoices and `AV` credit notes next).

A document takes its number from its series' counter row inside the transaction that issues
it. The row is incremented by an update that locks it until that transaction ends, so two
documents issued at once take consecutive numbers, and a transaction rolled back gives its
numbers back. Each series' own unique number is the backstop.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String, update
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


def next_number(session: Session, series: str, year: int) -> int:
    """The next number of `series` in `year` (1 for the first): the counter row is created if
    missing, then incremented by an update that locks it until the transaction ends."""
    if not series:
        raise ValueError("a series of numbers needs a name")
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(DocumentCounter)
        .values(series=series, year=year, last_number=0)
        .on_conflict_do_nothing()
    )
    number = session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.series == series, DocumentCounter.year == year)
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return int(number)
