"""Names shown for the codes a batch stores: its status, how a solve ended, a job's step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

BATCH_STATUS_LABELS = {
    "proposed": _l("waiting for a decision"),
    "approved": _l("approved"),
    "ordered": _l("ordered"),
    "closed": _l("closed"),
    "rejected": _l("rejected"),
}
SOLVE_STATUS_LABELS = {
    "optimal": _l("optimal"),
    "feasible": _l("good, not proven best"),
    "time_limit": _l("stopped at the time limit"),
    "approximate": _l("approximate: further from the proven bound than asked (see the gap)"),
    "error": _l("solver error"),
}
NEED_OUTCOME_LABELS = {
    "served": _l("served"),
    "partial": _l("partly served"),
    "unmet": _l("not served"),
}
JOB_STEP_LABELS = {
    "": _l("waiting for the scheduler"),
    "building": _l("building the model"),
    "solving": _l("solving"),
    "storing": _l("storing the result"),
    "pooling": _l("pooling the needs"),
    "issuing": _l("issuing the invoices"),
}
