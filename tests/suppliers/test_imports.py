"""Importing a price list: preview first, then all of it or nothing, updates by reference."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from persistence import make_session_factory
from suppliers.imports import apply_import, plan_import
from suppliers.models import CatalogUpload, Offer, Product, ProductMatch
from suppliers.reviews import ReviewRefused, pending_matches, resolve_match
from suppliers.uploads import (
    UploadLimits,
    UploadRefused,
    analyse_upload,
    confirm_upload,
    start_upload,
)

HEADER = "Référence;Désignation;Unité;Conditionnement;Prix unitaire HT;Prix dès 50\n"


def price_list(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("cp1252")


def catalog_state(session):
    session.expire_all()
    return (
        session.scalar(select(func.count(Offer.id))),
        session.scalar(select(func.count(Product.id))),
        sorted(
            (o.supplier_ref, o.active, [(t.min_quantity, t.unit_price) for t in o.tiers])
            for o in session.scalars(select(Offer))
        ),
    )


@pytest.fixture
def catalog(make):
    paper = make.product("Ramette papier A4 recyclé 80 g")
    make.product("Savon mains liquide 5 L", unit="l")
    supplier = make.supplier("Papeterie Stanislas")
    return paper, supplier


def test_a_new_price_list_creates_offers_matched_to_catalog_products(session, catalog):
    paper, supplier = catalog
    data = price_list(
        "P-1;Ramette papier A4 recyclé 80g;ramette;5;4,20;3,95",
        "P-2;Agrafeuse métal 25 feuilles;unité;1;12,00;",
    )
    plan = plan_import(session, supplier.id, data, "tarifs.csv")
    assert plan.ok, plan.catalog.messages
    assert [line.product.verdict for line in plan.lines] == ["auto", "new"]
    assert plan.lines[0].product.product_id == paper.id
    result = apply_import(session, plan, actor=None)
    assert (result.created, result.updated, result.new_products) == (2, 0, 1)
    offer = session.scalar(select(Offer).where(Offer.supplier_ref == "P-1"))
    assert offer.product_id == paper.id
    assert [(t.min_quantity, t.unit_price) for t in offer.tiers] == [
        (Decimal("1"), Decimal("4.2000")),
        (Decimal("50"), Decimal("3.9500")),
    ]
    assert session.scalar(select(Product).where(Product.name == "Agrafeuse métal 25 feuilles"))


def test_a_complete_catalog_updates_by_reference_and_deactivates_what_is_gone(session, catalog):
    _, supplier = catalog
    first = price_list(
        "P-1;Ramette papier A4 recyclé 80 g;ramette;5;4,20;",
        "P-2;Savon mains liquide 5 L;l;1;2,50;",
    )
    apply_import(session, plan_import(session, supplier.id, first, "v1.csv"), actor=None)
    second = price_list("p-1;Ramette papier A4 recyclé 80 g;ramette;5;4,10;3,90")
    plan = plan_import(session, supplier.id, second, "v2.csv", complete=True)
    assert plan.counts()["update"] == 1 and plan.counts()["deactivate"] == 1
    result = apply_import(session, plan, actor=None)
    assert (result.created, result.updated, result.deactivated) == (0, 1, 1)
    session.expire_all()
    offers = {o.supplier_ref: o for o in session.scalars(select(Offer))}
    assert offers["P-1"].active and offers["P-1"].tiers[0].unit_price == Decimal("4.1000")
    assert len(offers["P-1"].tiers) == 2
    assert not offers["P-2"].active


def test_a_file_with_one_bad_row_imports_nothing(session, catalog):
    _, supplier = catalog
    before = catalog_state(session)
    plan = plan_import(
        session,
        supplier.id,
        price_list("P-1;Ramette;ramette;5;4,20;", "P-2;Savon;l;1;-2,50;"),
        "tarifs.csv",
    )
    assert not plan.ok
    assert any("ligne 3" in message for message in plan.catalog.messages)
    with pytest.raises(ValueError):
        apply_import(session, plan, actor=None)
    assert catalog_state(session) == before


def test_a_doubtful_match_waits_for_the_leads_review(session, catalog, make):
    paper, supplier = catalog
    make.product("Ramette papier A4 recyclé 90 g")
    plan = plan_import(
        session, supplier.id, price_list("P-9;Ramette A4 recyclée;ramette;5;4,20;"), "t.csv"
    )
    assert plan.lines[0].product.verdict == "review"
    apply_import(session, plan, actor=None)
    (match,) = pending_matches(session)
    assert len(match.candidates) >= 2
    resolve_match(session, match.id, paper.id, actor=None)
    assert match.offer.product_id == paper.id and match.status in ("confirmed", "changed")
    with pytest.raises(ReviewRefused):
        resolve_match(session, match.id, paper.id, actor=None)
    assert pending_matches(session) == []


@pytest.mark.long
def test_an_upload_is_analysed_with_progress_and_imported_once(session, engine, catalog):
    _, supplier = catalog
    lines = [f"R-{i};Produit numéro {i};unité;1;{i},50;" for i in range(1, 1201)]
    upload = start_upload(
        session, supplier.id, "gros.csv", price_list(*lines), UploadLimits(), actor=None
    )
    session.commit()
    sessions = make_session_factory(engine)
    analyse_upload(sessions, upload.id, UploadLimits())
    session.expire_all()
    upload = session.get(CatalogUpload, upload.id)
    assert upload.status == "ready"
    assert upload.progress_done == upload.progress_total == 1200
    assert upload.summary["counts"]["create"] == 1200
    _, result = confirm_upload(session, upload.id, UploadLimits(), actor=None)
    session.commit()
    assert result.created == 1200
    with pytest.raises(UploadRefused, match="already been imported"):
        confirm_upload(session, upload.id, UploadLimits(), actor=None)
    assert session.scalar(select(func.count(Offer.id))) == 1200


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"x" * 2000, "more than the")],
)
def test_an_empty_or_oversized_upload_is_refused_at_once(session, catalog, data, message):
    _, supplier = catalog
    with pytest.raises(UploadRefused, match=message):
        start_upload(session, supplier.id, "t.csv", data, UploadLimits(max_bytes=1000), actor=None)
    assert session.scalar(select(func.count(CatalogUpload.id))) == 0


def test_a_file_that_is_not_a_spreadsheet_is_shown_invalid(session, engine, catalog):
    _, supplier = catalog
    upload = start_upload(
        session, supplier.id, "t.csv", b"%PDF-1.7\n...", UploadLimits(), actor=None
    )
    session.commit()
    analyse_upload(make_session_factory(engine), upload.id, UploadLimits())
    session.expire_all()
    upload = session.get(CatalogUpload, upload.id)
    assert upload.status == "invalid"
    assert upload.summary["messages"]
    with pytest.raises(UploadRefused):
        confirm_upload(session, upload.id, UploadLimits(), actor=None)
    assert session.scalar(select(func.count(ProductMatch.id))) == 0


def test_a_supplier_entered_twice_is_flagged_in_the_preview(session, catalog, make):
    _, supplier = catalog
    twin = make.supplier("Papeterie Stanislas SARL", town=supplier.town)
    make.supplier("Papeterie Stanislas", town="Lyon")
    plan = plan_import(session, supplier.id, price_list("P-1;Ramette;ramette;5;4,20;"), "t.csv")
    assert [(d["supplier_id"], d["reason"]) for d in plan.summary()["duplicates"]] == [
        (twin.id, "near-identical name in the same town")
    ]


def test_an_import_and_a_review_are_in_the_audit_trail(session, catalog, make):
    from persistence.audit import AuditEvent

    paper, supplier = catalog
    make.product("Ramette papier A4 recyclé 90 g")
    lead = make.user("lead")
    plan = plan_import(
        session, supplier.id, price_list("P-9;Ramette A4 recyclée;ramette;5;4,20;"), "t.csv"
    )
    apply_import(session, plan, actor=lead)
    (match,) = pending_matches(session)
    resolve_match(session, match.id, paper.id, actor=lead)
    trail = [
        (event.action, event.user_id, event.object_type)
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]
    assert ("catalog.import", lead.id, "supplier") in trail
    assert any(action.startswith("product_match.") and user == lead.id for action, user, _ in trail)
