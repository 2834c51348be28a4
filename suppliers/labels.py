"""The labels and certifications a supplier holds, each with its expiry date.

An expired label is kept on record: it is shown expired and earns no eco points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from suppliers.checks import at_most
from suppliers.eco import EcoConfig, fold
from suppliers.errors import N_, Message
from suppliers.models import Supplier, SupplierLabel


@dataclass(frozen=True)
class LabelValues:
    """A label the supplier holds; without an expiry date it is taken as valid."""

    name: str
    expires_on: date | None = None


def check_labels(
    labels: Sequence[LabelValues], config: EcoConfig, errors: dict[str, Message]
) -> None:
    """A label has a name, at most once per supplier (aliases of one label count as one)."""
    seen: set[str] = set()
    for index, label in enumerate(labels):
        key = f"labels.{index}.name"
        name = " ".join(label.name.split())
        if not name:
            errors[key] = Message(N_("A label needs a name."))
            continue
        if at_most(errors, key, name, 80):
            continue
        rule = config.label(name)
        identity = rule.key if rule else fold(name)
        if identity in seen:
            errors[key] = Message(N_("This label is already listed."))
        seen.add(identity)


def label_rows(labels: Sequence[LabelValues]) -> list[SupplierLabel]:
    return [
        SupplierLabel(name=" ".join(label.name.split()), expires_on=label.expires_on)
        for label in labels
    ]


def replace_labels(session: Session, supplier: Supplier, labels: Sequence[LabelValues]) -> None:
    # The old rows go before the new ones come, or a label kept under the same name would
    # collide with itself on the (supplier, name) unique key.
    supplier.labels.clear()
    session.flush()
    supplier.labels.extend(label_rows(labels))
