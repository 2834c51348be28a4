"""The audit trail in words: each action recorded anywhere (`record_event`), the object it
touched and the details it kept, as a reader of the trail says them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_decimal, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.i18n import money
from web.labels import ROLE_LABELS, plural_count

ACTION_LABELS = {
    "user.login": _l("signed in"),
    "user.logout": _l("signed out"),
    "user.language": _l("changed the language of the interface"),
    "user.create": _l("created a user account"),
    "user.update": _l("changed a user account"),
    "api_token.create": _l("created an API token"),
    "api_token.revoke": _l("revoked an API token"),
    "member.create": _l("added a member company"),
    "member.update": _l("changed a member company"),
    "site.create": _l("added a delivery site"),
    "site.update": _l("changed a delivery site"),
    "site.open": _l("reopened a delivery site"),
    "site.close": _l("closed a delivery site"),
    "site.collection_point": _l("declared the collection point"),
    "site.collection_point_clear": _l("removed the collection point"),
    "need.submit": _l("submitted a need"),
    "need.update": _l("changed a need"),
    "need.cancel": _l("cancelled a need"),
    "need.match": _l("matched a need to a product"),
    "rounds.rhythm": _l("set the rhythm of the rounds"),
    "rounds.policy": _l("set the optimizer's policy"),
    "transport.settings": _l("set how transport CO2 is counted"),
    "round.cutoff": _l("moved the cut-off of a round"),
    "round.close_requested": _l("asked for a round to close"),
    "round.close": _l("closed a round"),
    "scenario.request": _l("asked for a scenario"),
    "batch.frontier": _l("asked for the cost-versus-ecology frontier"),
    "batch.approve": _l("approved a batch"),
    "batch.reject": _l("rejected a batch"),
    "batch.close": _l("closed a batch"),
    "tender.open": _l("opened a tender"),
    "tender.quote": _l("quoted for a tender"),
    "tender.decline": _l("declined to quote for a tender"),
    "tender.close": _l("closed a tender"),
    "tender.supplier_checked": _l("checked a supplier that came by a tender"),
    "tender.outcome": _l("told the suppliers not retained"),
    "tender.to_catalog": _l("added a quote to the catalog"),
    "order.create": _l("made a purchase order"),
    "order.send": _l("sent a purchase order"),
    "order.resend": _l("sent a purchase order again"),
    "order.sent": _l("purchase order e-mailed"),
    "order.sent_by_hand": _l("marked a purchase order sent"),
    "order.confirm": _l("confirmed a purchase order"),
    "order.change": _l("proposed a change to an order"),
    "order.change_accept": _l("accepted a supplier's change"),
    "order.change_refuse": _l("refused a supplier's change"),
    "order.received": _l("received a purchase order"),
    "order.close": _l("closed a purchase order"),
    "delivery.record": _l("recorded a delivery"),
    "category.vat_rate": _l("changed a VAT rate"),
    "supplier.create": _l("added a supplier"),
    "supplier.update": _l("changed a supplier"),
    "product.create": _l("added a product"),
    "product.update": _l("changed a product"),
    "product.merge": _l("merged two products"),
    "product.merge_needs": _l("moved needs to the product kept"),
    "product_match.confirmed": _l("confirmed a catalog match"),
    "product_match.changed": _l("matched a catalog line to another product"),
    "product_match.new_product": _l("made a new product from a catalog line"),
    "offer.create": _l("added an offer"),
    "offer.update": _l("changed an offer"),
    "offer.deactivate": _l("withdrew an offer"),
    "offer.reactivate": _l("offered an offer again"),
    "catalog.upload": _l("uploaded a price list"),
    "catalog.mapping": _l("chose the columns of a price list"),
    "catalog.import": _l("imported a price list"),
    "catalog.import_undo": _l("undid an import"),
    "demo.load": _l("loaded the demo cooperative"),
    "invoice.issue": _l("issued an invoice"),
    "invoice.issue_requested": _l("asked for a batch's invoices to be issued"),
    "invoice.dues_requested": _l("asked for the year's dues to be issued"),
    "credit_note.issue": _l("issued a credit note"),
    "invoice.export": _l("exported a batch's Factur-X files"),
    "payment.receive": _l("recorded a payment"),
    "payment.credit_used": _l("set a member's credit against an invoice"),
    "payment.reject": _l("recorded a payment rejected"),
    "billing.settings": _l("changed the billing settings"),
    "billing.dues": _l("set a member's dues"),
    "billing.dues_remove": _l("removed a member's dues"),
    "invoice.remind": _l("reminded a member of an overdue invoice"),
    "supplier_invoice.match": _l("matched a supplier invoice to its orders and deliveries"),
    "supplier_invoice.accept_line": _l("accepted a supplier invoice line in exception"),
    "supplier_invoice.link_order": _l("confirmed the order a supplier invoice bills"),
    "supplier_invoice.refuse": _l("refused a supplier invoice"),
    "supplier_invoice.request_credit_note": _l("asked a supplier for a credit note"),
    "supplier_match.tolerances": _l("set the tolerances of the supplier invoice match"),
    "mandate.add": _l("recorded a member's direct-debit mandate"),
    "mandate.revoke": _l("revoked a direct-debit mandate"),
    "direct_debit.run": _l("built a direct-debit collection"),
    "bank_statement.import": _l("imported a bank statement"),
    "bank_line.assign": _l("matched a bank line to a member"),
    "bank_line.ignore": _l("set a bank line aside"),
    "supplier_bank.propose": _l("proposed a supplier's bank details"),
    "supplier_bank.confirm": _l("confirmed a supplier's bank details"),
    "supplier_bank.withdraw": _l("withdrew a supplier's proposed bank details"),
    "supplier_transfer.run": _l("built a supplier transfer file"),
    "supplier_payment.from_bank": _l("recorded a supplier payment read on the bank statement"),
    "supplier_payment.return": _l("recorded a supplier transfer returned by the bank"),
    "books.fec": _l("wrote the FEC of a fiscal year"),
    "books.journal_csv": _l("exported the journal"),
    "books.receivables_csv": _l("exported the receivables"),
    "cooperative.update": _l("changed the cooperative's record"),
    "supplier_invoice.receive": _l("received a supplier's invoice"),
    "supplier_invoice.enter": _l("typed in a supplier's invoice"),
    "supplier_invoice.pdf": _l("kept a supplier's PDF invoice to type in"),
}

PROCESS_LABELS = {
    "scheduler": _l("the scheduler"),
    "supplier": _l("a supplier"),
    "command line": _l("the command line"),
    "demo loader": _l("the demo loader"),
}

OBJECT_LABELS = {
    "user": _l("user"),
    "api_token": _l("API token"),
    "member": _l("member"),
    "delivery_site": _l("delivery site"),
    "need": _l("need"),
    "pooling_schedule": _l("rhythm of the rounds"),
    "round": _l("round"),
    "batch": _l("batch"),
    "purchase_order": _l("purchase order"),
    "category": _l("category"),
    "supplier": _l("supplier"),
    "product": _l("product"),
    "offer": _l("offer"),
    "tender": _l("tender"),
    "supplier_match_settings": _l("supplier invoice match tolerances"),
    "catalog_upload": _l("price list"),
    "cooperative": _l("cooperative"),
    "transport_settings": _l("transport settings"),
    "transfer_run": _l("transfer file"),
    "supplier_invoice": _l("supplier invoice"),
    "supplier_invoice_pdf": _l("supplier's PDF invoice"),
    "billing_settings": _l("billing settings"),
}

# Kept for the machine (who acted, job and policy ids, the order number already named as the
# object): not shown again among the details.
HIDDEN = {"by", "job", "policy", "number", "delivery", "upload"}

DELIVERY_KINDS: dict[str, Callable[[Any], str]] = {
    "received": lambda v: (
        _t().ngettext("%(num)s received", "%(num)s received", _n(v)) % {"num": _number(v)}
    ),
    "missing": lambda v: (
        _t().ngettext("%(num)s missing", "%(num)s missing", _n(v)) % {"num": _number(v)}
    ),
    "damaged": lambda v: (
        _t().ngettext("%(num)s damaged", "%(num)s damaged", _n(v)) % {"num": _number(v)}
    ),
    "substituted": lambda v: (
        _t().ngettext("%(num)s substituted", "%(num)s substituted", _n(v)) % {"num": _number(v)}
    ),
}


def _number(value: Any) -> str:
    try:
        return str(format_decimal(Decimal(str(value)), format="#,##0.###"))
    except (InvalidOperation, ValueError):
        return str(value)


def _t() -> Any:
    # Flask-Babel's own ngettext fills %(num)s with the count given to choose the form; here the
    # form is chosen from the quantity and the quantity is written as the reader writes numbers.
    return get_translations()


def _n(value: Any) -> int:
    return plural_count(Decimal(str(value)))


def _percent(value: Any) -> str:
    return f"{_number(Decimal(str(value)) * 100)} %"


def _lines(value: Mapping[str, Mapping[str, Any]]) -> str:
    parts = []
    for line, kinds in value.items():
        done = [
            DELIVERY_KINDS[kind](n)
            for kind, n in kinds.items()
            if kind in DELIVERY_KINDS and Decimal(str(n))
        ]
        parts.append(_("line %(line)s: %(done)s", line=line, done=", ".join(done) or "0"))
    return "; ".join(parts)


def _quantities(value: Mapping[str, Any]) -> str:
    return "; ".join(
        _("line %(line)s: %(quantity)s", line=line, quantity=_number(quantity))
        for line, quantity in value.items()
    )


DETAILS: dict[str, Callable[[Any], str]] = {
    "scenario": lambda v: _("scenario %(number)s", number=v),
    "batch": lambda v: _("batch #%(number)s", number=v),
    "tender": lambda v: _("tender #%(number)s", number=v),
    "closes_at": lambda v: _("closing %(when)s", when=v),
    "invited": lambda v: (
        _t().ngettext("%(num)s supplier invited", "%(num)s suppliers invited", _n(v))
        % {"num": _number(v)}
    ),
    "tender_lines": lambda v: (
        _t().ngettext("%(num)s line", "%(num)s lines", _n(v)) % {"num": _number(v)}
    ),
    "quoted_offers": lambda v: (
        _t().ngettext("%(num)s quoted offer", "%(num)s quoted offers", _n(v)) % {"num": _number(v)}
    ),
    "not_retained": lambda v: (
        _t().ngettext(
            "%(num)s supplier told it was not retained",
            "%(num)s suppliers told they were not retained",
            _n(v),
        )
        % {"num": _number(v)}
    ),
    "comment": lambda v: _("comment: “%(text)s”", text=v),
    "note": lambda v: _("note: “%(text)s”", text=v),
    "text": lambda v: _("text typed: “%(text)s”", text=v),
    "name": lambda v: str(v),
    "email": lambda v: str(v),
    "to": lambda v: _("to %(email)s", email=v),
    "role": lambda v: str(ROLE_LABELS.get(v, v)),
    "language": lambda v: {"fr": "français", "en": "English"}.get(v, str(v)),
    "supplier": lambda v: _("supplier %(name)s", name=v),
    "product": lambda v: _("product #%(number)s", number=v),
    "member": lambda v: _("member #%(number)s", number=v),
    "members": lambda v: (
        _t().ngettext("%(num)s member", "%(num)s members", _n(v)) % {"num": _number(v)}
    ),
    "site": lambda v: _("site #%(number)s", number=v),
    "previous": lambda v: _("instead of site #%(number)s", number=v),
    "ref": lambda v: _("reference %(ref)s", ref=v),
    "file": lambda v: _("file %(name)s", name=v),
    "days": lambda v: (
        _t().ngettext("valid %(num)s day", "valid %(num)s days", _n(v)) % {"num": _number(v)}
    ),
    "quantity": lambda v: _("quantity %(quantity)s", quantity=_number(v)),
    "quantities": _quantities,
    "lines": _lines,
    "date": lambda v: _("delivery date %(date)s", date=v),
    "cutoff": lambda v: _("cut-off %(when)s", when=v),
    "cron": lambda v: _("rhythm %(cron)s", cron=v),
    "total_excl_vat": lambda v: _("total excl. VAT %(total)s", total=money(Decimal(v))),
    "pooled": lambda v: (
        _t().ngettext("%(num)s need pooled", "%(num)s needs pooled", _n(v)) % {"num": _number(v)}
    ),
    "awaiting_match": lambda v: (
        _t().ngettext(
            "%(num)s need waiting for a match", "%(num)s needs waiting for a match", _n(v)
        )
        % {"num": _number(v)}
    ),
    "needs": lambda v: (
        _t().ngettext("%(num)s need moved", "%(num)s needs moved", _n(v)) % {"num": _number(v)}
    ),
    "offers": lambda v: (
        _t().ngettext("%(num)s offer moved", "%(num)s offers moved", _n(v)) % {"num": _number(v)}
    ),
    "merged": lambda v: _("product #%(number)s merged", number=v),
    "merged_name": lambda v: f"« {v} »",
    "before": lambda v: _("before: %(value)s", value=v),
    "create": lambda v: (
        _t().ngettext("%(num)s offer to create", "%(num)s offers to create", _n(v))
        % {"num": _number(v)}
    ),
    "update": lambda v: (
        _t().ngettext("%(num)s offer to update", "%(num)s offers to update", _n(v))
        % {"num": _number(v)}
    ),
    "created": lambda v: (
        _t().ngettext("%(num)s offer created", "%(num)s offers created", _n(v))
        % {"num": _number(v)}
    ),
    "updated": lambda v: (
        _t().ngettext("%(num)s offer updated", "%(num)s offers updated", _n(v))
        % {"num": _number(v)}
    ),
    "deactivated": lambda v: (
        _t().ngettext("%(num)s offer withdrawn", "%(num)s offers withdrawn", _n(v))
        % {"num": _number(v)}
    ),
    "new_products": lambda v: (
        _t().ngettext("%(num)s new product", "%(num)s new products", _n(v)) % {"num": _number(v)}
    ),
    "to_review": lambda v: (
        _t().ngettext("%(num)s match to review", "%(num)s matches to review", _n(v))
        % {"num": _number(v)}
    ),
    "removed": lambda v: (
        _t().ngettext("%(num)s offer removed", "%(num)s offers removed", _n(v))
        % {"num": _number(v)}
    ),
    "restored": lambda v: (
        _t().ngettext("%(num)s offer restored", "%(num)s offers restored", _n(v))
        % {"num": _number(v)}
    ),
    "reactivated": lambda v: (
        _t().ngettext("%(num)s offer offered again", "%(num)s offers offered again", _n(v))
        % {"num": _number(v)}
    ),
    "withdrawn_products": lambda v: (
        _t().ngettext("%(num)s product withdrawn", "%(num)s products withdrawn", _n(v))
        % {"num": _number(v)}
    ),
}


def object_text(object_type: str, object_id: int | None, details: Mapping[str, Any]) -> str:
    """ "bon de commande BC-2026-0017", "lot n° 3": the object as the trail names it."""
    label = str(OBJECT_LABELS.get(object_type, object_type))
    if object_type == "purchase_order" and details.get("number"):
        return f"{label} {details['number']}"
    if object_id is None:
        return label
    return _("%(object)s #%(number)s", object=label, number=object_id)


def details_text(action: str, details: Mapping[str, Any]) -> str:
    """The details an event kept, in words, in the order they were recorded; a detail with no
    words of its own (a value nobody reads) is left out rather than shown raw."""
    if action == "category.vat_rate":
        return str(
            _l(
                "from %(before)s to %(after)s",
                before=_percent(details.get("before", 0)),
                after=_percent(details.get("after", 0)),
            )
        )
    parts = []
    for key, value in details.items():
        if key in HIDDEN or value is None or value == "" or key not in DETAILS:
            continue
        if key in ("pooled", "awaiting_match", "needs", "offers") and not value:
            continue
        if key in DELIVERY_KINDS or key in ("missing", "known", "auto", "review", "new"):
            continue
        parts.append(DETAILS[key](value))
    return " · ".join(part for part in parts if part)
