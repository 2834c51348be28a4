"""Suppliers entered twice: the same SIRET, or a near-identical name in the same town."""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from suppliers.eco import fold
from suppliers.errors import N_, Invalid, Message
from suppliers.models import Supplier

SIMILAR_NAME = 90
"""rapidfuzz ratio (0–100) from which two supplier names in one town are taken for one company."""

LEGAL_FORMS = frozenset(
    {"sa", "sas", "sasu", "sarl", "sarlu", "eurl", "snc", "sci", "selarl", "cie", "ste", "societe",
     "ets", "etablissement", "etablissements"}
)  # fmt: skip


class DuplicateSupplier(Invalid):
    """The supplier looks like one already in the catalog; `duplicates` names them."""

    def __init__(self, errors: dict[str, Message], duplicates: list[Supplier]) -> None:
        super().__init__(errors)
        self.duplicates = duplicates


def find_duplicate_suppliers(
    session: Session, name: str, siret: str | None, town: str, exclude_id: int | None = None
) -> list[tuple[Supplier, Message]]:
    """Suppliers already in the catalog that may be this one, with why: the same SIRET, or a
    near-identical name (legal form aside) in the same town. Same SIRET first."""
    found: list[tuple[Supplier, Message]] = []
    siret = (siret or "").replace(" ", "")
    if siret:
        same = session.scalar(select(Supplier).where(Supplier.siret == siret))
        if same is not None and same.id != exclude_id:
            found.append((same, Message(N_("same SIRET"))))
    wanted, place = comparable_name(name), fold(town)
    if not wanted or not place:
        return found
    similar: list[tuple[float, Supplier]] = []
    for other in session.scalars(select(Supplier).order_by(Supplier.id)):
        if other.id == exclude_id or any(other is known for known, _ in found):
            continue
        if fold(other.town) != place:
            continue
        ratio = fuzz.ratio(wanted, comparable_name(other.name))
        if ratio >= SIMILAR_NAME:
            similar.append((ratio, other))
    similar.sort(key=lambda item: -item[0])
    found += [(other, Message(N_("near-identical name in the same town"))) for _, other in similar]
    return found


def comparable_name(name: str) -> str:
    """« Ets Dupont & Fils SARL » → `dupont fils`: folded, legal forms left out."""
    return " ".join(word for word in fold(name).split() if word not in LEGAL_FORMS)
