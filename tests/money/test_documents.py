"""A document that could not legally be issued cannot be built: each rule names what is wrong."""

from __future__ import annotations

from datetime import date

import pytest
from money_factories import (
    D,
    direct_debit,
    make_cooperative,
    make_credit_note,
    make_dues_line,
    make_invoice,
    make_line,
    make_member,
)

from money.documents import Address, BankAccount, DirectDebit, InvoiceReference, Party


def test_the_default_invoice_and_credit_note_are_valid():
    assert make_invoice().type_code == "380"
    assert make_credit_note().type_code == "381"


def test_identifiers_are_kept_compact():
    party = make_member(
        siren="987 654 324", siret="987 654 324 00019", vat_number="fr 14 987654324"
    )

    assert (party.siren, party.siret, party.vat_number) == (
        "987654324",
        "98765432400019",
        "FR14987654324",
    )


def test_bank_details_are_kept_compact():
    account = BankAccount("fr76 3000 6000 0112 3456 7890 189", "agrifrpp")

    assert (account.iban, account.bic) == ("FR7630006000011234567890189", "AGRIFRPP")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: make_cooperative(siren="123456789"), "not a valid SIREN"),
        (lambda: make_cooperative(siret="12345678200011"), "not a valid SIRET"),
        (lambda: make_member(siret="12345678200010"), "is not under SIREN"),
        (lambda: make_member(vat_number="FR15987654324"), "VAT number"),
        (lambda: make_member(email="gestion.atelier-velo.fr"), "has no @"),
        (lambda: Address((), "69001", "Lyon"), "street lines"),
        (lambda: Address(("1 rue",), "69001", "Lyon", "fr"), "two capital letters"),
        (lambda: Party("", Address(("1 rue",), "69001", "Lyon")), "has a name"),
        (lambda: BankAccount("FR7630006000011234567890188", "AGRIFRPP"), "IBAN"),
        # The IBAN checksum is right, the French RIB key inside it is not.
        (lambda: BankAccount("FR0630006000011234567890188", "AGRIFRPP"), "national checksum"),
        (lambda: BankAccount("FR7630006000011234567890189", "AGRIXXPP"), "BIC"),
        (
            lambda: DirectDebit("FR73ZZZ123456", "M1", BankAccount("FR7630006000011234567890189")),
            "creditor identifier",
        ),
        (lambda: make_line(quantity=0.5), "finite Decimal"),
        (lambda: make_line(quantity=D("0")), "quantity is zero"),
        (lambda: make_line(quantity=D("1.23456")), "more than 4 decimals"),
        (lambda: make_line(unit_price=D("-1")), "never negative"),
        (lambda: make_line(vat_rate=D("0")), "rate above 0"),
        (lambda: make_line(vat_category="E", vat_rate=D("20")), "has a rate of 0"),
        (lambda: make_line(vat_category="E", vat_rate=D("0")), "says why there is no VAT"),
        (lambda: make_line(vat_exemption_reason="Exonéré"), "has no exemption reason"),
        (lambda: make_line(unit_code="kilo"), "rec. 20"),
    ],
)
def test_a_party_an_account_or_a_line_that_breaks_a_rule_is_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"number": "FA 2027/1"}, "only letters"),
        ({"lines": ()}, "at least one line"),
        ({"lines": (make_line("1"), make_line("1"))}, "same id"),
        ({"due_date": date(2027, 1, 1)}, "due date before"),
        ({"preceding_invoice": InvoiceReference("FA-2026-00009", date(2026, 12, 1))}, "names"),
        ({"late_penalty": " "}, "late penalty rate"),
        ({"recovery_indemnity": ""}, "recovery indemnity"),
        ({"vat_on_debits": True}, "option for services"),
        ({"prepaid": D("-1")}, "never negative"),
        ({"lines": (make_line("1"), make_dues_line("2"))}, "document of their own"),
        ({"seller": make_cooperative(vat_number="")}, "states its VAT number"),
        (
            {
                "lines": (
                    make_line("1", vat_category="AE", vat_rate=D("0"), vat_exemption_reason="x"),
                ),
                "buyer": make_member(vat_number=""),
            },
            "buyer's VAT number",
        ),
        (
            {
                "lines": (
                    make_line("1", vat_category="E", vat_rate=D("0"), vat_exemption_reason="a"),
                    make_line("2", vat_category="E", vat_rate=D("0"), vat_exemption_reason="b"),
                )
            },
            "different exemption reasons",
        ),
    ],
)
def test_an_invoice_that_breaks_a_rule_is_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        make_invoice(**overrides)


def test_a_credit_note_names_the_invoice_it_corrects():
    with pytest.raises(ValueError, match="names the invoice it corrects"):
        make_credit_note(preceding_invoice=None)


def test_dues_need_no_vat_number_and_services_may_opt_for_vat_on_debits():
    dues = make_invoice(lines=(make_dues_line(),), seller=make_cooperative(vat_number=""))
    services = make_invoice(nature="services", vat_on_debits=True, payment=direct_debit())

    assert dues.outside_vat_scope
    assert services.vat_on_debits
