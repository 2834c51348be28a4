"""The forms of suppliers' invoices: files to receive, and an invoice typed in from its PDF."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import FieldList, Form, FormField, SelectChoice, SelectField, StringField

from money.supplier_entry import SupplierInvoiceLineValues, SupplierInvoiceValues
from purchasing.errors import N_, Invalid, Message

LINE_ROWS = 8
KINDS = [SelectChoice("invoice", _l("Invoice")), SelectChoice("credit_note", _l("Credit note"))]
LINE_KINDS = [
    SelectChoice("goods", _l("Goods")),
    SelectChoice("charge", _l("Charge")),
    SelectChoice("allowance", _l("Allowance")),
]


class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Invoice files (Factur-X PDF, CII or UBL XML)"))


class LineRow(Form):
    kind = SelectField(_l("Kind"), choices=LINE_KINDS, default="goods")
    seller_ref = StringField(_l("Supplier reference"))
    description = StringField(_l("Description"))
    quantity = StringField(_l("Quantity"))
    unit_price = StringField(_l("Unit price excl. VAT"))
    vat_rate = StringField(_l("VAT rate"))

    def is_blank(self) -> bool:
        return not any(
            (field.data or "").strip()
            for field in (self.seller_ref, self.description, self.quantity, self.unit_price)
        )


class EntryForm(FlaskForm):
    supplier_id = SelectField(_l("Supplier"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Kind"), choices=KINDS, default="invoice")
    number = StringField(_l("Supplier's invoice number"))
    issue_date = StringField(_l("Invoice date"))
    due_date = StringField(_l("Due date"))
    order_references = StringField(_l("Purchase orders (BC-…)"))
    corrected_number = StringField(_l("Invoice corrected (credit note)"))
    lines = FieldList(FormField(LineRow), min_entries=LINE_ROWS)
    total_without_tax = StringField(_l("Total excl. VAT"))
    tax_total = StringField(_l("VAT"))
    grand_total = StringField(_l("Total incl. VAT"))


def _decimal(errors: dict[str, Message], name: str, text: str | None) -> Decimal:
    cleaned = (text or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    try:
        value = Decimal(cleaned.replace(",", "."))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[name] = Message(N_("Give a number, for example 48,69."))
        return Decimal(0)
    return value


def _date(errors: dict[str, Message], name: str, text: str | None) -> date | None:
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    try:
        if "/" in cleaned:
            day, month, year = cleaned.split("/")
            return date(int(year), int(month), int(day))
        return date.fromisoformat(cleaned)
    except ValueError:
        errors[name] = Message(N_("Give the date as DD/MM/YYYY."))
        return None


def filled_rows(form: EntryForm) -> list[int]:
    """The form rows that hold a line, in order: the n-th line given is row `rows[n]`."""
    return [index for index, row in enumerate(form.lines) if not row.form.is_blank()]


def entry_values(form: EntryForm) -> SupplierInvoiceValues:
    """What the lead typed, as the use case takes it, its lines those of `filled_rows`;
    `Invalid` names what is not a number or a date."""
    errors: dict[str, Message] = {}
    rows = filled_rows(form)
    lines = []
    for position, index in enumerate(rows):
        row = form.lines[index].form
        name = f"lines.{position}"
        rate = _decimal(errors, f"{name}.vat_rate", row.vat_rate.data or "0")
        lines.append(
            SupplierInvoiceLineValues(
                kind=row.kind.data or "goods",
                seller_ref=(row.seller_ref.data or "").strip(),
                description=row.description.data or "",
                quantity=_decimal(errors, f"{name}.quantity", row.quantity.data),
                unit_price=_decimal(errors, f"{name}.unit_price", row.unit_price.data),
                vat_rate=rate / 100,
            )
        )
    issue_date = _date(errors, "issue_date", form.issue_date.data)
    if issue_date is None and "issue_date" not in errors:
        errors["issue_date"] = Message(N_("Give the invoice date."))
    values = SupplierInvoiceValues(
        supplier_id=form.supplier_id.data or 0,
        number=form.number.data or "",
        kind=form.kind.data or "invoice",
        issue_date=issue_date or date.min,
        due_date=_date(errors, "due_date", form.due_date.data),
        order_references=tuple((form.order_references.data or "").replace(",", " ").split()),
        corrected_number=(form.corrected_number.data or "").strip(),
        lines=tuple(lines),
        total_without_tax=_decimal(errors, "total_without_tax", form.total_without_tax.data),
        tax_total=_decimal(errors, "tax_total", form.tax_total.data),
        grand_total=_decimal(errors, "grand_total", form.grand_total.data),
        file=b"",
        file_name="",
    )
    if errors:
        raise Invalid(errors)
    return values
