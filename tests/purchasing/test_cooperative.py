"""The cooperative's record: checked numbers, the buyer on every document, the identity an issued
order keeps, and PDF/A-3 files that an archive accepts."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import IndirectObject
from sqlalchemy import func, select

from infrastructure.documents import Party, StatementDocument, StatementLine, statement_pdf
from persistence.audit import AuditEvent
from purchasing.errors import Invalid
from purchasing.models import Cooperative, IssuedOrder
from purchasing.orders.order_document import order_files
from purchasing.orders.orders import mark_sent_by_hand
from purchasing.people.cooperative import (
    DEFAULT_NAME,
    cooperative_record,
    read_cooperative,
    update_cooperative,
)
from tests.purchasing.orders_setup import approved_batch, pdf_text

GRAND_NANCY = {
    "name": "Coachat Grand Nancy",
    "legal_form": "SCIC SAS à capital variable",
    "siren": "894127653",
    "siret": "894 127 653 00018",
    "vat_number": "FR 67 894127653",
    "address": "18 rue de la Visitation",
    "postcode": "54000",
    "town": "Nancy",
    "contact_name": "Julien Marchal",
    "email": "achats@grand-nancy.example",
    "phone": "03 53 48 20 54",
    "iban": "FR76 4255 9100 0008 0041 2765 091",
    "bic": "ccopfrppxxx",
    "sepa_creditor_id": "FR06ZZZ8F3A21",
    "payment_terms_days": "30",
    "late_penalty_rate": "10,5 %",
}


def png(size=(40, 20), mode="RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, {"RGBA": (30, 110, 60, 255), "L": 90}[mode]).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_record_is_read_compact_and_saved_with_the_audit_trail(session):
    values = read_cooperative(GRAND_NANCY)
    assert (values.siren, values.siret, values.vat_number) == (
        "894127653",
        "89412765300018",
        "FR67894127653",
    )
    assert (values.iban, values.bic) == ("FR7642559100000800412765091", "CCOPFRPPXXX")
    assert values.payment_terms_days == 30 and values.late_penalty_rate == Decimal("0.105")
    update_cooperative(session, values, actor=None)
    record = session.get(Cooperative, 1)
    assert record.name == "Coachat Grand Nancy" and record.sepa_creditor_id == "FR06ZZZ8F3A21"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "cooperative.update"))
    assert "siret" in event.details["fields"]


def test_a_siret_or_a_vat_number_alone_gives_the_siren():
    assert read_cooperative({"name": "C", "siret": "89412765300018"}).siren == "894127653"
    assert read_cooperative({"name": "C", "vat_number": "67894127653"}).siren == "894127653"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siren", "894127654"),
        ("siret", "89412765300019"),
        ("vat_number", "FR68894127653"),
        ("iban", "FR76 4255 9100 0008 0041 2765 092"),
        ("bic", "CCOP"),
        ("sepa_creditor_id", "FR07ZZZ8F3A21"),
        ("payment_terms_days", "90"),
        ("late_penalty_rate", "douze"),
        ("email", "achats"),
        ("country", "France"),
        ("name", " "),
    ],
)
def test_a_wrong_value_is_refused_on_its_field(field, value):
    with pytest.raises(Invalid) as refused:
        read_cooperative(GRAND_NANCY | {field: value})
    assert set(refused.value.errors) == {field}


def test_the_three_french_numbers_must_name_one_company():
    other_siret = "73282932000074"  # a valid SIRET of another SIREN
    with pytest.raises(Invalid) as refused:
        read_cooperative(GRAND_NANCY | {"siret": other_siret})
    assert set(refused.value.errors) == {"siret"}
    assert "894127653" in refused.value.errors["siret"].render()


def test_a_logo_is_a_png_or_jpeg_image_of_reasonable_size():
    assert read_cooperative({"name": "C", "logo": png()}).logo_type == "png"
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    for wrong in (buffer.getvalue(), b"not an image", png()[:60], png(size=(2500, 10), mode="L")):
        with pytest.raises(Invalid) as refused:
            read_cooperative({"name": "C", "logo": wrong})
        assert set(refused.value.errors) == {"logo"}
    with pytest.raises(Invalid):
        read_cooperative({"name": "C", "logo": b"\x89PNG" + bytes(600 * 1024)})


def test_without_a_record_the_documents_name_a_generic_cooperative(session):
    assert cooperative_record(session).name == DEFAULT_NAME
    assert session.scalar(select(func.count()).select_from(Cooperative)) == 0


def test_a_purchase_order_names_the_cooperative_as_its_record_does(session, make, sessions):
    update_cooperative(session, read_cooperative(GRAND_NANCY), actor=None)
    approved = approved_batch(session, make, sessions)
    files = order_files(session, approved.orders(session)[0])
    text = pdf_text(files.pdf)
    assert "Acheteur\nCoachat Grand Nancy\nSCIC SAS à capital variable" in text
    assert "18 rue de la Visitation\n54000 Nancy" in text
    assert "SIRET 89412765300018" in text and "TVA intracommunautaire FR67894127653" in text
    assert "Julien Marchal\nachats@grand-nancy.example · 03 53 48 20 54" in text
    csv = files.csv.decode("utf-8-sig")
    assert (
        "Acheteur : Coachat Grand Nancy, SCIC SAS à capital variable, SIRET 89412765300018" in csv
    )


def test_an_issued_order_keeps_its_bytes_and_its_buyer_when_the_record_changes(
    session, make, sessions
):
    update_cooperative(session, read_cooperative(GRAND_NANCY), actor=None)
    approved = approved_batch(session, make, sessions)
    sent, draft = approved.orders(session)
    mark_sent_by_hand(session, sent.id, actor=approved.lead)
    issued = order_files(session, sent)
    renamed = GRAND_NANCY | {"name": "Coachat Sud Lorraine", "logo": png()}
    update_cooperative(session, read_cooperative(renamed), actor=None)
    sent.lines[0].offer.product.name = "Ramette renommée"
    session.flush()
    session.expire_all()
    assert order_files(session, sent) == issued
    assert "Coachat Grand Nancy" in pdf_text(issued.pdf)
    stored = session.get(IssuedOrder, sent.id)
    assert stored.buyer["name"] == "Coachat Grand Nancy" and stored.buyer["siret"]
    assert "Coachat Sud Lorraine" in pdf_text(order_files(session, draft).pdf)


def _resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def assert_pdf_a3(data: bytes) -> None:
    """Every font embedded as TrueType, PDF/A-3B declared in the XMP packet, and an sRGB
    output intent with its ICC profile: what an archive or an e-invoicing validator asks."""
    reader = PdfReader(io.BytesIO(data))
    fonts = {}
    for page in reader.pages:
        for font in _resolved(page["/Resources"])["/Font"].values():
            font = _resolved(font)
            fonts[str(font["/BaseFont"])] = font
    assert fonts
    for name, font in fonts.items():
        descendants = font.get("/DescendantFonts")
        described = _resolved(_resolved(descendants)[0]) if descendants else font
        descriptor = _resolved(described["/FontDescriptor"])
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
        assert "Helvetica" not in name
    xmp = _resolved(reader.trailer["/Root"]["/Metadata"]).get_data().decode()
    assert re.search(r"pdfaid:part(=\"|>)3", xmp)
    assert re.search(r"pdfaid:conformance(=\"|>)B", xmp)
    (intent,) = [_resolved(i) for i in _resolved(reader.trailer["/Root"]["/OutputIntents"])]
    assert intent["/S"] == "/GTS_PDFA1"
    profile = _resolved(intent["/DestOutputProfile"]).get_data()
    assert profile[36:40] == b"acsp" and profile[16:20] == b"RGB "


def test_an_order_pdf_is_pdf_a3_with_its_fonts_embedded(session, make, sessions):
    update_cooperative(session, read_cooperative(GRAND_NANCY | {"logo": png()}), actor=None)
    approved = approved_batch(session, make, sessions)
    assert_pdf_a3(order_files(session, approved.orders(session)[0]).pdf)


def test_a_statement_pdf_is_pdf_a3_with_its_fonts_embedded():
    document = StatementDocument(
        member=Party(name="Atelier Vélo", siret="89412765300018"),
        buyer=Party(name="Coachat Grand Nancy", vat_number="FR67894127653"),
        round_name="Tour de décembre",
        batch_id=1,
        issued_on=date(2026, 12, 5),
        lines=(
            StatementLine(
                need_id=1,
                product="Savon liquide 5 L — œuvre ✓ 日本",
                supplier="Droguerie Verte",
                order_number="BC-2026-0001",
                ordered=Decimal(3),
                received=Decimal(3),
                unit="unit",
                unit_price=Decimal("11.90"),
                goods=Decimal("35.70"),
                shares=Decimal("2.10"),
                settled=True,
            ),
        ),
        goods=Decimal("35.70"),
        fees=Decimal("2.10"),
        total=Decimal("37.80"),
        alone_total=Decimal("45.00"),
        savings=Decimal("7.20"),
        co2_kg=Decimal("1.2"),
        alone_co2_kg=Decimal("3.4"),
        provisional=True,
        notes=("Savon liquide 5 L : 2 reçus sur 3 commandés.",),
    )
    data = statement_pdf(document)
    assert_pdf_a3(data)
    assert "Savon liquide 5 L — œuvre ✓" in pdf_text(data)
