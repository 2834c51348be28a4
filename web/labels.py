"""Names shown for the codes stored in the database (units, need statuses, roles), shared by
every feature's pages and given to every template."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from money.batch_result import Explanation

UNIT_LABELS = {
    "unit": _l("unit"),
    "ream": _l("ream"),
    "box": _l("box"),
    "pack": _l("pack"),
    "roll": _l("roll"),
    "kg": _l("kg"),
    "l": _l("litre"),
    "m": _l("metre"),
}
UNIT_PLURALS = {
    "unit": _l("units"),
    "ream": _l("reams"),
    "box": _l("boxes"),
    "pack": _l("packs"),
    "roll": _l("rolls"),
    "kg": _l("kg"),
    "l": _l("litres"),
    "m": _l("metres"),
}
STATUS_LABELS = {
    "draft": _l("draft"),
    "submitted": _l("submitted"),
    "pooled": _l("pooled"),
    "allocated": _l("allocated"),
    "ordered": _l("ordered"),
    "received": _l("received"),
    "cancelled": _l("cancelled"),
    "unfulfilled": _l("unfulfilled"),
}
ROLE_LABELS = {"member": _l("member"), "lead": _l("purchasing lead"), "admin": _l("admin")}
BANK_DETAILS_STATES = {
    "proposed": _l("waiting for confirmation"),
    "active": _l("in use"),
    "superseded": _l("replaced"),
    "withdrawn": _l("withdrawn"),
}


def _plural(quantity: Decimal | int) -> bool:
    # French puts 2 and more in the plural ("1,5 kg", "0 ramette"), English everything but 1.
    if str(get_locale()).startswith("fr"):
        return quantity >= 2
    return quantity != 1


def unit_name(unit: str, quantity: Decimal | int | None = None) -> str:
    """The unit's name, in the plural when the quantity asks for it ("12 000 unités", "1,5 kg",
    "1 ramette")."""
    plural = quantity is not None and _plural(quantity)
    names = UNIT_PLURALS if plural else UNIT_LABELS
    return str(names.get(unit, unit))


def plural_count(quantity: Decimal | int) -> int:
    """The number to give `ngettext` for a quantity that may have decimals ("1,5 manquant",
    "4 manquants"): gettext's plural rules take whole numbers only."""
    return 2 if _plural(quantity) else 1


def of(name: str) -> str:
    """ "of" and a name as the reader's language writes it: "d’Atelier Vélo Solidaire", "de
    Boulangerie du Port" (French elides before a vowel or a mute h), "of Atelier Vélo Solidaire"."""
    if not str(get_locale()).startswith("fr"):
        return f"of {name}"
    first = name[:1].lower()
    return f"d’{name}" if first and first in "aâàeéèêëiîïoôuûùyh" else f"de {name}"


# The lines explaining a batch's result, by category (`money.batch_result`).
RESULT_LABELS = {
    "fee": _l("the cooperative's fee"),
    "accepted_exception": _l("accepted exception, invoice %(about)s"),
    "credit_note_pending": _l("credit note expected, invoice %(about)s"),
    "credit_note_requested": _l("credit note requested, invoice %(about)s"),
    "invoice_not_received": _l("supplier invoice not yet received, order %(about)s"),
    "member_credit_not_recovered": _l(
        "member credit note %(about)s not yet recovered from the supplier"
    ),
    "rounding": _l("rounding"),
    "unexplained": _l("not explained"),
}


def explained(line: Explanation) -> str:
    """A line explaining a batch's result, in words: its category and what it is about."""
    key = "credit_note_requested" if line.requested else line.category
    label = RESULT_LABELS.get(key, RESULT_LABELS["unexplained"])
    return str(label) % {"about": line.about}


def _labels() -> dict[str, Any]:
    return {
        "unit_labels": UNIT_LABELS,
        "status_labels": STATUS_LABELS,
        "role_labels": ROLE_LABELS,
        "bank_states": BANK_DETAILS_STATES,
        "unit_name": unit_name,
        "plural_count": plural_count,
        "of": of,
        "explained": explained,
    }


def init_app(app: Flask) -> None:
    app.context_processor(_labels)
