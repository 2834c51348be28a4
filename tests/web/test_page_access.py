"""Who may open which page: every route of the URL map outside /api/ (which has its own
table), for a visitor, a member, another company's member, a lead and an admin, and, where the
route takes a need or a token, for the member's company's object and another company's.

The table below says what each route is for; a route missing from it fails the test, so a new
page cannot be added without saying who may open it. A GET is answered exactly (200, the
sign-in page, 403, 404, 405 where the route takes no GET); a POST is sent as an empty form and
only its class is checked: refused (403, 404, or sent to the sign-in page) or allowed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from money.bank_details import propose_bank_details
from purchasing.models import ApiToken
from suppliers.models import ProductMatch
from suppliers.uploads import UploadLimits, analyse_upload, start_upload
from tests.conftest import sign_in
from tests.web.api_world import (
    World,
    add_invoice,
    add_order,
    add_supplier_invoice,
    add_tender,
    build_world,
)

PUBLIC = "public"  # anyone, signed in or not
SIGN_IN = "sign-in"  # the sign-in page: a signed-in user is sent home
SIGNED_IN = "signed in"  # any signed-in user
COMPANY = "company"  # users of a member company (not the leads or admins)
OWN_NEED = "own need"  # the need of the user's company; leads and admins see all
OWN_TOKEN = "own token"  # the user's own token only
LEADS = "leads"  # leads and admins
ADMINS = "admins"  # admins only
OWN_STATEMENT = "own statement"  # the statement of the user's company; leads and admins see all
OWN_ACCOUNT = "own account"  # the account and invoices of the user's company; leads see all
SUPPLIER_LINK = "supplier link"  # anyone holding a valid signed link; any other link is refused

ROUTES = {
    "/": PUBLIC,  # sends each one on: a visitor to the sign-in page
    "/healthz": PUBLIC,
    "/login": SIGN_IN,
    "/logout": SIGNED_IN,
    "/language/<code>": PUBLIC,
    "/static/<filename>": PUBLIC,
    "/guide/": PUBLIC,
    "/guide/<name>": PUBLIC,
    "/guide/images/<filename>": PUBLIC,
    "/account/tokens": SIGNED_IN,
    "/account/tokens/<token_id>/revoke": OWN_TOKEN,
    "/needs/": SIGNED_IN,
    "/needs/new": COMPANY,
    "/needs/<need_id>": OWN_NEED,
    "/needs/<need_id>/edit": OWN_NEED,
    "/needs/<need_id>/cancel": OWN_NEED,
    "/needs/<need_id>/match": LEADS,
    "/needs/<need_id>/create-product": LEADS,
    "/rounds/": LEADS,
    "/rounds/rhythm": LEADS,
    "/rounds/transport": LEADS,
    "/rounds/<round_id>/cutoff": LEADS,
    "/rounds/<round_id>/close": LEADS,
    "/rounds/jobs/<job_id>": LEADS,
    "/batches/": LEADS,
    "/batches/<batch_id>": LEADS,
    "/batches/<batch_id>/scenarios": LEADS,
    "/batches/<batch_id>/frontier": LEADS,
    "/batches/<batch_id>/approve": LEADS,
    "/batches/<batch_id>/reject": LEADS,
    "/books/": LEADS,
    "/books/fec": LEADS,
    "/books/journal.csv": LEADS,
    "/books/receivables.csv": LEADS,
    "/catalog/products": SIGNED_IN,
    "/catalog/products/<product_id>": SIGNED_IN,
    "/catalog/products/new": LEADS,
    "/catalog/products/<product_id>/edit": LEADS,
    "/catalog/products/<product_id>/merge": LEADS,
    "/catalog/suppliers": SIGNED_IN,
    "/catalog/suppliers/<supplier_id>": SIGNED_IN,
    "/catalog/suppliers/new": LEADS,
    "/catalog/suppliers/<supplier_id>/edit": LEADS,
    "/catalog/suggest": SIGNED_IN,
    "/catalog/offers/new": LEADS,
    "/catalog/offers/<offer_id>/edit": LEADS,
    "/catalog/offers/<offer_id>/deactivate": LEADS,
    "/catalog/offers/<offer_id>/reactivate": LEADS,
    "/catalog/imports/new": LEADS,
    "/catalog/imports/<upload_id>": LEADS,
    "/catalog/imports/<upload_id>/progress": LEADS,
    "/catalog/imports/<upload_id>/mapping": LEADS,
    "/catalog/imports/<upload_id>/confirm": LEADS,
    "/catalog/imports/<upload_id>/undo": LEADS,
    "/catalog/matches": LEADS,
    "/catalog/matches/<match_id>": LEADS,
    "/admin/members": ADMINS,
    "/admin/members/new": ADMINS,
    "/admin/members/<member_id>": ADMINS,
    "/admin/members/<member_id>/sites/new": ADMINS,
    "/admin/sites/<site_id>": ADMINS,
    "/admin/sites/<site_id>/close": ADMINS,
    "/admin/sites/<site_id>/open": ADMINS,
    "/admin/sites/<site_id>/collection-point": ADMINS,
    "/admin/collection-point/clear": ADMINS,
    "/admin/users": ADMINS,
    "/admin/users/new": ADMINS,
    "/admin/users/<user_id>": ADMINS,
    "/admin/cooperative": ADMINS,
    "/admin/cooperative/logo": ADMINS,
    "/orders/": LEADS,
    "/orders/vat": LEADS,
    "/orders/vat/<category_id>": LEADS,
    "/orders/<order_id>": LEADS,
    "/orders/<order_id>.pdf": LEADS,
    "/orders/<order_id>.csv": LEADS,
    "/orders/<order_id>/sent": LEADS,
    "/orders/<order_id>/resend": LEADS,
    "/orders/<order_id>/accept": LEADS,
    "/orders/<order_id>/refuse": LEADS,
    "/orders/<order_id>/close": LEADS,
    "/orders/<order_id>/deliveries": LEADS,
    "/batches/<batch_id>/orders/send": LEADS,
    "/batches/<batch_id>/statements": LEADS,
    "/batches/<batch_id>/statements.csv": LEADS,
    "/statements/<batch_id>/<member_id>": OWN_STATEMENT,
    "/statements/<batch_id>/<member_id>.pdf": OWN_STATEMENT,
    "/statements/<batch_id>/<member_id>.csv": OWN_STATEMENT,
    "/audit": LEADS,
    "/invoices/": LEADS,
    "/invoices/balances": LEADS,
    "/invoices/<invoice_number>/credit-note": LEADS,
    "/invoices/<invoice_number>.pdf": OWN_ACCOUNT,
    "/batches/<batch_id>/invoices": LEADS,
    "/batches/<batch_id>/invoices.zip": LEADS,
    "/invoices/issuing/<job_id>": LEADS,
    "/payments/": LEADS,
    "/payments/new": LEADS,
    "/account/money": COMPANY,
    "/accounts/<member_id>": OWN_ACCOUNT,
    "/accounts/<member_id>/statement.pdf": OWN_ACCOUNT,
    "/admin/billing/": ADMINS,
    "/admin/billing/dues": ADMINS,
    "/admin/billing/dues/issue": ADMINS,
    "/collect/mandates": LEADS,
    "/collect/mandates/<mandate_id>/revoke": LEADS,
    "/collect/direct-debits": LEADS,
    "/collect/direct-debits/<run_id>": LEADS,
    "/collect/direct-debits/<run_id>.xml": LEADS,
    "/collect/payments/<payment_id>/reject": LEADS,
    "/collect/bank": LEADS,
    "/collect/bank/<line_id>/assign": LEADS,
    "/collect/bank/<line_id>/ignore": LEADS,
    "/supplier-invoices/tolerances": LEADS,
    "/supplier-invoices/": LEADS,
    "/supplier-invoices/<invoice_id>": LEADS,
    "/supplier-invoices/<invoice_id>/file": LEADS,
    "/supplier-invoices/pdfs/<pdf_id>/file": LEADS,
    "/supplier-invoices/pdfs/<pdf_id>/enter": LEADS,
    "/supplier-invoices/<invoice_id>/lines/<invoice_line_id>/accept": LEADS,
    "/supplier-invoices/<invoice_id>/credit-note-request": LEADS,
    "/supplier-invoices/<invoice_id>/orders": LEADS,
    "/supplier-invoices/<invoice_id>/match": LEADS,
    "/supplier-invoices/<invoice_id>/refuse": LEADS,
    "/s/<number>/<token>": SUPPLIER_LINK,
    "/tenders/": LEADS,
    "/batches/<batch_id>/tenders/new": LEADS,
    "/tenders/<tender_id>": LEADS,
    "/tenders/<tender_id>/close": LEADS,
    "/tenders/<tender_id>/invitations/<invitation_id>/check": LEADS,
    "/tenders/<tender_id>/offers/<offer_id>/catalog": LEADS,
    "/tenders/<tender_id>/documents/<supplier_id>/<line_id>": LEADS,
    "/tenders/quote/<token>": SUPPLIER_LINK,
    "/payables/bank-details": LEADS,
    "/payables/bank-details/<proposal_id>/confirm": LEADS,
    "/payables/bank-details/<proposal_id>/withdraw": LEADS,
    "/payables/suppliers/<supplier_id>/bank": LEADS,
    "/payables/transfers": LEADS,
    "/payables/transfers/<run_id>": LEADS,
    "/payables/transfers/<run_id>.xml": LEADS,
}

# A GET that is allowed answers 200, except these: the home page sends each user on to their
# own page, the health check answers 503 while no scheduler has beaten (none runs here), and
# the cooperative here has no logo to show.
# A batch not ordered yet cannot be invoiced: its invoice pages send the lead back to it.
GET_ANSWERS = {
    "/": 302,
    "/healthz": 503,
    "/admin/cooperative/logo": 404,
    "/batches/<batch_id>/invoices": 302,
    "/batches/<batch_id>/invoices.zip": 302,
}
# A confirmation page with nothing to confirm sends the lead back to the object: this world's
# batch has no computed scenario yet, and its order no change proposed by the supplier.
GET_ANSWERS |= {"/batches/<batch_id>/approve": 302, "/orders/<order_id>/accept": 302}
# The tender is closed already: closing it sends the lead back to it; its supplier has not
# quoted: there is no new supplier to check, no document.
GET_ANSWERS |= {
    "/tenders/<tender_id>/close": 302,
    "/tenders/<tender_id>/invitations/<invitation_id>/check": 302,
    "/tenders/<tender_id>/documents/<supplier_id>/<line_id>": 404,
}
# No transfer to suppliers was built in this world: its pages are not found (after the role
# check, which answers first) for the id of the direct-debit run the collection pages show.
GET_ANSWERS |= {"/payables/transfers/<run_id>": 404, "/payables/transfers/<run_id>.xml": 404}
# This world's job closes a round: the page that follows issuing invoices does not show it.
GET_ANSWERS |= {"/invoices/issuing/<job_id>": 404}

ROLES = ("anonymous", "member", "other_member", "lead", "admin")
OK = "ok"  # allowed: 200 for a GET, anything but 401/403/404/5xx for a POST
LOGIN = "sign-in page"  # 302 to the sign-in page, which then comes back here
HOME = "home"  # 302 elsewhere (a signed-in user on the sign-in page)
OWN, OTHER = "own", "other"  # the member's company's object, another company's


def expected(kind: str, role: str, whose: str | None) -> str | int:
    """What `role` gets on a route of `kind`, for the member's (OWN) or the other company's
    (OTHER) object when the route takes one."""
    if kind == SUPPLIER_LINK:
        return 403  # the link below was not signed by the application
    if role == "anonymous":
        return {PUBLIC: OK, SIGN_IN: OK}.get(kind, LOGIN)
    if kind in (PUBLIC, SIGNED_IN):
        return OK
    if kind == SIGN_IN:
        return HOME
    if kind == COMPANY:
        return OK if role in ("member", "other_member") else 403
    if kind == LEADS:
        return OK if role in ("lead", "admin") else 403
    if kind == ADMINS:
        return OK if role == "admin" else 403
    owner = "member" if whose == OWN else "other_member"
    if kind == OWN_NEED:
        return OK if role in (owner, "lead", "admin") else 404
    if kind == OWN_TOKEN:
        return OK if role == owner else 404
    if kind in (OWN_STATEMENT, OWN_ACCOUNT):  # the one asked for is the member's company's
        return OK if role in ("member", "lead", "admin") else 404
    raise AssertionError(f"unknown kind {kind}")


def page_routes(app) -> list[tuple[str, frozenset[str]]]:
    """(rule with its parameters named, methods) for every route outside /api/."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        named = re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", r"<\1>", rule.rule)  # <int:id> -> <id>
        found.setdefault(named, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return [(named, frozenset(methods)) for named, methods in sorted(found.items())]


@dataclass
class Objects:
    world: World
    tokens: dict[str, int]
    upload_id: int
    match_id: int
    order_id: int
    category_id: int
    collecting: dict[str, int]
    tender: dict[str, int]
    supplier_invoices: dict[str, int]


def add_collecting(session, world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A mandate, a direct-debit run with its payment, and a bank line, as the collection
    pages show them."""
    from datetime import date

    from money.models import BankLine, DirectDebitRun, Mandate, Payment

    member_id = world.member.member_id
    mandate = Mandate(
        member_id=member_id,
        reference="COACHAT-M00001-01",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        signed_on=date(2026, 1, 5),
    )
    run = DirectDebitRun(collection_date=date(2026, 2, 1), total=10, count=1, file=b"<xml/>")
    session.add_all([mandate, run])
    session.flush()
    payment = Payment(
        member_id=member_id,
        method="direct_debit",
        amount=10,
        received_on=date(2026, 2, 1),
        direct_debit_run_id=run.id,
        mandate_id=mandate.id,
    )
    line = BankLine(
        fingerprint="page-access-1",
        statement_id="STMT-1",
        account_iban="FR7642559100000800412765091",
        booking_date=date(2026, 2, 2),
        amount=12,
        direction="credit",
    )
    session.add_all([payment, line])
    session.commit()
    return {
        "mandate_id": mandate.id,
        "run_id": run.id,
        "payment_id": payment.id,
        "line_id": line.id,
    }


def build_objects(session, make, engine) -> Objects:  # type: ignore[no-untyped-def]
    from persistence import make_session_factory

    world = build_world(session, make)
    tokens = {
        name: session.scalar(select(ApiToken.id).where(ApiToken.user_id == getattr(world, name).id))
        for name in ("member", "other_member")
    }
    limits = UploadLimits(max_bytes=1024 * 1024)
    data = "référence;désignation;prix\nREF-1;Ramette A4;2,10\n".encode()
    upload = start_upload(session, world.offer.supplier_id, "tarifs.csv", data, limits, actor=None)
    match = ProductMatch(offer_id=world.offer.id, text="Ramette A4 recyclée", candidates=[])
    session.add(match)
    session.commit()
    analyse_upload(make_session_factory(engine), upload.id, limits)
    order_id = add_order(session, world)
    add_invoice(session, world)
    collecting = add_collecting(session, world)
    category_id = world.offer.product.category_id
    tender = add_tender(session, world)
    supplier_invoices = add_supplier_invoices(session, world)
    supplier_invoices["proposal_id"] = propose_bank_details(
        session, world.offer.supplier_id, "FR7630004000310000123456727", "", actor=None
    ).id
    session.commit()
    return Objects(
        world, tokens, upload.id, match.id, order_id, category_id, collecting, tender,
        supplier_invoices,
    )  # fmt: skip


def add_supplier_invoices(session, world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A supplier's invoice with its line, and a plain PDF waiting to be typed in."""
    from money.supplier_invoice_models import SupplierInvoice, WaitingPdf

    invoice_id = add_supplier_invoice(session, world)
    pdf = WaitingPdf(file=b"%PDF-1.4 scan", file_name="scan.pdf")
    session.add(pdf)
    session.commit()
    return {
        "invoice_id": invoice_id,
        "invoice_line_id": session.get(SupplierInvoice, invoice_id).lines[0].id,
        "pdf_id": pdf.id,
    }


def url(named: str, objects: Objects, whose: str | None) -> str:
    world = objects.world
    values = {
        "code": "fr",
        "name": "membre",
        "need_id": (world.need if whose == OWN else world.other_need).id,
        "token_id": objects.tokens["member" if whose == OWN else "other_member"],
        "round_id": world.open_round.id,
        "job_id": world.job_id,
        "batch_id": world.batch.id,
        "product_id": world.offer.product_id,
        "supplier_id": world.offer.supplier_id,
        "offer_id": world.offer.id,
        "upload_id": objects.upload_id,
        "match_id": objects.match_id,
        "member_id": world.member.member_id,
        "site_id": world.member.member.sites[0].id,
        "user_id": world.member.id,
        "order_id": objects.order_id,
        "category_id": objects.category_id,
        "invoice_number": objects.world.invoice_number,
        "number": "BC-2026-0001",
        "token": "not-a-signed-token",
        **objects.collecting,
        **objects.tender,
        **objects.supplier_invoices,
    }
    if named == "/static/<filename>":
        return "/static/style.css"
    if named == "/guide/images/<filename>":
        return "/guide/images/membre-besoin.png"
    for name, value in values.items():
        named = named.replace(f"<{name}>", str(value))
    assert "<" not in named, f"no value for a parameter of {named}"
    return named


def verdict(method: str, named: str, answer) -> str | int:  # type: ignore[no-untyped-def]
    """The answer as the table states it."""
    status = answer.status_code
    if status == 302:
        target = urlsplit(answer.location)
        if target.path == "/login" and "next" in parse_qs(target.query):
            return LOGIN
    if method == "GET":
        if status == GET_ANSWERS.get(named, 200):
            return OK
        return HOME if status == 302 else status
    return OK if status not in (401, 403, 404, 405) and status < 500 else status


def test_every_page_route_is_in_the_table(app):
    routes = {named for named, _methods in page_routes(app)}
    assert routes - set(ROUTES) == set(), "say who may open the new pages in ROUTES"
    assert set(ROUTES) - routes == set(), "these pages are gone: remove them from ROUTES"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_role_gets_what_the_table_says_on_every_page(app, session, make, engine):
    app.config["IMPORT_ANALYSIS_INLINE"] = True
    objects = build_objects(session, make, engine)
    users = {role: getattr(objects.world, role) for role in ROLES if role != "anonymous"}
    clients = {role: app.test_client() for role in ROLES}
    for role, user in users.items():
        sign_in(clients[role], user)

    routes = page_routes(app)
    wrong = []
    # Every GET first, so that the empty forms posted afterwards (a need cancelled, a round
    # closed, a site closed) change nothing the pages were expected to show.
    for method in ("GET", "POST"):
        for named, methods in routes:
            kind = ROUTES[named]
            takes_object = "<need_id>" in named or "<token_id>" in named
            for whose in (OWN, OTHER) if takes_object else (None,):
                for role in ROLES:
                    answer = clients[role].open(url(named, objects, whose), method=method, data={})
                    want = expected(kind, role, whose) if method in methods else 405
                    if method == "POST" and want == HOME:
                        want = OK  # a POST is only checked to be allowed
                    got = verdict(method, named, answer)
                    answer.close()
                    if got != want:
                        wrong.append(
                            f"{method} {named} ({whose or '-'}) as {role}: "
                            f"{answer.status_code} {answer.location or ''}, expected {want}"
                        )
                    if role in users and named == "/logout" and answer.status_code == 302:
                        sign_in(clients[role], users[role])  # signed out: sign in again
    assert wrong == [], "\n".join(wrong)
