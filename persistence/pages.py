"""A page of a list read from the database, with where it stands in the whole list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page[T]:
    """`items` of page `page` (from 1) of `pages`, `per_page` at most, `total` in all."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(session: Session, query: Select[Any], page: int, per_page: int) -> Page[Any]:
    """Page `page` of what `query` selects (in its order); past the end, an empty page."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return Page(items, page, per_page, total)
