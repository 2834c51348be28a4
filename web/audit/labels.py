"""The actions of the audit trail, in words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "round.close": _l("closed a round"),
    "batch.approve": _l("approved a batch"),
    "batch.reject": _l("rejected a batch"),
    "batch.close": _l("closed a batch"),
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
    "invoice.issue": _l("issued an invoice"),
    "credit_note.issue": _l("issued a credit note"),
    "invoice.export": _l("exported a batch's Factur-X files"),
    "payment.receive": _l("recorded a payment"),
    "payment.credit_used": _l("set a member's credit against an invoice"),
    "payment.reject": _l("recorded a payment rejected"),
    "billing.settings": _l("changed the billing settings"),
    "billing.dues": _l("set a member's dues"),
    "billing.dues_remove": _l("removed a member's dues"),
}
