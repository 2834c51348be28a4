from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from web.catalog.forms import CoordinateField


class MemberForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[InputRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), validators=[InputRequired(), Length(max=20)])
    activity = StringField(_l("Activity"), validators=[Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[Length(max=10)])
    town = StringField(_l("Town"), validators=[InputRequired(), Length(max=120)])
    latitude = CoordinateField(_l("Latitude"), validators=[InputRequired()])
    longitude = CoordinateField(_l("Longitude"), validators=[InputRequired()])


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    role = SelectField(_l("Role"))
    member_id = SelectField(_l("Member company"), validators=[Optional()])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Active"), default=True)


class SiteForm(FlaskForm):
    """A member's delivery site; `purchasing.people.sites.read_site` checks it."""

    name = StringField(_l("Site name"))
    address = StringField(_l("Address"))
    postcode = StringField(_l("Postcode"))
    town = StringField(_l("Town"))
    latitude = CoordinateField(_l("Latitude"))
    longitude = CoordinateField(_l("Longitude"))

    def values(self) -> dict[str, object]:
        return {
            name: self[name].data
            for name in ("name", "address", "postcode", "town", "latitude", "longitude")
        }


class CooperativeForm(FlaskForm):
    """The cooperative's record; `purchasing.people.cooperative.read_cooperative` checks it."""

    name = StringField(_l("Legal name"))
    legal_form = StringField(_l("Legal form"))
    siren = StringField(_l("SIREN"))
    siret = StringField(_l("SIRET"))
    vat_number = StringField(_l("Intra-community VAT number"))
    address = StringField(_l("Address"))
    postcode = StringField(_l("Postcode"))
    town = StringField(_l("Town"))
    country = StringField(_l("Country"))
    contact_name = StringField(_l("Contact name"))
    email = EmailField(_l("E-mail"))
    phone = StringField(_l("Phone"))
    iban = StringField(_l("IBAN"))
    bic = StringField(_l("BIC"))
    sepa_creditor_id = StringField(_l("SEPA creditor identifier"))
    payment_terms_days = StringField(_l("Payment terms (days)"))
    late_penalty_rate = StringField(_l("Late-penalty rate (% a year)"))
    logo = FileField(_l("Logo (PNG or JPEG)"))
    remove_logo = BooleanField(_l("Remove the logo"))

    TEXT = (
        "name",
        "legal_form",
        "siren",
        "siret",
        "vat_number",
        "address",
        "postcode",
        "town",
        "country",
        "contact_name",
        "email",
        "phone",
        "iban",
        "bic",
        "sepa_creditor_id",
        "payment_terms_days",
        "late_penalty_rate",
    )

    def values(self, logo: bytes | None) -> dict[str, object]:
        raw: dict[str, object] = {name: self[name].data for name in self.TEXT}
        return raw | {"logo": logo, "remove_logo": bool(self.remove_logo.data)}
