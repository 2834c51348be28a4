"""The lead's catalog forms: a supplier with its labels, an offer with its price tiers.

The fields only read what people type (decimal commas, French dates); the rules are the
catalog service's (see suppliers.directory and suppliers.offers).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField
from wtforms.validators import InputRequired

from purchasing.parsing import parse_date, parse_decimal

LABEL_ROWS = 4
TIER_ROWS = 4


class NumberField(StringField):
    """A number as people write it (`12,50`, `1 200`, `4.2`); empty gives None."""

    message = _l("Enter a number, for example 12 or 2,5.")

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if text:
            number = parse_decimal(text)
            if number is None or not self._acceptable(number):
                raise ValueError(str(self.message))
            self.data = number

    def _acceptable(self, number: Decimal) -> bool:
        return True

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        written = f"{Decimal(self.data).normalize():f}"
        return written.replace(".", ",") if str(get_locale()) == "fr" else written


class CoordinateField(NumberField):
    """Decimal degrees, shown to five decimals (about a metre): what the reader typed, not
    the float the database keeps."""

    def _value(self) -> str:
        if self.raw_data or self.data is None:
            return super()._value()
        rounded = Decimal(str(round(float(self.data), 5))).normalize()
        written = f"{rounded:f}"
        return written.replace(".", ",") if str(get_locale()) == "fr" else written


class WholeNumberField(NumberField):
    """A whole number (days, a percentage)."""

    message = _l("Enter a whole number, for example 3.")

    def _acceptable(self, number: Decimal) -> bool:
        return number == number.to_integral_value()


class DateField(StringField):
    """A date as `2027-01-15` (the browser's date picker) or `15/01/2027`; empty gives None."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if text:
            self.data = parse_date(text)
            if self.data is None:
                raise ValueError(str(_l("Enter the date as DD/MM/YYYY.")))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if self.data else ""


class LabelRow(Form):
    name = StringField(_l("Label or certification"))
    expires_on = DateField(_l("Valid until"))

    def is_blank(self) -> bool:
        return not any(_typed(field) for field in (self.name, self.expires_on))


class TierRow(Form):
    min_quantity = NumberField(_l("From (units)"))
    unit_price = NumberField(_l("Unit price excl. VAT"))

    def is_blank(self) -> bool:
        return not any(_typed(field) for field in (self.min_quantity, self.unit_price))


def _typed(field: StringField) -> bool:
    """Something was typed in the field (even if it could not be read)."""
    if field.raw_data:
        return bool(str(field.raw_data[0]).strip())
    return field.data not in (None, "")


REQUIRED_NUMBER = _l("Give a number, for example 48,69.")


class SupplierForm(FlaskForm):
    name = StringField(_l("Company name"))
    siret = StringField(_l("SIRET"))
    siren = StringField(_l("SIREN"))
    vat_number = StringField(_l("Intra-community VAT number"))
    address = StringField(_l("Address"))
    postcode = StringField(_l("Postcode"))
    town = StringField(_l("Town"))
    latitude = CoordinateField(_l("Latitude"), validators=[InputRequired(REQUIRED_NUMBER)])
    longitude = CoordinateField(_l("Longitude"), validators=[InputRequired(REQUIRED_NUMBER)])
    social_economy = SelectField(_l("Social-economy status"), validate_choice=False)
    contact_name = StringField(_l("Contact name"))
    contact_email = StringField(_l("Contact e-mail"))
    phone = StringField(_l("Phone"))
    delivery_fee = NumberField(_l("Delivery fee per order, excl. VAT"), default=Decimal(0))
    fee_waived_above = NumberField(_l("Free delivery from (order excl. VAT)"))
    active = BooleanField(_l("Active"), default=True)
    labels = FieldList(FormField(LabelRow), min_entries=LABEL_ROWS)
    allow_duplicate = BooleanField(_l("It is another company: save it anyway"))


class OfferForm(FlaskForm):
    supplier_id = SelectField(_l("Supplier"), coerce=int, validate_choice=False)
    product_id = SelectField(_l("Catalog product"), coerce=int, validate_choice=False)
    supplier_ref = StringField(_l("Supplier reference"))
    description = StringField(_l("Description"))
    pack_size = NumberField(
        _l("Pack size (units)"),
        default=Decimal(1),
        validators=[InputRequired(_l("Give the pack size; 1 if sold by the unit."))],
    )
    min_order_quantity = NumberField(_l("Minimum order (units)"), default=Decimal(0))
    capacity = NumberField(_l("Capacity per round (units)"))
    lead_time_days = WholeNumberField(
        _l("Lead time (days)"),
        default=Decimal(3),
        validators=[InputRequired(_l("Give the lead time in days."))],
    )
    label = StringField(_l("Product labels"))
    recycled_content = WholeNumberField(_l("Recycled content (%)"), default=Decimal(0))
    vat_rate = SelectField(_l("VAT"), validate_choice=False)
    valid_from = DateField(_l("Valid from"))
    valid_until = DateField(_l("Valid until"))
    tiers = FieldList(FormField(TierRow), min_entries=TIER_ROWS)


class ProductForm(FlaskForm):
    """A catalog product; `suppliers.products.read_product` checks it."""

    name = StringField(_l("Name"))
    category_id = SelectField(_l("Category"), validate_choice=False)
    unit = SelectField(_l("Unit"), validate_choice=False)
    shipping_step = StringField(_l("Shipping step"), default="1")
    description = StringField(_l("Description (optional)"))

    def values(self) -> dict[str, str]:
        return {
            name: (self[name].data or "")
            for name in ("name", "category_id", "unit", "shipping_step", "description")
        }


class MergeForm(FlaskForm):
    """The product to merge into the one shown."""

    merged_id = SelectField(_l("Product to merge into this one"), validate_choice=False)
