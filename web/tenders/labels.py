"""Names shown for the tenders' stored codes: states, rules, evidence, answers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

TENDER_STATUS_LABELS = {"open": _l("open"), "closed": _l("closed")}
RULE_LABELS = {
    "per_line": _l("per line: a supplier may quote some lines only"),
    "whole_lot": _l("whole lot: a supplier quotes every line"),
}
EVIDENCE_LABELS = {
    "labels": _l("labels or certifications, with their expiry"),
    "recycled_content": _l("recycled content"),
    "social_economy": _l("social-economy status"),
}
ANSWER_LABELS = {"": _l("no answer yet"), "quoted": _l("quoted"), "declined": _l("declined")}
INVITATION_EMAIL_LABELS = {
    "queued": _l("e-mail queued"),
    "waiting": _l("e-mail waiting for another attempt"),
    "sent": _l("e-mail sent"),
    "failed": _l("e-mail failed"),
    "uncertain": _l("e-mail interrupted while going out: it may have arrived"),
    "": _l("no e-mail"),
}


def labels() -> dict[str, Any]:
    return {
        "tender_status_labels": TENDER_STATUS_LABELS,
        "tender_rule_labels": RULE_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "tender_answer_labels": ANSWER_LABELS,
        "invitation_email_labels": INVITATION_EMAIL_LABELS,
    }
