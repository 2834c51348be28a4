"""The admin keeps the cooperative's record on its page; a wrong number is refused on its field and
nothing is stored; nobody else may open the page."""

from __future__ import annotations

import html
import io

from PIL import Image
from sqlalchemy import func, select

from purchasing.models import Cooperative
from tests.conftest import page_words

RECORD = {
    "name": "Coachat Grand Nancy",
    "legal_form": "SCIC SAS à capital variable",
    "siren": "894 127 653",
    "siret": "894 127 653 00018",
    "vat_number": "FR67894127653",
    "address": "18 rue de la Visitation",
    "postcode": "54000",
    "town": "Nancy",
    "country": "FR",
    "contact_name": "Julien Marchal",
    "email": "achats@grand-nancy.example",
    "phone": "03 53 48 20 54",
    "iban": "FR76 4255 9100 0008 0041 2765 091",
    "bic": "CCOPFRPPXXX",
    "sepa_creditor_id": "FR06ZZZ8F3A21",
    "payment_terms_days": "30",
    "late_penalty_rate": "12",
}


def shown(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _logo() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), (30, 110, 60)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def test_the_admin_keeps_the_cooperatives_record(signed_in, make, session):
    client = signed_in(make.user("admin"))
    assert 'value="Coopérative d\'achats coachat"' in shown(client.get("/admin/cooperative"))
    data = RECORD | {"logo": (_logo(), "logo.png")}
    saved = client.post("/admin/cooperative", data=data, content_type="multipart/form-data")
    assert saved.status_code == 302
    session.expire_all()
    record = session.get(Cooperative, 1)
    assert (record.name, record.siret, record.iban) == (
        "Coachat Grand Nancy",
        "89412765300018",
        "FR7642559100000800412765091",
    )
    assert record.logo_type == "png" and record.late_penalty_rate * 100 == 12
    page = shown(client.get("/admin/cooperative"))
    assert 'value="Coachat Grand Nancy"' in page and 'value="12"' in page
    assert 'value="SCIC SAS à capital variable"' in page
    assert client.get("/admin/cooperative/logo").data == record.logo
    kept = client.post("/admin/cooperative", data=RECORD | {"remove_logo": "y"})
    assert kept.status_code == 302
    session.expire_all()
    assert session.get(Cooperative, 1).logo is None


def test_a_wrong_siren_or_iban_is_refused_on_its_field_and_nothing_is_stored(
    signed_in, make, session
):
    client = signed_in(make.user("admin"))
    for field, value, said in (
        ("siren", "894127654", "Un SIREN compte 9 chiffres"),
        ("iban", "FR76 4255 9100 0008 0041 2765 092", "Cet IBAN n’est pas valide"),
    ):
        answer = client.post("/admin/cooperative", data=RECORD | {field: value})
        assert answer.status_code == 422
        page = answer.get_data(as_text=True)
        assert said in page_words(answer)
        assert f'id="{field}" ' in page and 'aria-invalid="true"' in page
        session.expire_all()
        assert session.scalar(select(func.count()).select_from(Cooperative)) == 0


def test_only_the_admin_opens_the_cooperatives_page(signed_in, make, session, app):
    lead = make.user("lead")
    client = signed_in(lead)
    assert client.get("/admin/cooperative").status_code == 403
    assert client.post("/admin/cooperative", data=RECORD).status_code == 403
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Cooperative)) == 0
