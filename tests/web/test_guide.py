"""The user guide is served with the pages, in French, and linked from every page's footer."""

from __future__ import annotations


def test_the_guide_is_linked_from_the_footer_and_its_pages_link_to_each_other(client):
    login = client.get("/login").get_data(as_text=True)
    assert 'href="/guide/"' in login
    index = client.get("/guide/").get_data(as_text=True)
    assert "Guide d’utilisation de coachat" in index
    assert 'href="membre"' in index and 'href="responsable"' in index
    member = client.get("/guide/membre")
    assert member.status_code == 200
    text = member.get_data(as_text=True)
    assert "Déposer un besoin" in text and '<img alt="Le formulaire de besoin"' in text
    image = client.get("/guide/images/membre-besoin.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()


def test_every_image_of_the_guide_exists():
    import re
    from pathlib import Path

    guide = Path(__file__).resolve().parents[2] / "docs" / "guide"
    for page in guide.glob("*.md"):
        for name in re.findall(r"\]\(images/([^)]+)\)", page.read_text(encoding="utf-8")):
            assert (guide / "images" / name).is_file(), f"{page.name}: images/{name}"


def test_unknown_or_crafted_guide_pages_are_not_found(client):
    for path in ("/guide/absent", "/guide/..%2FREADME", "/guide/images/../index.md"):
        assert client.get(path).status_code == 404


def test_the_guide_explains_tenders_to_the_lead_and_what_the_supplier_sees(client):
    index = client.get("/guide/").get_data(as_text=True)
    assert 'href="appels-d-offres"' in index
    page = client.get("/guide/appels-d-offres")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>Appels d’offres</h1>" in text
    assert "Lancer un appel d’offres" in text and "Ce que voit le fournisseur" in text
    assert "Clore l’appel d’offres maintenant" in text


def test_the_guide_explains_suppliers_invoices_and_payments(client):
    index = client.get("/guide/").get_data(as_text=True)
    assert 'href="factures-fournisseurs"' in index
    page = client.get("/guide/factures-fournisseurs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>Factures fournisseurs et paiements</h1>" in text
    for heading in (
        "Recevoir les factures",
        "Le rapprochement à trois : commande, livraisons, facture",
        "Les coordonnées bancaires des fournisseurs",
        "Payer les fournisseurs",
        "Le journal des achats dans le FEC",
        "Le résultat du lot",
    ):
        assert f">{heading}</h2>" in text, heading
    assert "coachat payments transfers --due-by 2027-03-31 -o virements.xml" in text
    assert "jamais par son nom" in " ".join(text.split())


def test_the_money_page_is_linked_from_the_index_and_served(client):
    index = client.get("/guide/").get_data(as_text=True)
    assert 'href="factures-et-encaissements"' in index
    page = client.get("/guide/factures-et-encaissements")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<title>" in text and "Factures et encaissements" in text
    for heading in (
        "Émettre les factures d’un lot",
        "Le compte de chaque membre",
        "Enregistrer un paiement",
        "Prélèvement SEPA interentreprises",
        "Importer le relevé bancaire",
        "Relances",
        "Les fichiers de l’expert-comptable",
        "Les paramètres de facturation",
        "Une plateforme agréée (PA/PDP)",
    ):
        assert f"<h2>{heading}</h2>" in text, heading
    assert 'href="index"' in text


def test_the_commands_and_settings_the_money_page_names_are_those_of_the_application():
    import re
    from pathlib import Path

    from money.models import BillingSettings
    from web.cli import main

    guide = Path(__file__).resolve().parents[2] / "docs" / "guide"
    text = (guide / "factures-et-encaissements.md").read_text(encoding="utf-8")
    named = re.findall(r"`coachat ([a-z-]+) ([a-z-]+)", text)
    assert len(named) >= 6
    for group, command in named:
        assert command in main.commands[group].commands, f"coachat {group} {command}"  # type: ignore[attr-defined]
    defaults = {c.name: c.default.arg for c in BillingSettings.__table__.columns if c.default}
    assert defaults["reminder_days"] == defaults["prenotice_days"] == 14
    flat = " ".join(text.split())
    assert "14 jours" in flat
    for account in ("account_members", "account_goods", "account_services", "account_fee",
                    "account_dues", "account_vat_collected", "account_bank",
                    "account_suppliers"):  # fmt: skip
        assert f"{defaults[account]} " in flat, account
    for page in re.findall(r"\]\(([a-z-]+)\.md\)", text):
        assert (guide / f"{page}.md").is_file(), page
