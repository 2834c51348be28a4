"""A credit note as the lead types it: units to give back per line of the invoice, and why."""

from __future__ import annotations

from collections.abc import Mapping

from money.credit_notes import CorrectionValues
from purchasing.errors import N_, Invalid, Message
from purchasing.parsing import parse_decimal


def read_correction(raw: Mapping[str, object]) -> CorrectionValues:
    """Reads `units.<line position>` (empty: nothing given back on that line) and `reason`;
    `Invalid` names each field that is not a number. `issue_credit_note` checks the rest."""
    errors: dict[str, Message] = {}
    units = {}
    for key, value in raw.items():
        if not key.startswith("units."):
            continue
        position = key.removeprefix("units.")
        text = str(value or "").strip()
        if not text or not position.isdigit():
            continue
        number = parse_decimal(text)
        if number is None:
            errors[key] = Message(N_("Give a number of units, such as 2 or 1,5."))
        elif number != 0:
            units[int(position)] = number
    if errors:
        raise Invalid(errors)
    return CorrectionValues(units=units, reason=str(raw.get("reason") or ""))
