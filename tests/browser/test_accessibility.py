"""Every page of the demo cooperative, as each role sees it, checked by axe-core (WCAG 2.1 A and
AA rules): no serious or critical violation; and every member page at 360 px wide without
scrolling sideways, every control at least 44 px high.

The pages are found from the application's URL map (every GET page; those with an id are
visited with an object of the demo), so a new page is checked without being listed here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from demo.demo import DEMO_PASSWORD
from money.invoice_requests import ISSUING_JOBS, request_dues
from persistence import make_session_factory
from persistence.jobs import Job
from purchasing.clock import cooperative_today
from purchasing.models import Batch, Member, Need, PurchaseOrder, Round, User
from purchasing.people.tokens import create_token
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs
from suppliers.models import CatalogUpload, Offer, Product, Supplier
from tests.browser.pages import AXE, WCAG
from tests.conftest import demo_template

pytestmark = pytest.mark.browser

# Pages that answer something other than a page for a person: JSON, files, redirects.
NOT_PAGES = {"catalog.suggest", "rounds.job_status", "static", "language", "home", "healthz"}
NOT_PAGES |= {
    "orders.pdf",
    "orders.csv",
    "statements.statement_as_pdf",
    "statements.statement_as_csv",
    "statements.batch_statements_csv",
    "money_account.statement_pdf",
    "money_account.document_pdf",
    "invoices.batch_zip",
}
ROLES = {
    "anonymous": None,
    "member": "membre@demo.coachat.fr",
    "lead": "achats@demo.coachat.fr",
    "admin": "admin@demo.coachat.fr",
}


def _examples(session) -> dict[str, int]:
    """An object of the demo for each kind of id a page takes."""

    def first(model, *where):  # type: ignore[no-untyped-def]
        return session.scalar(select(model.id).where(*where).order_by(model.id).limit(1))

    member_user = session.scalar(select(User).where(User.email == ROLES["member"]))
    return {
        "need_id": first(Need, Need.member_id == member_user.member_id),
        "product_id": first(Product),
        "supplier_id": first(Supplier),
        "offer_id": first(Offer),
        "member_id": first(Member),
        "user_id": first(User),
        "batch_id": first(Batch),
        "upload_id": first(CatalogUpload),
        "order_id": first(PurchaseOrder),
        "round_id": first(Round, Round.status == "open"),
        "job_id": first(Job, Job.kind.in_(ISSUING_JOBS)),
    }


def _pages(app, examples: dict[str, int]) -> list[str]:
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if rule.endpoint.startswith("api") or rule.rule.startswith("/api/"):
            continue
        values = {}
        for argument in rule.arguments:
            if examples.get(argument) is None:
                break
            values[argument] = examples[argument]
        else:
            pages.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(pages))


@pytest.fixture
def live_database(live_database: str, sqlite_schema: Path) -> str:
    """The live server's database holding the demo cooperative, as `load_demo` and a commit
    leave it: a copy of the worker's demo template (see `loaded_demo`), made before the server
    or the session opens it, as loading the demo takes seconds."""
    template = demo_template(live_database, sqlite_schema, cooperative_today())
    shutil.copyfile(template.removeprefix("sqlite:///"), live_database.removeprefix("sqlite:///"))
    return live_database


def _demo_pages(live_session, live_database: str) -> list[str]:
    """The demo cooperative with a batch waiting for the lead, and every page it has."""
    from web import create_app

    close_round(live_session, actor=None)
    live_session.commit()
    work_jobs(make_session_factory(live_session.get_bind()))
    # Next year's dues asked for and waiting for the scheduler: the page that follows it.
    admin = live_session.scalar(select(User).where(User.email == ROLES["admin"]))
    request_dues(live_session, cooperative_today().year + 1, cooperative_today(), actor=admin)
    live_session.commit()
    app = create_app({"DATABASE_URL": live_database, "SECRET_KEY": "x" * 32})
    pages = _pages(app, _examples(live_session))
    app.extensions["coachat.engine"].dispose()
    assert "/needs/" in pages and "/rounds/" in pages and len(pages) > 15
    assert any(page.startswith("/invoices/issuing/") for page in pages)
    return pages


def _signed_in(browser: Browser, base: str, email: str | None, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="fr-FR",
        timezone_id="Europe/Paris",
        bypass_csp=True,
        viewport={"width": width, "height": 800},
    )
    page = context.new_page()
    if email:
        page.goto(f"{base}/login")
        page.get_by_label("Courriel").fill(email)
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_selector(".who")
    return context, page


# Each role's sweep is a test of its own, so that parallel workers share them out; each still
# visits every page of the URL map, on a copy of the demo of its own. At least this many of them
# are that role's pages (the others answer 403 or 404, or ask to sign in).
LEAST_PAGES = {"anonymous": 1, "member": 12, "lead": 45, "admin": 55}


@pytest.mark.long
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_every_role_fits_a_phone_without_scrolling_sideways(
    browser: Browser, live_server: str, live_session, live_database, role: str
):
    pages = [*_demo_pages(live_session, live_database), "/api/v1/docs"]
    assert "/batches/1/approve" in pages and any(p.endswith("/close") for p in pages)
    member = live_session.scalar(select(User).where(User.email == ROLES["member"]))
    create_token(live_session, "Tableur de l’atelier", 90, actor=member)
    live_session.commit()
    wide: list[str] = []
    visited = 0
    context, page = _signed_in(browser, live_server, ROLES[role], 360)
    for path in pages:
        response = page.goto(f"{live_server}{path}")
        if response is None or response.status in (403, 404) or "/login" in page.url:
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("innerWidth"):
            wide.append(f"{role} {path}: {width} px wide at 360 px")
        visited += 1
    context.close()
    assert wide == [], "\n".join(wide)
    assert visited >= LEAST_PAGES[role]


@pytest.mark.long
@pytest.mark.parametrize("role", list(ROLES))
def test_no_serious_accessibility_violation_on_any_page_for_any_role(
    browser: Browser, live_server: str, live_session, live_database, role: str
):
    pages = _demo_pages(live_session, live_database)

    found: list[str] = []
    checked = 0
    # Members work from a phone: their pages are checked at 360 px wide as well.
    width = 360 if role == "member" else 1280
    context, page = _signed_in(browser, live_server, ROLES[role], width)
    for path in pages:
        response = page.goto(f"{live_server}{path}")
        if response is None or response.status in (403, 404) or "/login" in page.url:
            continue  # not this role's page: the authorization tests cover the answer
        page.evaluate(AXE)
        violations = page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
            ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3)"
            ".map(n => n.target.join(' ')).join(', '))",
            WCAG,
        )
        found += [f"{role} {path}: {violation}" for violation in violations]
        if role == "member":
            scrolled = page.evaluate("document.documentElement.scrollWidth")
            if scrolled > width:
                found.append(f"{role} {path}: {scrolled} px wide at {width} px")
            small = page.evaluate(
                "() => [...document.querySelectorAll("
                "'button, .button, input:not([type=hidden]), select, textarea')]"
                ".filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)"
                ".map(e => e.outerHTML.slice(0, 60))"
            )
            found += [f"{role} {path}: touch target under 44 px: {e}" for e in small[:3]]
        checked += 1
    context.close()
    assert found == [], "\n".join(found)
    assert checked >= LEAST_PAGES[role]


def test_the_check_finds_what_it_is_meant_to_find(browser: Browser):
    page = browser.new_context().new_page()
    page.set_content("<html><body><img src='x.png'><input type=text></body></html>")
    page.evaluate(AXE)
    found = page.evaluate("async () => (await axe.run()).violations.map(v => v.id)")
    assert {"image-alt", "label", "html-has-lang"} <= set(found)
    page.context.close()
