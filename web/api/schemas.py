"""What every part of the API shares: money and quantities as decimal strings, pages of a
list, and the one shape of an error."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields, missing, validate

from persistence.ids import MAX_ID
from purchasing.errors import N_
from web.i18n import job_failure

MAX_PER_PAGE = 100
DECIMAL = r"^-?[0-9]{1,12}(\.[0-9]{1,4})?$"
POSITIVE_DECIMAL = r"^[0-9]{1,12}(\.[0-9]{1,4})?$"
_SIGNED = re.compile(DECIMAL)


class DecimalString(fields.Field):  # type: ignore[type-arg]
    """A decimal number written as a string with a decimal point (`"12.50"`), never a float:
    money and quantities keep every cent. Unless `signed`, a number below zero is refused for
    what it is, or left to the use case's rule when `rules_check_sign`."""

    def __init__(
        self,
        *,
        places: int | None = None,
        signed: bool = False,
        rules_check_sign: bool = False,
        **kwargs: Any,
    ):
        self.places = places
        self.signed = signed
        self.rules_check_sign = rules_check_sign
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("pattern", DECIMAL if signed else POSITIVE_DECIMAL)
        metadata.setdefault("examples", ["12.50"])
        super().__init__(metadata=metadata, **kwargs)
        self.pattern = re.compile(metadata["pattern"])

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        number = Decimal(value)
        if self.places is not None:
            number = number.quantize(Decimal(1).scaleb(-self.places))
        return f"{number:f}"

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if not self.signed and isinstance(value, str) and _SIGNED.fullmatch(value):
            # Well written but below zero: say what the number must be, not how to write it.
            # Where the use case has its own rule for the number (a need's quantity is more
            # than zero), that rule answers, as it does on the page.
            if self.rules_check_sign:
                return Decimal(value)
            if Decimal(value) < 0:
                raise ValidationError(N_("Must be zero or more."))
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            raise ValidationError(
                N_('Write the number as a string with a decimal point, for example "12.50".')
            )
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern excludes it
            raise ValidationError(N_("Not a valid number.")) from None


class Derived(fields.Nested):
    """A nested object worked out from the object dumped (`derive(obj)`), documented by its
    schema: an order's totals, the links to its documents."""

    def __init__(self, nested: type[Schema], derive: Callable[[Any], Any], **kwargs: Any):
        super().__init__(nested, **kwargs)
        self.derive = derive

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return self.derive(obj)


def Id(*, strict: bool = True, **kwargs: Any) -> fields.Integer:
    """An object's id: a whole number the database can hold. In a JSON body it is a number;
    in a query string (`strict=False`) its digits."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class PageArgs(Schema):
    """Which page of a list to read."""

    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=100_000), metadata={"example": 1}
    )
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"At most {MAX_PER_PAGE}."},
    )


class PageSchema(Schema):
    """A page of a list: its items and where it stands in the whole list."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Items in the whole list."})
    pages = fields.Integer(required=True)


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The schema of a page of `item`s."""
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item), required=True)})


class ErrorBody(Schema):
    code = fields.String(
        required=True,
        metadata={
            "description": "malformed, unauthorized, forbidden, not_found, method_not_allowed, "
            "conflict, too_large, invalid, refused or internal"
        },
    )
    message = fields.String(required=True, metadata={"description": "In the reader's language."})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "What is wrong with each field (`tiers.0.unit_price`)."},
    )


class ErrorSchema(Schema):
    """Every error the API answers."""

    error = fields.Nested(ErrorBody, required=True)


class JobSchema(Schema):
    """Long work done by the scheduler: poll it until it is done or failed."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    progress = fields.Integer(required=True)
    step = fields.String(required=True)
    error = fields.Function(
        job_failure,
        required=True,
        metadata={"type": "string", "description": "Why it failed, when it did."},
    )
    result = fields.Function(
        lambda job: job.result if job.status == "done" else {},
        required=True,
        metadata={
            "type": "object",
            "description": "What it did, once done (empty before): issuing invoices gives "
            "`issued`, the numbers of the invoices issued.",
        },
    )
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True)
