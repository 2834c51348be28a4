"""The supplier payment pages and commands: bank details proposed by one lead, refused to the
same lead and confirmed by another, a wrong IBAN refused with its message; a held supplier
named on the transfers page; a transfer file built and downloaded; members kept out; the
`coachat payments transfers` and `coachat supplier-bank` commands."""

from __future__ import annotations

import html
from importlib import resources

from click.testing import CliRunner
from lxml import etree
from sqlalchemy import func, select

from money.payables_models import SupplierBankAccount, TransferRun
from persistence.audit import AuditEvent
from tests.money.payables_setup import payables, supplier_invoice

IBAN = "FR7699999000000000123456783"


def text(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def pain_001():
    path = resources.files("sepaxml") / "schemas" / "pain.001.001.03.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def test_new_bank_details_wait_for_another_lead_who_confirms_them(client, signed_in, session, make):
    world = payables(session, make)
    newcomer = make.supplier("Nouveau Fournisseur")
    session.commit()
    signed_in(world.lead)
    page = f"/payables/suppliers/{newcomer.id}/bank"

    assert "Pas de coordonnées bancaires confirmées" in text(client.get(page))
    wrong = client.post(page, data={"iban": IBAN[:-1] + "4", "bic": ""}, follow_redirects=True)
    # The form comes back with the message beside the IBAN typed, to correct it.
    assert wrong.status_code == 422
    assert 'id="iban-error"' in wrong.text and f'value="{IBAN[:-1]}4"' in wrong.text
    assert "Cet IBAN n’est pas valide" in text(wrong)
    assert session.scalar(select(func.count(SupplierBankAccount.id))) == 3
    proposed = client.post(
        page, data={"iban": IBAN, "bic": "AGRIFRPP881", "source": "RIB"}, follow_redirects=True
    )
    assert "un autre responsable des achats ou un administrateur les confirme" in text(proposed)
    assert "suspendus" in text(proposed)
    proposal = session.scalar(
        select(SupplierBankAccount).where(SupplierBankAccount.supplier_id == newcomer.id)
    )

    same = client.post(f"/payables/bank-details/{proposal.id}/confirm", follow_redirects=True)
    assert "Vous avez proposé ces coordonnées bancaires" in text(same)
    session.refresh(proposal)
    assert proposal.state == "proposed"
    assert "Nouveau Fournisseur" in text(client.get("/payables/bank-details"))

    client.post("/logout")
    signed_in(world.other_lead)
    confirmed = client.post(f"/payables/bank-details/{proposal.id}/confirm", follow_redirects=True)
    assert "Les coordonnées bancaires de Nouveau Fournisseur sont confirmées." in text(confirmed)
    session.refresh(proposal)
    assert proposal.state == "active" and proposal.confirmed_by_id == world.other_lead.id


def test_the_lead_builds_a_transfer_file_with_a_held_supplier_named(
    client, signed_in, session, make
):
    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]
    eco = world.suppliers["Éco-Entretien Lorraine"]
    supplier_invoice(session, rhone, "F-118", "100.00")
    supplier_invoice(session, eco, "E-55", "50.00")
    session.commit()
    signed_in(world.lead)
    client.post(f"/payables/suppliers/{eco.id}/bank", data={"iban": IBAN, "bic": "AGRIFRPP881"})

    plan = text(client.get("/payables/transfers?due_by=2027-03-10"))
    assert "Papeterie du Rhône" in plan and "120,00" in plan
    assert "suspendu : ses nouvelles coordonnées bancaires attendent leur confirmation" in plan

    built = client.post("/payables/transfers", data={"due_by": "2027-03-10"}, follow_redirects=True)
    words = text(built)
    assert "Fichier de virements VIR-" in words and "préparé" in words
    assert "Suspendus, sans coordonnées bancaires confirmées : Éco-Entretien Lorraine." in words
    run = session.scalar(select(TransferRun))
    download = client.get(f"/payables/transfers/{run.id}.xml")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert pain_001().validate(etree.fromstring(download.data))
    again = client.post("/payables/transfers", data={"due_by": "2027-03-10"}, follow_redirects=True)
    assert "Aucun fournisseur ne peut être payé" in text(again)
    assert session.scalar(select(func.count(TransferRun.id))) == 1


def test_a_member_cannot_open_the_supplier_payment_pages(client, signed_in, session, make):
    world = payables(session, make)
    member = make.user("member")
    session.commit()
    signed_in(member)
    supplier = world.suppliers["Papeterie du Rhône"]
    for path in (
        "/payables/transfers",
        "/payables/bank-details",
        f"/payables/suppliers/{supplier.id}/bank",
    ):
        assert client.get(path).status_code == 403


def test_the_commands_propose_confirm_and_build_the_transfer_file(
    database_url, session, make, monkeypatch, tmp_path
):
    from web.cli import main

    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]
    newcomer = make.supplier("Nouveau Fournisseur")
    supplier_invoice(session, rhone, "F-118", "100.00")
    supplier_invoice(session, newcomer, "N-1", "10.00")
    session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()

    wrong = runner.invoke(
        main, ["supplier-bank", "propose", str(newcomer.id), "--iban", IBAN[:-1] + "4"]
    )
    assert wrong.exit_code == 2 and "iban" in wrong.output
    proposed = runner.invoke(
        main,
        ["supplier-bank", "propose", str(newcomer.id), "--iban", IBAN, "--bic", "AGRIFRPP881",
         "--as", "lea@example.org"],
    )  # fmt: skip
    assert proposed.exit_code == 0, proposed.output
    proposal_id = proposed.output.split("\t")[0]
    assert IBAN in runner.invoke(main, ["supplier-bank", "pending"]).output
    same = runner.invoke(main, ["supplier-bank", "confirm", proposal_id, "--as", "lea@example.org"])
    assert same.exit_code == 2
    program = runner.invoke(main, ["supplier-bank", "confirm", proposal_id])
    assert program.exit_code == 2 and "a person" in program.output

    output = tmp_path / "virements.xml"
    built = runner.invoke(
        main, ["payments", "transfers", "--due-by", "2027-03-10", "-o", str(output)]
    )
    assert built.exit_code == 0, built.output
    assert "Papeterie du Rhône\t120.00 EUR\tF-118" in built.output
    assert "Nouveau Fournisseur\t12.00 EUR\theld" in built.output
    assert pain_001().validate(etree.fromstring(output.read_bytes()))
    confirmed = runner.invoke(
        main, ["supplier-bank", "confirm", proposal_id, "--as", "omar@example.org"]
    )
    assert confirmed.exit_code == 0, confirmed.output
    second = runner.invoke(
        main,
        ["payments", "transfers", "--due-by", "2027-03-10", "-o", str(tmp_path / "2.xml")],
    )
    assert second.exit_code == 0 and "Nouveau Fournisseur\t12.00 EUR\tN-1" in second.output
    session.expire_all()
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"supplier_bank.propose", "supplier_bank.confirm", "supplier_transfer.run"} <= actions
