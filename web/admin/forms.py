from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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
