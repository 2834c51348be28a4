"""A lead imports a price list through the pages: preview, adjust columns, import, review."""

from __future__ import annotations

import io
import re
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from persistence.jobs import Job
from scheduling.jobs import work_jobs
from suppliers.models import CatalogUpload, Offer, ProductMatch
from suppliers.uploads import ANALYSIS_JOB
from tests.conftest import sign_in
from web import create_app
from web.cli import main

GOOD = (
    "Réf.;Désignation;Unité;Colisage;Prix HT\n"
    "P-1;Ramette papier A4 recyclé 80 g;ramette;5;4,20\n"
    "P-2;Agrafeuse métal 25 feuilles;unité;1;12,00\n"
).encode("cp1252")
BAD = (
    "Réf.;Désignation;Unité;Colisage;Prix HT\n"
    "P-1;Ramette papier A4 recyclé 80 g;ramette;0;4,20\n"
    "P-1;Agrafeuse;unité;1;abc\n"
).encode("cp1252")


@pytest.fixture
def lead_app(app):
    app.config["IMPORT_ANALYSIS_INLINE"] = True
    return app


@pytest.fixture
def supplier(make):
    make.product("Ramette papier A4 recyclé 80 g")
    return make.supplier("Papeterie Stanislas")


def upload(client, supplier, data, name="tarifs.csv"):
    return client.post(
        "/catalog/imports/new",
        data={"supplier_id": str(supplier.id), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def offers(session):
    session.expire_all()
    return session.scalar(select(func.count(Offer.id)))


def test_a_lead_previews_then_imports_a_price_list(lead_app, signed_in, make, supplier, session):
    client = signed_in(make.user("lead"))
    response = upload(client, supplier, GOOD)
    assert response.status_code == 302
    preview = client.get(response.location).get_data(as_text=True)
    assert "prêt à importer" in preview, preview[preview.find("<main>") :]
    assert "Agrafeuse métal 25 feuilles" in preview
    assert offers(session) == 0
    upload_id = session.scalar(select(CatalogUpload.id))
    done = client.post(f"/catalog/imports/{upload_id}/confirm", follow_redirects=True)
    assert "2 offres créées" in done.get_data(as_text=True)
    assert offers(session) == 2
    again = client.post(f"/catalog/imports/{upload_id}/confirm", follow_redirects=True)
    assert "déjà été importé" in again.get_data(as_text=True)
    assert offers(session) == 2


def test_the_analysis_is_a_job_that_outlives_the_web_worker(
    app, database_url, signed_in, make, supplier, session, sessions
):
    lead = make.user("lead")
    client = signed_in(lead)
    threads = set(threading.enumerate())
    response = upload(client, supplier, GOOD)
    assert response.status_code == 302
    assert set(threading.enumerate()) == threads  # nothing works beside the request
    upload_id = session.scalar(select(CatalogUpload.id))
    job = session.scalar(select(Job).where(Job.kind == ANALYSIS_JOB))
    assert (job.status, job.params["upload_id"]) == ("queued", upload_id)
    assert "en cours d’analyse" in client.get(response.location).get_data(as_text=True)

    # The web worker goes away and another one starts: the analysis is still to be done.
    app.extensions["coachat.engine"].dispose()
    restarted = create_app({name: app.config[name] for name in RESTART_SETTINGS})
    try:
        again = restarted.test_client()
        sign_in(again, lead)
        progress = again.get(f"/catalog/imports/{upload_id}/progress").get_json()
        assert progress["status"] == "analysing"
        assert work_jobs(sessions) == 1  # the scheduler, no thread
        assert work_jobs(sessions) == 0
        page = again.get(f"/catalog/imports/{upload_id}").get_data(as_text=True)
        assert "prêt à importer" in page and "Agrafeuse métal 25 feuilles" in page
        progress = again.get(f"/catalog/imports/{upload_id}/progress").get_json()
        assert progress == {"status": "ready", "done": 2, "total": 2}
        session.expire_all()
        assert session.get(Job, job.id).status == "done"
        assert offers(session) == 0
    finally:
        restarted.extensions["coachat.engine"].dispose()


RESTART_SETTINGS = ("TESTING", "DATABASE_URL", "SECRET_KEY", "WTF_CSRF_ENABLED")


def test_every_bad_row_is_listed_and_nothing_can_be_imported(
    lead_app, signed_in, make, supplier, session
):
    client = signed_in(make.user("lead"))
    page = client.get(upload(client, supplier, BAD).location).get_data(as_text=True)
    assert "ligne 2" in page and "ligne 3" in page
    assert "erreurs à corriger" in page
    upload_id = session.scalar(select(CatalogUpload.id))
    client.post(f"/catalog/imports/{upload_id}/confirm")
    assert offers(session) == 0


def test_columns_can_be_adjusted_before_import(lead_app, signed_in, make, supplier, session):
    data = "Code;Libellé article;Tarif;Divers\nA-1;Crayons HB;3,10;12,00\n".encode()
    client = signed_in(make.user("lead"))
    upload(client, supplier, data)
    upload_id = session.scalar(select(CatalogUpload.id))
    response = client.post(
        f"/catalog/imports/{upload_id}/mapping",
        data={"field-reference": "Code", "field-name": "Libellé article", "field-price": "Divers"},
    )
    assert response.status_code == 302
    session.expire_all()
    summary = session.get(CatalogUpload, upload_id).summary
    assert summary["ok"] and summary["lines"][0]["price"].startswith("12")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [(b"", "vide.csv", "vide"), (b"\x89PNG\r\n\x1a\n....", "image.csv", "")],
)
def test_an_unusable_file_changes_nothing(
    lead_app, signed_in, make, supplier, session, data, name, message
):
    client = signed_in(make.user("lead"))
    response = upload(client, supplier, data, name)
    if response.status_code == 302:
        page = client.get(response.location).get_data(as_text=True)
        assert "erreurs à corriger" in page
    else:
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert offers(session) == 0


def test_members_cannot_import(signed_in, make, supplier):
    client = signed_in(make.user("member"))
    assert client.get("/catalog/imports/new").status_code == 403
    assert upload(client, supplier, GOOD).status_code == 403
    assert client.post("/catalog/imports/1/undo").status_code == 403


def test_the_lead_resolves_a_doubtful_match(lead_app, signed_in, make, supplier, session):
    make.product("Ramette papier A4 recyclé 90 g")
    data = "Réf.;Désignation;Prix HT\nX-1;Ramette A4 recyclée;4,20\n".encode()
    client = signed_in(make.user("lead"))
    upload(client, supplier, data)
    upload_id = session.scalar(select(CatalogUpload.id))
    client.post(f"/catalog/imports/{upload_id}/confirm")
    page = client.get("/catalog/matches").get_data(as_text=True)
    assert "Ramette A4 recyclée" in page
    match = session.scalars(select(ProductMatch)).one()
    client.post(f"/catalog/matches/{match.id}", data={"product_id": "new"})
    session.expire_all()
    match = session.get(ProductMatch, match.id)
    assert match.status == "new_product"
    assert match.offer.product.name == "Ramette A4 recyclée"
    assert "Ramette A4 recyclée" not in client.get("/catalog/matches").get_data(as_text=True)


def test_the_preview_and_the_review_queue_say_in_french_why_a_line_waits(
    lead_app, signed_in, make, supplier, session
):
    envelopes = make.product("Enveloppes kraft C5 - boîte de 500", unit="box")
    for price in ("10.00", "11.50", "13.00"):
        make.offer(envelopes, price=price)
    data = "Réf.;Désignation;Unité;Prix HT\nK-5;Enveloppes kraft C5 - boîte de 500;boîte;0,45\n"
    client = signed_in(make.user("lead"))
    response = upload(client, supplier, data.encode())
    why = (
        "prix unitaire 0,45 € loin de celui des autres offres de ce produit "
        "(médiane 11,50 € sur 3 offres)"
    )
    preview = client.get(response.location).get_data(as_text=True)
    assert why in preview.replace("\u202f", " ").replace("\xa0", " ")
    upload_id = session.scalar(select(CatalogUpload.id))
    client.post(f"/catalog/imports/{upload_id}/confirm")
    page = client.get("/catalog/matches").get_data(as_text=True)
    assert "Pourquoi" in page and why in page.replace("\u202f", " ").replace("\xa0", " ")


def test_the_command_line_imports_all_or_nothing(
    database_url, make, supplier, session, tmp_path, monkeypatch
):
    session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(BAD)
    good.write_bytes(GOOD)
    runner = CliRunner()
    refused = runner.invoke(main, ["catalog", "import", str(bad), "--supplier", supplier.name])
    assert refused.exit_code == 2 and "ligne 3" in refused.output
    assert offers(session) == 0
    dry = runner.invoke(
        main, ["catalog", "import", str(good), "--supplier", supplier.siret, "--dry-run"]
    )
    assert dry.exit_code == 0 and "2 to create" in dry.output
    assert offers(session) == 0
    done = runner.invoke(main, ["catalog", "import", str(good), "--supplier", str(supplier.id)])
    assert done.exit_code == 0, done.output
    assert offers(session) == 2
    unknown = runner.invoke(main, ["catalog", "import", str(good), "--supplier", "Nobody"])
    assert unknown.exit_code == 1 and "Nobody" in unknown.output


def test_the_command_line_deactivates_missing_offers_only_with_complete(
    database_url, make, supplier, session, tmp_path, monkeypatch
):
    session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    good, partial = tmp_path / "good.csv", tmp_path / "partial.csv"
    good.write_bytes(GOOD)
    partial.write_bytes(GOOD.replace(b"P-2;Agrafeuse m\xe9tal 25 feuilles;unit\xe9;1;12,00\n", b""))
    runner = CliRunner()
    command = ["catalog", "import", "--supplier", supplier.name]
    assert runner.invoke(main, [*command, str(good)]).exit_code == 0
    kept = runner.invoke(main, [*command, str(partial)])
    assert kept.exit_code == 0, kept.output
    assert "0 to deactivate" in kept.output and "1 offer(s) missing" in kept.output
    assert active_references(session) == ["P-1", "P-2"]
    done = runner.invoke(main, [*command, str(partial), "--complete"])
    assert done.exit_code == 0, done.output
    assert "1 to deactivate" in done.output and "1 deactivated" in done.output
    assert active_references(session) == ["P-1"]


def test_the_preview_counts_what_a_reimport_would_do(lead_app, signed_in, make, supplier, session):
    client = signed_in(make.user("lead"))
    upload(client, supplier, GOOD)
    first = session.scalar(select(CatalogUpload.id))
    client.post(f"/catalog/imports/{first}/confirm")
    changed = GOOD.replace(b"12,00", b"11,50").replace(b"P-1;", b"P-9;")
    page = client.get(upload(client, supplier, changed).location).get_data(as_text=True)
    cards = {
        label: value
        for value, label in re.findall(
            r'<div class="value">([^<]*)</div><div class="label">([^<]*)</div>', page
        )
    }
    assert cards["offres à créer"] == "1"
    assert cards["offres à mettre à jour"] == "1"
    assert cards["offres absentes du fichier"] == "1"
    assert "11,50\u00a0€" in page


def the_upload(session):
    return session.scalars(select(CatalogUpload).order_by(CatalogUpload.id.desc())).first()


def active_references(session):
    session.expire_all()
    return sorted(o.supplier_ref for o in session.scalars(select(Offer).where(Offer.active)))


def test_a_partial_price_list_keeps_the_missing_offers_unless_the_lead_says_otherwise(
    lead_app, signed_in, make, supplier, session
):
    client = signed_in(make.user("lead"))
    upload(client, supplier, GOOD)
    client.post(f"/catalog/imports/{the_upload(session).id}/confirm")
    partial = GOOD.replace(b"P-2;Agrafeuse m\xe9tal 25 feuilles;unit\xe9;1;12,00\n", b"")
    page = client.get(upload(client, supplier, partial).location).get_data(as_text=True)
    checkbox = page.split('name="complete"')[1].split(">")[0]
    assert "checked" not in checkbox
    assert "Importer 1 ligne et garder l’offre absente" in page
    assert "Ce fichier est le catalogue complet du fournisseur" in page
    assert "Agrafeuse métal 25 feuilles" in page.split('id="missing"')[1]
    client.post(f"/catalog/imports/{the_upload(session).id}/confirm")
    assert active_references(session) == ["P-1", "P-2"]
    upload(client, supplier, partial)
    client.post(f"/catalog/imports/{the_upload(session).id}/confirm", data={"complete": "1"})
    assert active_references(session) == ["P-1"]


def test_the_lead_undoes_an_import_from_its_page(lead_app, signed_in, make, supplier, session):
    client = signed_in(make.user("lead"))
    upload(client, supplier, GOOD)
    upload_id = the_upload(session).id
    client.post(f"/catalog/imports/{upload_id}/confirm")
    assert offers(session) == 2
    page = client.get(f"/catalog/imports/{upload_id}").get_data(as_text=True)
    assert "Annuler cet import" in page
    done = client.post(f"/catalog/imports/{upload_id}/undo", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "Import annulé : 2 offres retirées" in text
    assert "import annulé" in text and "Annuler cet import" not in text
    assert offers(session) == 0
    again = client.post(f"/catalog/imports/{upload_id}/undo", follow_redirects=True)
    assert "déjà été annulé" in again.get_data(as_text=True)


def test_the_command_line_import_says_who_imported_in_the_audit_trail(
    database_url, make, supplier, session, tmp_path, monkeypatch
):
    from persistence.audit import AuditEvent

    lead = make.user("lead", email="achats@coop.fr")
    session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    runner = CliRunner()
    unknown = runner.invoke(
        main, ["catalog", "import", str(good), "--supplier", supplier.name, "--as", "x@y.fr"]
    )
    assert unknown.exit_code == 1 and "x@y.fr" in unknown.output
    by_shell = runner.invoke(main, ["catalog", "import", str(good), "--supplier", supplier.name])
    by_lead = runner.invoke(
        main, ["catalog", "import", str(good), "--supplier", supplier.name, "--as", lead.email]
    )
    assert by_shell.exit_code == 0 and by_lead.exit_code == 0, by_shell.output + by_lead.output
    session.expire_all()
    imports = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "catalog.import").order_by(AuditEvent.id)
    ).all()
    assert [(event.user_id, event.details.get("by")) for event in imports] == [
        (None, "command line"),
        (lead.id, None),
    ]
