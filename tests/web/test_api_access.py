"""Who may call which API route: every route of the URL map under /api/v1, for a visitor
without a token, a member, another company's member, a lead and an admin.

The table below says what each route is for; a route missing from it fails the test, so a
new route cannot be added without saying who may call it."""

from __future__ import annotations

import pytest

from money.bank_details import propose_bank_details
from tests.web.api_world import (
    World,
    add_invoice,
    add_order,
    add_supplier_invoice,
    add_tender,
    build_world,
)

PUBLIC = "public"  # anyone, without a token
MEMBERS = "members"  # members and leads
OWN_NEED = "own need"  # the member's company's need, and leads
OWN_STATEMENT = "own statement"  # the member's company's statement, and leads
LEADS = "leads"  # leads and admins
OWN_ACCOUNT = "own account"  # the member's company's account and invoices, and leads

ROUTES = {
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/docs"): PUBLIC,
    ("GET", "/api/v1/needs"): MEMBERS,
    ("POST", "/api/v1/needs"): MEMBERS,
    ("GET", "/api/v1/needs/<need_id>"): OWN_NEED,
    ("PUT", "/api/v1/needs/<need_id>"): OWN_NEED,
    ("POST", "/api/v1/needs/<need_id>/cancel"): OWN_NEED,
    ("GET", "/api/v1/rounds"): MEMBERS,
    ("GET", "/api/v1/rounds/<round_id>"): MEMBERS,
    ("PUT", "/api/v1/rounds/<round_id>/cutoff"): LEADS,
    ("POST", "/api/v1/rounds/<round_id>/close"): LEADS,
    ("GET", "/api/v1/rounds/rhythm"): LEADS,
    ("PUT", "/api/v1/rounds/rhythm"): LEADS,
    ("GET", "/api/v1/jobs/<job_id>"): LEADS,
    ("GET", "/api/v1/batches"): LEADS,
    ("GET", "/api/v1/batches/<batch_id>"): LEADS,
    ("GET", "/api/v1/batches/<batch_id>/scenarios/<number>"): LEADS,
    ("POST", "/api/v1/batches/<batch_id>/scenarios"): LEADS,
    ("POST", "/api/v1/batches/<batch_id>/frontier"): LEADS,
    ("POST", "/api/v1/batches/<batch_id>/approve"): LEADS,
    ("POST", "/api/v1/batches/<batch_id>/reject"): LEADS,
    ("GET", "/api/v1/tenders"): LEADS,
    ("GET", "/api/v1/tenders/<tender_id>"): LEADS,
    ("POST", "/api/v1/batches/<batch_id>/tenders"): LEADS,
    ("POST", "/api/v1/tenders/<tender_id>/close"): LEADS,
    ("GET", "/api/v1/products"): MEMBERS,
    ("GET", "/api/v1/products/<product_id>"): MEMBERS,
    ("GET", "/api/v1/suppliers"): MEMBERS,
    ("GET", "/api/v1/suppliers/<supplier_id>"): MEMBERS,
    ("GET", "/api/v1/offers"): MEMBERS,
    ("POST", "/api/v1/offers"): LEADS,
    ("GET", "/api/v1/offers/<offer_id>"): MEMBERS,
    ("PUT", "/api/v1/offers/<offer_id>"): LEADS,
    ("GET", "/api/v1/supplier-invoices"): LEADS,
    ("POST", "/api/v1/supplier-invoices"): LEADS,
    ("GET", "/api/v1/supplier-invoices/<invoice_id>"): LEADS,
    ("POST", "/api/v1/supplier-invoices/<invoice_id>/accept"): LEADS,
    ("POST", "/api/v1/supplier-invoices/<invoice_id>/credit-note-request"): LEADS,
    ("POST", "/api/v1/supplier-invoices/<invoice_id>/refuse"): LEADS,
    ("GET", "/api/v1/orders"): LEADS,
    ("GET", "/api/v1/orders/<order_id>"): LEADS,
    ("GET", "/api/v1/orders/<order_id>.pdf"): LEADS,
    ("GET", "/api/v1/orders/<order_id>.csv"): LEADS,
    ("POST", "/api/v1/batches/<batch_id>/orders/send"): LEADS,
    ("POST", "/api/v1/orders/<order_id>/resend"): LEADS,
    ("POST", "/api/v1/orders/<order_id>/sent"): LEADS,
    ("POST", "/api/v1/orders/<order_id>/accept"): LEADS,
    ("POST", "/api/v1/orders/<order_id>/refuse"): LEADS,
    ("POST", "/api/v1/orders/<order_id>/close"): LEADS,
    ("GET", "/api/v1/orders/<order_id>/deliveries"): LEADS,
    ("POST", "/api/v1/orders/<order_id>/deliveries"): LEADS,
    ("GET", "/api/v1/statements/<batch_id>"): OWN_STATEMENT,
    ("GET", "/api/v1/statements/<batch_id>.pdf"): OWN_STATEMENT,
    ("GET", "/api/v1/statements/<batch_id>.csv"): OWN_STATEMENT,
    ("GET", "/api/v1/sites"): MEMBERS,
    ("GET", "/api/v1/invoices"): MEMBERS,
    ("GET", "/api/v1/invoices/<invoice_number>"): OWN_ACCOUNT,
    ("GET", "/api/v1/invoices/<invoice_number>.pdf"): OWN_ACCOUNT,
    ("POST", "/api/v1/batches/<batch_id>/invoices"): LEADS,
    ("GET", "/api/v1/payments"): MEMBERS,
    ("POST", "/api/v1/payments"): LEADS,
    ("GET", "/api/v1/members/<member_id>/balance"): OWN_ACCOUNT,
    ("GET", "/api/v1/suppliers/<supplier_id>/bank-details"): LEADS,
    ("POST", "/api/v1/suppliers/<supplier_id>/bank-details"): LEADS,
    ("POST", "/api/v1/supplier-bank-details/<proposal_id>/confirm"): LEADS,
    ("POST", "/api/v1/supplier-bank-details/<proposal_id>/withdraw"): LEADS,
    ("POST", "/api/v1/supplier-transfers"): LEADS,
}

ALLOWED = "allowed"  # past the role check: 2xx, or a refusal about the request itself
EXPECTED = {
    PUBLIC: {"anonymous": ALLOWED, "other_member": ALLOWED, "member": ALLOWED,
             "lead": ALLOWED, "admin": ALLOWED},
    MEMBERS: {"anonymous": 401, "other_member": ALLOWED, "member": ALLOWED,
              "lead": ALLOWED, "admin": ALLOWED},
    OWN_NEED: {"anonymous": 401, "other_member": 404, "member": ALLOWED,
               "lead": ALLOWED, "admin": ALLOWED},
    OWN_STATEMENT: {"anonymous": 401, "other_member": 404, "member": ALLOWED,
                    "lead": ALLOWED, "admin": ALLOWED},
    LEADS: {"anonymous": 401, "other_member": 403, "member": 403,
            "lead": ALLOWED, "admin": ALLOWED},
    OWN_ACCOUNT: {"anonymous": 401, "other_member": 404, "member": ALLOWED,
                  "lead": ALLOWED, "admin": ALLOWED},
}  # fmt: skip


def api_routes(app) -> list[tuple[str, str, str]]:
    """(method, rule with its parameters named, rule) for every API route of the URL map."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        named = rule.rule
        for argument in rule.arguments:
            start = named.index(":" + argument + ">")
            named = named[: named.rindex("<", 0, start) + 1] + named[start + 1 :]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, named, rule.rule))
    return found


def url(named: str, world: World, **more: int) -> str:
    values = {
        **more,
        "need_id": world.need.id,
        "round_id": world.open_round.id,
        "job_id": world.job_id,
        "batch_id": world.batch.id,
        "number": 1,
        "product_id": world.offer.product_id,
        "supplier_id": world.offer.supplier_id,
        "offer_id": world.offer.id,
        "order_id": world.order_id,
        "invoice_number": world.invoice_number,
        "member_id": world.member.member_id,
        "tender_id": world.tender_id,
        "invoice_id": world.supplier_invoice_id,
        "proposal_id": world.proposal_id,
    }
    for name, value in values.items():
        named = named.replace(f"<{name}>", str(value))
    assert "<" not in named, f"no value for a parameter of {named}"
    return named


def test_every_api_route_is_in_the_table(app):
    routes = {(method, named) for method, named, _rule in api_routes(app)}
    assert routes - set(ROUTES) == set(), "say who may call the new routes in ROUTES"
    assert set(ROUTES) - routes == set(), "these routes are gone: remove them from ROUTES"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_role_gets_what_the_table_says_on_every_api_route(app, client, session, make):
    world = build_world(session, make)
    add_order(session, world)  # allocates the member's need: its company has a statement
    add_invoice(session, world)
    world.tender_id = add_tender(session, world)["tender_id"]
    world.proposal_id = propose_bank_details(
        session, world.offer.supplier_id, "FR7630004000310000123456727", "", actor=None
    ).id
    session.commit()
    add_supplier_invoice(session, world)
    wrong = []
    for method, named, _rule in api_routes(app):
        kind = ROUTES[(method, named)]
        # Roles in this order: a member's change comes before the lead's, which may then find
        # it changed (409), which is still past the role check.
        for role in ("anonymous", "other_member", "member", "lead", "admin"):
            body = {} if method in ("POST", "PUT") else None
            address = url(named, world)
            answer = client.open(address, method=method, json=body,
                                 headers=world.headers(role))  # fmt: skip
            expected = EXPECTED[kind][role]
            status = answer.status_code
            got = ALLOWED if status not in (401, 403, 404) and status < 500 else status
            if got != expected:
                wrong.append(f"{method} {named} as {role}: {status}, expected {expected}")
            if status >= 400:
                assert set(answer.get_json()["error"]) == {"code", "message", "fields"}
            elif status == 200 and named.endswith((".pdf", ".csv")):
                assert answer.headers["Content-Disposition"].startswith("attachment")
    assert wrong == []
