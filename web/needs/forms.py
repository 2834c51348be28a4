from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField


class NeedForm(FlaskForm):
    """What a member types; the purchasing service checks every value (see
    `purchasing.needs.needs`)."""

    product_id = HiddenField()
    free_text = StringField(_l("Product"))
    quantity = StringField(_l("Quantity"))
    unit = SelectField(_l("Unit"), validate_choice=False)
    tolerance_percent = StringField(_l("Tolerance (%)"), default="0")
    needed_by = StringField(_l("Needed by"))
    delivery_site_id = SelectField(_l("Delivery site"), validate_choice=False)
    price_ceiling = StringField(_l("Price ceiling per unit, excl. VAT (optional)"))
    comment = TextAreaField(_l("Comment"))
    standing = BooleanField(_l("Repeat this need every round until I cancel it"))

    def values(self) -> dict[str, str]:
        return {"standing": "1" if self.standing.data else ""} | {
            name: (self[name].data or "")
            for name in (
                "product_id",
                "free_text",
                "quantity",
                "unit",
                "tolerance_percent",
                "needed_by",
                "delivery_site_id",
                "price_ceiling",
                "comment",
            )
        }
