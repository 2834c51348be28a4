"""SEPA files: B2B direct debits and credit transfers that pass their schema, and every bad
value refused before the bank sees it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from importlib import resources

import pytest
from lxml import etree
from money_factories import (
    COOPERATIVE_BIC,
    COOPERATIVE_IBAN,
    CREDITOR_IDENTIFIER,
    MEMBER_BIC,
    MEMBER_IBAN,
    D,
)

from money.documents import BankAccount
from money.formats.sepa import (
    Collection,
    Creditor,
    Payer,
    Transfer,
    credit_transfer_file,
    direct_debit_file,
)

SUPPLIER_IBAN = "FR1420041010050500013M02606"
PAIN_008 = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
PAIN_001 = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def cooperative() -> Creditor:
    return Creditor(
        "Coop Achats Verts", BankAccount(COOPERATIVE_IBAN, COOPERATIVE_BIC), CREDITOR_IDENTIFIER
    )


def collection(end_to_end_id: str = "FA-2027-00001", **overrides) -> Collection:
    values = {
        "debtor_name": "Atelier du Vélo",
        "debtor_account": BankAccount(MEMBER_IBAN, MEMBER_BIC),
        "mandate_reference": "MANDAT-0042",
        "mandate_signed_on": date(2026, 11, 3),
        "sequence_type": "RCUR",
        "collection_date": date(2027, 2, 14),
        "amount": D("295.91"),
        "end_to_end_id": end_to_end_id,
        "remittance": end_to_end_id,
    }
    return Collection(**(values | overrides))


def transfer(end_to_end_id: str = "PAY-2027-0001", **overrides) -> Transfer:
    values = {
        "creditor_name": "Papeterie Solidaire SCOP",
        "creditor_account": BankAccount(SUPPLIER_IBAN, "CCBPFRPPMTG"),
        "amount": D("1250.40"),
        "execution_date": date(2027, 2, 20),
        "end_to_end_id": end_to_end_id,
        "remittance": "F-8812 F-8815",
    }
    return Transfer(**(values | overrides))


def schema(name: str):
    path = resources.files("sepaxml") / "schemas" / f"{name}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def texts(root, path: str, namespaces) -> list[str]:
    return [element.text for element in root.xpath(path, namespaces=namespaces)]


def test_a_direct_debit_file_is_b2b_passes_its_schema_and_adds_up():
    collections = [
        collection("FA-2027-00001", remittance="FA-2027-00001 FA-2027-00002"),
        collection("FA-2027-00003", amount=D("12.05"), debtor_name="Épicerie Bio"),
        collection(
            "FA-2027-00004",
            amount=D("100"),
            sequence_type="FRST",
            debtor_account=BankAccount(SUPPLIER_IBAN),
        ),
    ]

    content = direct_debit_file(cooperative(), collections)

    root = etree.fromstring(content)
    assert schema("pain.008.001.02").validate(root)
    header = "/p:Document/p:CstmrDrctDbtInitn/p:GrpHdr"
    assert texts(root, f"{header}/p:NbOfTxs", PAIN_008) == ["3"]
    assert texts(root, f"{header}/p:CtrlSum", PAIN_008) == ["407.96"]
    assert set(texts(root, "//p:PmtTpInf/p:LclInstrm/p:Cd", PAIN_008)) == {"B2B"}
    assert sorted(texts(root, "//p:PmtTpInf/p:SeqTp", PAIN_008)) == ["FRST", "RCUR"]
    assert set(texts(root, "//p:CdtrSchmeId//p:Othr/p:Id", PAIN_008)) == {CREDITOR_IDENTIFIER}
    assert texts(root, "//p:DrctDbtTxInf/p:InstdAmt", PAIN_008) == ["295.91", "12.05", "100.00"]
    assert texts(root, "//p:DrctDbtTxInf//p:EndToEndId", PAIN_008) == [
        "FA-2027-00001",
        "FA-2027-00003",
        "FA-2027-00004",
    ]
    assert texts(root, "//p:DrctDbtTxInf//p:Ustrd", PAIN_008)[0] == "FA-2027-00001 FA-2027-00002"
    assert texts(root, "//p:DrctDbtTxInf//p:MndtId", PAIN_008) == ["MANDAT-0042"] * 3
    assert texts(root, "//p:DrctDbtTxInf//p:DtOfSgntr", PAIN_008) == ["2026-11-03"] * 3
    assert texts(root, "//p:DrctDbtTxInf/p:DbtrAcct//p:IBAN", PAIN_008)[0] == MEMBER_IBAN
    # A debtor's BIC may be left out: the bank finds it from the IBAN.
    assert texts(root, "//p:DrctDbtTxInf/p:DbtrAgt//p:Id", PAIN_008) == ["NOTPROVIDED"]
    assert texts(root, "//p:DrctDbtTxInf/p:Dbtr/p:Nm", PAIN_008)[1] == "Epicerie Bio"


def test_a_credit_transfer_file_passes_its_schema_and_adds_up():
    transfers = [transfer(), transfer("PAY-2027-0002", amount=D("80.10"), remittance="F-9001")]

    content = credit_transfer_file(
        Payer("Coop Achats Verts", BankAccount(COOPERATIVE_IBAN, COOPERATIVE_BIC)), transfers
    )

    root = etree.fromstring(content)
    assert schema("pain.001.001.03").validate(root)
    header = "/p:Document/p:CstmrCdtTrfInitn/p:GrpHdr"
    assert texts(root, f"{header}/p:NbOfTxs", PAIN_001) == ["2"]
    assert texts(root, f"{header}/p:CtrlSum", PAIN_001) == ["1330.50"]
    assert texts(root, "//p:PmtInf/p:ReqdExctnDt", PAIN_001) == ["2027-02-20"]
    assert texts(root, "//p:PmtInf/p:DbtrAcct//p:IBAN", PAIN_001) == [COOPERATIVE_IBAN]
    assert texts(root, "//p:CdtTrfTxInf/p:CdtrAcct//p:IBAN", PAIN_001) == [SUPPLIER_IBAN] * 2
    assert texts(root, "//p:CdtTrfTxInf//p:InstdAmt", PAIN_001) == ["1250.40", "80.10"]
    assert texts(root, "//p:CdtTrfTxInf//p:Ustrd", PAIN_001) == ["F-8812 F-8815", "F-9001"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        # sepaxml would write this IBAN: its checksum digits are wrong.
        (lambda: BankAccount("FR7630006000011234567890188"), "Invalid checksum digits"),
        (lambda: BankAccount(COOPERATIVE_IBAN, "AGRIXXPP"), "Invalid country code"),
        (lambda: replace(cooperative(), creditor_identifier="FR73ZZZ123456"), "identifier"),
        (
            lambda: Creditor("Coop", BankAccount(COOPERATIVE_IBAN), CREDITOR_IDENTIFIER),
            "names its BIC",
        ),
        (lambda: Payer("Coop", BankAccount(COOPERATIVE_IBAN)), "names its BIC"),
        (lambda: collection(amount=D("0")), "not above zero"),
        (lambda: collection(amount=D("-10")), "not above zero"),
        (lambda: collection(amount=D("10.001")), "euros and cents"),
        (lambda: collection(amount=10.5), "not a Decimal"),
        (lambda: transfer(amount=D("0.00")), "not above zero"),
        (lambda: collection(end_to_end_id="A" * 36), "1 to 35"),
        (lambda: collection(end_to_end_id="FA_2027_1"), "1 to 35"),
        (lambda: collection(mandate_reference="/M1"), "starts or ends with '/'"),
        (lambda: collection(remittance="x" * 141), "1 to 140"),
        (lambda: collection(mandate_signed_on=date(2027, 3, 1)), "before its mandate"),
        (lambda: transfer(creditor_name=" "), "has a name"),
    ],
)
def test_a_bad_value_is_refused_with_a_message(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_a_file_has_transactions_each_with_its_own_end_to_end_id():
    with pytest.raises(ValueError, match="at least one transaction"):
        direct_debit_file(cooperative(), [])
    with pytest.raises(ValueError, match="used twice"):
        direct_debit_file(cooperative(), [collection("FA-1"), collection("FA-1")])
    with pytest.raises(ValueError, match="used twice"):
        credit_transfer_file(
            Payer("Coop", BankAccount(COOPERATIVE_IBAN, COOPERATIVE_BIC)),
            [transfer("P-1"), transfer("P-1")],
        )
