from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length


class PaymentForm(FlaskForm):
    """A payment received; `money.payments.read_payment` checks it."""

    member_id = SelectField(_l("Member company"))
    amount = StringField(_l("Amount (€)"))
    received_on = StringField(_l("Received on"))
    method = SelectField(_l("Method"))
    reference = StringField(_l("Reference"), validators=[Length(max=140)])
    invoices = StringField(_l("Invoices settled"))

    def values(self) -> dict[str, object]:
        return {
            name: self[name].data
            for name in ("member_id", "amount", "received_on", "method", "reference", "invoices")
        }
