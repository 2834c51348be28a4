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
