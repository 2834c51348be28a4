"""Names shown for the codes stored in the database (units, need statuses, roles), shared by
every feature's pages and given to every template."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

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


def _labels() -> dict[str, Any]:
    return {"unit_labels": UNIT_LABELS, "status_labels": STATUS_LABELS}


def init_app(app: Flask) -> None:
    app.context_processor(_labels)
