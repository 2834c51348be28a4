"""Steps several browser tests take the same way."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    """Signs in from the sign-in page a new visitor gets (French), and waits to be signed in."""
    page.goto(f"{base}/login")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".who")).to_be_visible()
