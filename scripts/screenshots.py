"""Screenshots of the main pages of a running coachat (default http://127.0.0.1:5000).

    .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]

Signs in with the demo accounts and writes one PNG per page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from demo.demo import DEMO_PASSWORD

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "membre@demo.coachat.fr": [
        ("member-dashboard", "/needs/"),
        ("need-form", "/needs/new"),
        ("catalog", "/catalog/products"),
        ("product", "/catalog/products/1"),
        ("supplier", "/catalog/suppliers/2"),
    ],
    "achats@demo.coachat.fr": [
        ("lead-needs", "/needs/"),
        ("import", "/catalog/imports/new"),
        ("offer-form", "/catalog/offers/new?supplier=1&product=1"),
    ],
    "admin@demo.coachat.fr": [("admin-members", "/admin/members"), ("admin-users", "/admin/users")],
}


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for email, pages in PAGES.items():
            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="fr-FR")
            page = context.new_page()
            page.goto(f"{base}/login")
            page.fill("#email", email)
            page.fill("#password", DEMO_PASSWORD)
            page.click("button[type=submit]")
            for name, path in pages:
                page.goto(base + path)
                if name == "need-form":
                    page.fill("#free_text", "ramette recyclee")
                    page.wait_for_selector("#suggestions li")
                page.screenshot(
                    path=str(out / f"{name}.png"), full_page=name not in ("need-form", "product")
                )
                print(out / f"{name}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
