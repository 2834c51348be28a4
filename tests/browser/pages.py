"""Steps several browser tests take the same way."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import PASSWORD

AXE = (Path(__file__).parent / "vendor" / "axe" / "axe.min.js").read_text(encoding="utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Where to keep screenshots of the pages, when asked (COACHAT_SCREENSHOTS=/some/folder).
SHOTS = os.environ.get("COACHAT_SCREENSHOTS", "")


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    """Signs in from the sign-in page a new visitor gets (French), and waits to be signed in."""
    page.goto(f"{base}/login")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".who")).to_be_visible()


def menu(page: Page) -> Locator:
    """The site's menu (its links in the header), opened first when it is folded behind its
    "Menu" button, as on a phone."""
    page.wait_for_load_state("domcontentloaded")  # page.js has run: the menu folds or not
    button = page.get_by_role("button", name="Menu", exact=True)
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
    return page.get_by_role("navigation")


def session_cookies(browser: Browser, base: str, email: str) -> list[Any]:
    """The cookies of `email` signed in, for other pages to start signed in
    (`page.context.add_cookies`) without signing in again."""
    context = browser.new_context(locale="fr-FR")
    sign_in(context.new_page(), base, email)
    cookies = context.cookies()
    context.close()
    return cookies


def signed_in_again(page: Page, base: str, cookies: list[Any]) -> None:
    """Opens the home page with the cookies of `session_cookies`, signed in."""
    page.context.add_cookies(cookies)
    page.goto(f"{base}/")
    expect(page.locator(".who")).to_be_visible()


def violations(page: Page, within: str = "") -> list[str]:
    """axe's serious and critical violations on the page (or only `within` a selector)."""
    if page.evaluate("typeof axe === 'undefined'"):  # once per page loaded
        page.evaluate(AXE)
    found: list[str] = page.evaluate(
        "async ([tags, within]) => (await axe.run(within ? {include: [within]} : document,"
        " {runOnly: {type: 'tag', values: tags}, iframes: false}))"
        ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ')).join(', '))",
        [WCAG, within],
    )
    return found


def fits_a_phone(page: Page) -> list[str]:
    """What keeps the page from fitting a 360 px phone: sideways scrolling, small controls."""
    found = []
    if page.evaluate("document.documentElement.scrollWidth") > 360:
        found.append("wider than 360 px")
    small = page.evaluate(
        "() => [...document.querySelectorAll("
        "'button, .button, input:not([type=hidden]), select, textarea')]"
        ".filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)"
        ".map(e => e.outerHTML.slice(0, 60))"
    )
    return found + [f"touch target under 44 px: {e}" for e in small]


def shot(page: Page, name: str) -> None:
    """A full-page screenshot named `name`, when screenshots are asked for."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def audit(page: Page, name: str) -> list[str]:
    """axe's serious and critical violations on the page as it stands, on a 1280 px screen and
    on a 360 px phone (where the page must not scroll sideways); the page is left at 1280 px."""
    found = []
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        found += [f"{name} at {width} px: {v}" for v in violations(page)]
        if width == 360:
            found += [f"{name}: {p}" for p in fits_a_phone(page) if "wider" in p]
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    return found
