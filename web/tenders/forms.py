"""The tenders' forms: the lead's request for quotes, and the supplier's quote or refusal.

The fields only read what people type (decimal commas, French dates and times); the rules are
the tenders' use cases' (see `purchasing.tenders`), which name each wrong field.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from web.catalog.forms import DateField, NumberField, WholeNumberField

TIER_ROWS = 3
NEW_SUPPLIER_ROWS = 3


class Checkboxes(SelectMultipleField):
    """Several choices, each a checkbox; the use case checks the values."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: object) -> None:
        """Any value is read: the use case says which is not allowed."""


class NewSupplierRow(Form):
    name = StringField(_l("Company name"))
    email = StringField(_l("E-mail"))
    siret = StringField(_l("SIRET"))

    def is_blank(self) -> bool:
        return not any(typed(field) for field in (self.name, self.email, self.siret))


class TenderForm(FlaskForm):
    """What the lead asks: the lines, the closing time in Paris, the wanted date, the evidence
    wanted, the rules, and the suppliers (catalog ones ticked, new ones typed)."""

    product_ids = Checkboxes(_l("Lines put out to tender"))
    closes_at = StringField(_l("Quotes taken until (Paris time)"))
    wanted_date = DateField(
        _l("Delivery wanted by"),
        validators=[InputRequired(_l("Give the date the goods are wanted by."))],
    )
    evidence_wanted = Checkboxes(_l("Eco evidence wanted"))
    rules = RadioField(_l("Quotes"), default="per_line", validate_choice=False)
    supplier_ids = Checkboxes(_l("Catalog suppliers invited"))
    invitations = FieldList(FormField(NewSupplierRow), min_entries=NEW_SUPPLIER_ROWS)
    note = TextAreaField(_l("Note to the suppliers (optional)"))


class TierRow(Form):
    min_quantity = NumberField(_l("From (units)"))
    unit_price = NumberField(_l("Unit price excl. VAT"))

    def is_blank(self) -> bool:
        return not any(typed(field) for field in (self.min_quantity, self.unit_price))


class QuoteLineForm(Form):
    """A supplier's terms for one line of the tender, with its eco evidence."""

    tiers = FieldList(FormField(TierRow), min_entries=TIER_ROWS)
    pack_size = NumberField(_l("Pack size (units)"), default=Decimal(1))
    min_order_quantity = NumberField(_l("Minimum order (units)"), default=Decimal(0))
    lead_time_days = WholeNumberField(_l("Lead time (days)"), default=Decimal(3))
    label = StringField(_l("Label or certification"))
    label_expires_on = DateField(_l("Label valid until"))
    recycled_content = WholeNumberField(_l("Recycled content (%)"), default=Decimal(0))
    document = FileField(_l("Evidence document (PDF, PNG or JPEG)"))

    def is_blank(self) -> bool:
        """No price typed: the line is not quoted."""
        return all(row.form.is_blank() for row in self.tiers)


class QuoteForm(FlaskForm):
    """A quote: a section per line, and the delivery terms and validity of the whole quote;
    a new supplier also says where it is."""

    lines = FieldList(FormField(QuoteLineForm))
    delivery_fee = NumberField(_l("Delivery fee per order, excl. VAT"), default=Decimal(0))
    fee_waived_above = NumberField(_l("Free delivery from (order excl. VAT)"))
    valid_until = DateField(_l("Quote valid until"))
    address = StringField(_l("Address"))
    postcode = StringField(_l("Postcode"))
    town = StringField(_l("Town"))


class DeclineForm(FlaskForm):
    decline_reason = TextAreaField(_l("Why you do not quote"))


class CheckSupplierForm(FlaskForm):
    """Where a supplier that came by a tender is, when the lead knows it better than the
    supplier said (optional)."""

    latitude = NumberField(_l("Latitude"))
    longitude = NumberField(_l("Longitude"))


def typed(field: StringField) -> bool:
    """Something was typed in the field (even if it could not be read)."""
    if field.raw_data:
        return bool(str(field.raw_data[0]).strip())
    return field.data not in (None, "")
