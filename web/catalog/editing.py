"""What the lead's catalog forms share: the page again after a refusal, room for one more row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import flash, render_template
from flask_babel import gettext as _

from suppliers.eco import load_eco_config


def form_page(template: str, form: Any, **context: Any) -> tuple[str, int]:
    """The form again: after a post, something was refused (a saved form redirects)."""
    refused = form.is_submitted()
    if refused:
        flash(_("Nothing was saved: please correct the fields marked below."), "error")
    labels = [rule.name for rule in load_eco_config().labels]
    page = render_template(template, form=form, label_names=labels, **context)
    return page, 422 if refused else 200


def pad(rows: Any, filled: int) -> None:
    """At least one empty row after those filled in, so that one more can be typed."""
    while len(rows) < filled + 1:
        rows.append_entry()


def given(number: Decimal | None) -> Decimal:
    """A required number, which the form's validation has made sure of."""
    assert number is not None
    return number
