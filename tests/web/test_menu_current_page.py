"""The site's menu marks the link to the page shown (`aria-current="page"`), and that one only."""

from __future__ import annotations

import re


def _current(response) -> list[str]:
    page = response.get_data(as_text=True)
    menu = page[page.index('<nav id="site-menu">') : page.index("</nav>")]
    return re.findall(r'<a href="([^"]+)" aria-current="page">', menu)


def test_the_menu_marks_the_page_shown_and_no_other(client, signed_in, make, session):
    lead = make.user("lead")
    session.commit()
    signed_in(lead)
    assert _current(client.get("/batches/")) == ["/batches/"]
    assert _current(client.get("/invoices/")) == ["/invoices/"]
    # A page the menu has no link to marks none.
    assert _current(client.get("/guide/")) == []
