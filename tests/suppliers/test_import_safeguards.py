"""An imported line cannot put a wrong price into the catalog: a price far from the product's
other offers, or a box where the product is sold by the unit, waits for the lead; the offers
missing from a partial price list stay active; an import can be undone as a whole."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from persistence.audit import AuditEvent
from suppliers.errors import Euros, Message
from suppliers.import_undo import UndoRefused, undo_import
from suppliers.imports import apply_import, plan_import
from suppliers.models import CatalogUpload, Offer, Product, ProductMatch
from suppliers.uploads import UploadLimits, UploadRefused, confirm_upload, start_upload

HEADER = "Référence;Désignation;Unité;Conditionnement;Prix unitaire HT\n"


def price_list(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("cp1252")


def nothing_used(offer_ids):
    return set()


@pytest.fixture
def envelopes_by_the_box(make):
    """Kraft envelopes the catalog sells by the box of 500, offered at 10 to 13 € a box."""
    box = make.product("Enveloppes kraft C5 - boîte de 500", unit="box")
    for price in ("10.00", "11.50", "13.00"):
        make.offer(box, price=price)
    return box


def only_line(session, supplier, *lines):
    plan = plan_import(session, supplier.id, price_list(*lines), "tarifs.csv")
    assert plan.ok, plan.catalog.messages
    (line,) = plan.lines
    return line.product


def test_a_unit_price_far_below_the_products_other_offers_goes_to_review(
    session, make, envelopes_by_the_box
):
    supplier = make.supplier("Papeterie Stanislas")
    choice = only_line(session, supplier, "K-5;Enveloppes kraft C5 - boîte de 500;boîte;1;0,45")
    assert choice.product_id == envelopes_by_the_box.id
    assert choice.verdict == "review"
    (reason,) = choice.reasons
    assert reason.params == {"price": Euros(Decimal("0.45")), "median": Euros(Decimal("11.50")),
                             "offers": 3}  # fmt: skip
    assert reason.render() == (
        "unit price 0.45 € far from the product's other offers (median 11.50 € of 3 offers)"
    )


def test_a_unit_price_far_above_the_products_other_offers_goes_to_review(
    session, make, envelopes_by_the_box
):
    supplier = make.supplier("Papeterie Stanislas")
    choice = only_line(session, supplier, "K-5;Enveloppes kraft C5 - boîte de 500;boîte;1;40,00")
    assert choice.verdict == "review"
    assert choice.reasons[0].params["median"] == Euros(Decimal("11.50"))


def test_a_price_in_line_with_the_other_offers_is_matched_automatically(
    session, make, envelopes_by_the_box
):
    supplier = make.supplier("Papeterie Stanislas")
    choice = only_line(session, supplier, "K-5;Enveloppes kraft C5 - boîte de 500;boîte;1;12,00")
    assert (choice.verdict, choice.product_id) == ("auto", envelopes_by_the_box.id)


def test_a_box_of_500_against_a_product_sold_by_the_unit_goes_to_review(session, make):
    single = make.product("Enveloppes kraft C5", unit="unit")
    supplier = make.supplier("Papeterie Stanislas")
    choice = only_line(session, supplier, "K-5;Enveloppes kraft C5 - boîte de 500;;1;11,00")
    assert choice.product_id == single.id
    assert choice.verdict == "review"
    assert [r.render() for r in choice.reasons] == ["line in lots of 500, product sold by the unit"]


def test_a_line_sold_by_the_box_against_a_product_sold_by_the_unit_goes_to_review(session, make):
    make.product("Enveloppes kraft C5", unit="unit")
    supplier = make.supplier("Papeterie Stanislas")
    choice = only_line(session, supplier, "K-5;Enveloppes kraft C5;boîte;1;11,00")
    assert choice.verdict == "review"
    assert "line sold by the box, product sold by the unit" in [r.render() for r in choice.reasons]
    same_unit = only_line(session, supplier, "K-5;Enveloppes kraft C5;unité;1;0,05")
    assert same_unit.verdict == "auto"


def test_the_doubtful_line_waits_in_the_review_queue_with_its_reason(
    session, make, envelopes_by_the_box
):
    supplier = make.supplier("Papeterie Stanislas")
    plan = plan_import(
        session,
        supplier.id,
        price_list("K-5;Enveloppes kraft C5 - boîte de 500;boîte;1;0,45"),
        "tarifs.csv",
    )
    apply_import(session, plan, actor=None)
    match = session.scalars(select(ProductMatch)).one()
    assert [Message.from_data(r) for r in match.reasons] == [
        Message(
            "unit price %(price)s far from the product's other offers "
            "(median %(median)s of %(offers)d offers)",
            {"price": Euros(Decimal("0.45")), "median": Euros(Decimal("11.50")), "offers": 3},
        )
    ]
    assert plan.summary()["lines"][0]["reasons"] == match.reasons


@pytest.fixture
def supplier_with_three_offers(session, make):
    make.product("Ramette papier A4 recyclé 80 g")
    supplier = make.supplier("Papeterie Stanislas")
    apply_import(
        session,
        plan_import(
            session,
            supplier.id,
            price_list(
                "P-1;Ramette papier A4 recyclé 80 g;ramette;5;4,20",
                "P-2;Agrafeuse métal 25 feuilles;unité;1;12,00",
                "P-3;Trombones acier 32 mm - boîte de 100;boîte;1;1,10",
            ),
            "v1.csv",
        ),
        actor=None,
    )
    return supplier


def active_references(session):
    session.expire_all()
    return sorted(o.supplier_ref for o in session.scalars(select(Offer).where(Offer.active)))


def test_a_partial_price_list_keeps_the_offers_it_does_not_name(
    session, supplier_with_three_offers
):
    supplier = supplier_with_three_offers
    partial = price_list("P-1;Ramette papier A4 recyclé 80 g;ramette;5;4,10")
    plan = plan_import(session, supplier.id, partial, "promo.csv")
    assert [name for _, _, name in plan.missing] == [
        "Agrafeuse métal 25 feuilles",
        "Trombones acier 32 mm - boîte de 100",
    ]
    assert plan.counts()["missing"] == 2 and plan.counts()["deactivate"] == 0
    result = apply_import(session, plan, actor=None)
    assert result.deactivated == 0
    assert active_references(session) == ["P-1", "P-2", "P-3"]


def test_a_complete_catalog_deactivates_the_offers_it_does_not_name(
    session, supplier_with_three_offers
):
    supplier = supplier_with_three_offers
    full = price_list("P-1;Ramette papier A4 recyclé 80 g;ramette;5;4,10")
    plan = plan_import(session, supplier.id, full, "catalogue.csv", complete=True)
    assert plan.counts()["deactivate"] == 2
    assert apply_import(session, plan, actor=None).deactivated == 2
    assert active_references(session) == ["P-1"]


def offer_state(session):
    session.expire_all()
    return sorted(
        (
            o.supplier_ref,
            o.active,
            o.product_id,
            o.pack_size,
            [(t.min_quantity, t.unit_price) for t in o.tiers],
        )
        for o in session.scalars(select(Offer))
    )


@pytest.fixture
def second_import(session, supplier_with_three_offers):
    """A complete catalog that changes P-1's price, drops P-2 and P-3, adds P-4 and P-5."""
    supplier = supplier_with_three_offers
    session.commit()
    before = (offer_state(session), session.scalar(select(func.count(Product.id))))
    data = price_list(
        "P-1;Ramette papier A4 recyclé 80 g;ramette;10;3,90",
        "P-4;Ramette papier A4 recyclé 80 g par 5;ramette;5;4,00",
        "P-5;Cutter de sécurité 9 mm;unité;1;3,20",
    )
    upload = start_upload(session, supplier.id, "catalogue.csv", data, UploadLimits(), actor=None)
    upload.status = "ready"
    _, result = confirm_upload(session, upload.id, UploadLimits(), actor=None, complete=True)
    assert (result.created, result.updated, result.deactivated) == (2, 1, 2)
    session.commit()
    return upload.id, before


def test_an_import_is_undone_as_a_whole(session, second_import):
    upload_id, (offers_before, products_before) = second_import
    assert offer_state(session) != offers_before
    result = undo_import(session, upload_id, offer_in_use=nothing_used, actor=None)
    assert (result.removed, result.restored, result.reactivated) == (2, 1, 2)
    assert result.withdrawn_products == 1  # the cutter, new with this import
    assert offer_state(session) == offers_before
    cutter = session.scalar(select(Product).where(Product.name == "Cutter de sécurité 9 mm"))
    assert not cutter.active
    assert session.scalar(select(func.count(Product.id))) == products_before + 1
    assert session.scalars(select(ProductMatch)).all() == []
    upload = session.get(CatalogUpload, upload_id)
    assert upload.status == "undone" and upload.undone_at is not None
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "catalog.import_undo")
    ).one()
    assert event.details["removed"] == 2 and event.details["upload"] == upload_id


def test_an_undone_import_cannot_be_undone_or_imported_again(session, second_import):
    upload_id, _ = second_import
    undo_import(session, upload_id, offer_in_use=nothing_used, actor=None)
    with pytest.raises(UndoRefused, match="already been undone"):
        undo_import(session, upload_id, offer_in_use=nothing_used, actor=None)
    with pytest.raises(UploadRefused, match="undone"):
        confirm_upload(session, upload_id, UploadLimits(), actor=None)


def test_an_import_whose_offers_a_batch_used_cannot_be_undone(session, second_import):
    upload_id, _ = second_import
    after = offer_state(session)
    used = session.scalar(select(Offer.id).where(Offer.supplier_ref == "P-4"))
    seen = []

    def in_use(offer_ids):
        seen.extend(offer_ids)
        return {used} & set(offer_ids)

    with pytest.raises(UndoRefused, match="P-4"):
        undo_import(session, upload_id, offer_in_use=in_use, actor=None)
    assert used in seen
    assert offer_state(session) == after
    assert session.get(CatalogUpload, upload_id).status == "imported"


def test_an_import_whose_offers_changed_since_cannot_be_undone(session, second_import):
    upload_id, _ = second_import
    offer = session.scalar(select(Offer).where(Offer.supplier_ref == "P-1"))
    offer.lead_time_days = 9
    session.flush()
    with pytest.raises(UndoRefused, match="changed since"):
        undo_import(session, upload_id, offer_in_use=nothing_used, actor=None)
    session.expire_all()
    assert session.scalar(select(Offer).where(Offer.supplier_ref == "P-1")).pack_size == Decimal(10)


def test_reimporting_after_an_undo_brings_the_withdrawn_product_back(session, second_import, make):
    upload_id, _ = second_import
    undo_import(session, upload_id, offer_in_use=nothing_used, actor=None)
    supplier = session.get(CatalogUpload, upload_id).supplier
    plan = plan_import(
        session, supplier.id, price_list("P-5;Cutter de sécurité 9 mm;unité;1;3,20"), "c.csv"
    )
    apply_import(session, plan, actor=None)
    cutter = session.scalar(select(Product).where(Product.name == "Cutter de sécurité 9 mm"))
    assert cutter.active
