"""The supplier's quote page, reached from its invitation e-mail without an account: the lines of
the tender, a section per line (prices by tier, pack, minimum, lead time, eco evidence), the
delivery terms of the whole quote; or a refusal to quote with its reason.

A link whose signature does not match, or that belongs to no invitation, is refused (403); a
genuine link to a tender that has closed is gone (410). The supplier sees its own quote only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from purchasing.errors import Invalid
from purchasing.tenders.links import invitation_for_token, paris_time
from purchasing.tenders.models import DOCUMENT_MAX_BYTES, TenderInvitation
from purchasing.tenders.quotes import quote_request, submit_quote
from purchasing.tenders.values import (
    CompanyValues,
    LinkRefused,
    QuoteLineValues,
    QuoteValues,
    TierValues,
)
from web import db
from web.i18n import translate
from web.tenders import blueprint
from web.tenders.forms import DeclineForm, QuoteForm, QuoteLineForm, TierRow

COMPANY_FIELDS = ("town", "postcode", "address")


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _refused(token: str, error: LinkRefused) -> ResponseReturnValue:
    """403 for a link that is not one of ours; 410 for a genuine link whose tender closed."""
    try:
        invitation_for_token(db.session(), token, _secret(), quoting=False)
    except LinkRefused:
        status = 403
    else:
        status = 410
    db.discard_changes()
    return render_template(
        "tenders/quote_refused.html", message=translate(error.message), status=status
    ), status


@blueprint.route("/tenders/quote/<token>", methods=["GET", "POST"])
def quote(token: str) -> ResponseReturnValue:
    session = db.session()
    try:
        invitation = quote_request(session, token, secret=_secret())
    except LinkRefused as error:
        return _refused(token, error)
    lines = invitation.tender.lines
    form = QuoteForm()
    decline = DeclineForm()
    while len(form.lines) < len(lines):
        form.lines.append_entry()
    if not form.is_submitted():
        _fill(form, decline, invitation)
    problems: list[str] = []
    if request.method == "POST":
        declining = request.form.get("answer") == "decline"
        try:
            if declining:
                values = QuoteValues(
                    declined=True, decline_reason=decline.decline_reason.data or ""
                )
                rows: list[int] = []
                tiers: dict[int, list[int]] = {}
            elif not (form.validate() and _tiers_complete(form)):
                values = None
            else:
                rows = [i for i, row in enumerate(form.lines) if not _line_blank(row.form)]
                tiers = {i: _tier_rows(form.lines[i].form) for i in rows}
                values = _quote_values(form, invitation, rows, tiers)
            if values is not None:
                submit_quote(session, token, values, secret=_secret())
                return render_template(
                    "tenders/quote_done.html",
                    invitation=invitation,
                    declined=declining,
                    closes=paris_time(invitation.tender.closes_at),
                )
        except LinkRefused as error:
            return _refused(token, error)
        except Invalid as error:
            problems = _errors_on_quote(form, decline, error, rows, tiers)
        status = 422
    else:
        status = 200
    return render_template(
        "tenders/quote.html",
        invitation=invitation,
        tender=invitation.tender,
        form=form,
        decline=decline,
        problems=problems,
        refused=status == 422,
        closes=paris_time(invitation.tender.closes_at),
        document_max_mb=DOCUMENT_MAX_BYTES // (1024 * 1024),
    ), status


def _fill(form: QuoteForm, decline: DeclineForm, invitation: TenderInvitation) -> None:
    """The supplier's quote so far, to change it."""
    quote = invitation.quote
    if quote is None:
        return
    if quote.declined:
        decline.decline_reason.data = quote.decline_reason
        return
    form.delivery_fee.data = quote.delivery_fee
    form.fee_waived_above.data = quote.fee_waived_above
    form.valid_until.data = quote.valid_until
    supplier = invitation.supplier
    if supplier is not None:
        form.town.data, form.postcode.data = supplier.town, supplier.postcode
        form.address.data = supplier.address
    by_line = {line.tender_line_id: line for line in quote.lines}
    for index, tender_line in enumerate(invitation.tender.lines):
        quoted = by_line.get(tender_line.id)
        if quoted is None:
            continue
        row: QuoteLineForm = form.lines[index].form
        for name in ("pack_size", "min_order_quantity", "label", "label_expires_on"):
            row[name].data = getattr(quoted, name)
        row.lead_time_days.data = Decimal(quoted.lead_time_days)
        row.recycled_content.data = Decimal(quoted.recycled_content)
        while len(row.tiers) < len(quoted.tiers):
            row.tiers.append_entry()
        for tier_row, tier in zip(row.tiers, quoted.tiers, strict=False):
            tier_row.form.min_quantity.data = tier.min_quantity
            tier_row.form.unit_price.data = tier.unit_price


def _line_blank(row: QuoteLineForm) -> bool:
    """A line with no price typed is not quoted."""
    return not any(typed_price(tier.form) for tier in row.tiers)


def typed_price(tier: TierRow) -> bool:
    return bool(tier.unit_price.raw_data and str(tier.unit_price.raw_data[0]).strip())


def _tier_rows(row: QuoteLineForm) -> list[int]:
    return [i for i, tier in enumerate(row.tiers) if not tier.form.is_blank()]


def _tiers_complete(form: QuoteForm) -> bool:
    """A price tier needs its price; its quantity may be left out on the first row only (from
    the first unit)."""
    complete = True
    for row in form.lines:
        for index, tier_row in enumerate(row.form.tiers):
            tier = tier_row.form
            if tier.is_blank() or tier.min_quantity.errors or tier.unit_price.errors:
                continue
            if tier.unit_price.data is None or (index > 0 and tier.min_quantity.data is None):
                missing = tier.unit_price if tier.unit_price.data is None else tier.min_quantity
                missing.errors = [*missing.errors, _("Give both the quantity and its unit price.")]
                complete = False
    return complete


def _quote_values(
    form: QuoteForm, invitation: TenderInvitation, rows: list[int], tiers: dict[int, list[int]]
) -> QuoteValues:
    lines = invitation.tender.lines
    company = None
    if invitation.new_supplier:
        company = CompanyValues(
            town=form.town.data or "",
            postcode=form.postcode.data or "",
            address=form.address.data or "",
        )
    # A document sent before is kept when the quote is sent again without one.
    kept = {
        line.tender_line_id: (line.document_name, line.document)
        for line in (invitation.quote.lines if invitation.quote else [])
        if line.document
    }
    return QuoteValues(
        lines=[
            _line_values(form.lines[i].form, lines[i].id, tiers[i], i, kept.get(lines[i].id))
            for i in rows
        ],
        delivery_fee=_or(form.delivery_fee.data, Decimal(0)),
        fee_waived_above=form.fee_waived_above.data,
        valid_until=form.valid_until.data,
        company=company,
    )


def _line_values(
    row: QuoteLineForm,
    line_id: int,
    tiers: list[int],
    index: int,
    kept: tuple[str, bytes | None] | None,
) -> QuoteLineValues:
    upload = request.files.get(f"lines-{index}-document")
    name, document = kept or ("", None)
    if upload is not None and upload.filename:
        # One byte more than allowed is enough to refuse it, without reading a huge file.
        document, name = upload.stream.read(DOCUMENT_MAX_BYTES + 1), upload.filename
    return QuoteLineValues(
        tender_line_id=line_id,
        tiers=[
            TierValues(
                _or(row.tiers[t].form.min_quantity.data, Decimal(1)),
                _or(row.tiers[t].form.unit_price.data, Decimal(0)),
            )
            for t in tiers
        ],
        pack_size=_or(row.pack_size.data, Decimal(1)),
        min_order_quantity=_or(row.min_order_quantity.data, Decimal(0)),
        lead_time_days=int(_or(row.lead_time_days.data, Decimal(-1))),
        label=row.label.data or "",
        label_expires_on=row.label_expires_on.data,
        recycled_content=int(_or(row.recycled_content.data, Decimal(0))),
        document_name=name,
        document=document,
    )


def _or(number: Decimal | None, default: Decimal) -> Decimal:
    return number if number is not None else default


def _errors_on_quote(
    form: QuoteForm,
    decline: DeclineForm,
    error: Invalid,
    rows: list[int],
    tiers: dict[int, list[int]],
) -> list[str]:
    """Puts each message next to its field: `lines.N.…` names the N-th line given, which is
    the form's row `rows[N]`, and `lines.N.tiers.M.…` its M-th tier given. Returns the
    messages about the quote as a whole."""
    whole: list[str] = []
    for key, message in error.errors.items():
        text = translate(message)
        parts = key.split(".")
        field: Any = None
        if parts[0] == "lines" and len(parts) >= 3 and parts[1].isdigit():
            row = rows[int(parts[1])]
            line: QuoteLineForm = form.lines[row].form
            if parts[2] == "tiers" and len(parts) == 5 and parts[3].isdigit():
                tier = line.tiers[tiers[row][int(parts[3])]].form
                field = getattr(tier, parts[4], None)
            elif parts[2] == "tiers":
                field = line.tiers[0].form.unit_price
            elif parts[2] in line:
                field = line[parts[2]]
        elif parts[0] == "company" and len(parts) == 2 and parts[1] in COMPANY_FIELDS:
            field = form[parts[1]]
        elif key == "decline_reason":
            field = decline.decline_reason
        elif key in form and key != "lines":
            field = form[key]
        if field is None:
            whole.append(text)
        else:
            field.errors = [*field.errors, text]
    return whole
