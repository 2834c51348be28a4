"""Names shown for the codes of orders, e-mails, supplier answers and audit actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ORDER_STATUS_LABELS = {
    "draft": _l("to send"),
    "sent": _l("sent"),
    "confirmed": _l("confirmed"),
    "received": _l("received"),
    "cancelled": _l("cancelled"),
}
ANSWER_LABELS = {
    "": _l("no answer yet"),
    "confirmed": _l("confirmed by the supplier"),
    "changed": _l("change proposed by the supplier"),
    "change_accepted": _l("change accepted"),
    "change_refused": _l("change refused"),
}
EMAIL_STATUS_LABELS = {
    "queued": _l("e-mail queued"),
    "waiting": _l("e-mail waiting for another attempt"),
    "sent": _l("e-mail sent"),
    "failed": _l("e-mail failed"),
    "uncertain": _l("e-mail interrupted while going out: it may have arrived"),
}
