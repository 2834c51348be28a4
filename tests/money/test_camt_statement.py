"""A CAMT.053 bank statement is read into typed entries, one per payment to match, and a file
that cannot be one is refused with one line saying why."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from money.formats.camt import (
    BankEntry,
    Direction,
    EntryStatus,
    StatementRefused,
    read_bank_statement,
    read_bank_statements,
)

FILES = Path(__file__).parent / "files"
V02 = (FILES / "camt053_v02_janvier.xml").read_bytes()
V08 = (FILES / "camt053_v08_fevrier.xml").read_bytes()
COOPERATIVE = "FR7642559100000800123456771"
PARIS_WINTER = timezone(timedelta(hours=1))


def entry_paying(entries: tuple[BankEntry, ...], text: str) -> BankEntry:
    (found,) = [e for e in entries if text in e.remittance_text or text in e.creditor_references]
    return found


def test_a_version_02_statement_says_which_account_when_and_its_balances():
    statement = read_bank_statement(V02)
    assert statement.version == "camt.053.001.02"
    assert statement.statement_id == "0800123456771-2027-01"
    assert statement.account_iban == COOPERATIVE
    assert statement.currency == "EUR"
    assert statement.created_at == datetime(2027, 1, 31, 18, 0, 12, tzinfo=PARIS_WINTER)
    assert (statement.from_date, statement.to_date) == (date(2027, 1, 1), date(2027, 1, 31))
    assert statement.opening_balance is not None and statement.closing_balance is not None
    assert statement.opening_balance.amount == Decimal("12345.67")
    assert statement.opening_balance.on == date(2027, 1, 1)
    assert statement.closing_balance.amount == Decimal("12905.67")
    assert statement.closing_balance.on == date(2027, 1, 31)
    # Six entries, the collection counting for three payments.
    assert len(statement.entries) == 8
    assert all(e.status is EntryStatus.BOOKED and e.currency == "EUR" for e in statement.entries)
    assert all(e.account_iban == COOPERATIVE for e in statement.entries)


def test_a_members_transfer_names_the_invoice_the_payer_and_the_banks_reference():
    transfer = entry_paying(read_bank_statement(V02).entries, "FA-2027-00001")
    assert transfer.bank_reference == "2027010500012345"
    assert transfer.booking_date == transfer.value_date == date(2027, 1, 5)
    assert transfer.amount == Decimal("1000.00")
    assert transfer.direction is Direction.CREDIT
    assert transfer.signed_amount == Decimal("1000.00")
    assert transfer.remittance_text == "ACOMPTE FA-2027-00001 LE FOURNIL"
    assert transfer.creditor_references == ()
    assert transfer.counterparty_name == "BOULANGERIE LE FOURNIL"
    assert transfer.counterparty_iban == "FR7630004008120001029384757"
    assert transfer.end_to_end_id == "FOURNIL-2027-0001"
    assert transfer.mandate_id is None
    assert transfer.return_reason is None
    assert transfer.reversal is False
    assert transfer.bank_transaction_code == "PMNT/RCDT/ESCT"
    assert transfer.additional_info == "VIR SEPA RECU /DE BOULANGERIE LE FOURNIL"
    assert transfer.fingerprint == f"{COOPERATIVE}/2027010500012345"


def test_remittance_lines_are_joined_and_a_structured_reference_is_kept_apart():
    transfer = entry_paying(read_bank_statement(V02).entries, "FA-2027-00003")
    assert transfer.remittance_text == "REGLEMENT FACTURES FA-2027-00002 ET FA-2027-00003"
    assert transfer.creditor_references == ("FA-2027-00002",)
    # "NOTPROVIDED" is what a payer leaves when it has no end-to-end reference.
    assert transfer.end_to_end_id is None
    assert transfer.counterparty_name == "ATELIER VELO SOLIDAIRE"
    assert transfer.amount == Decimal("486.00")


def test_a_direct_debit_collection_booked_as_one_credit_gives_one_payment_per_debtor():
    collection = [
        e
        for e in read_bank_statement(V02).entries
        if e.mandate_id and e.direction is Direction.CREDIT
    ]
    assert [(e.counterparty_name, e.amount, e.remittance_text) for e in collection] == [
        ("RESSOURCERIE DES PENTES", Decimal("612.30"), "FA-2027-00004"),
        ("EPICERIE VRAC ET CO", Decimal("845.10"), "FA-2027-00005"),
        ("TRAITEUR LES SAISONS", Decimal("278.50"), "FA-2027-00006"),
    ]  # fmt: skip
    assert sum(e.amount for e in collection) == Decimal("1735.90")
    assert [e.mandate_id for e in collection] == ["COOP-MDT-0004", "COOP-MDT-0007", "COOP-MDT-0011"]
    assert [e.end_to_end_id for e in collection] == [
        "PRLV-2027-01-0004", "PRLV-2027-01-0007", "PRLV-2027-01-0011"
    ]  # fmt: skip
    assert {e.bank_reference for e in collection} == {"2027011500034567"}
    assert [(e.position, e.transactions_in_entry) for e in collection] == [(1, 3), (2, 3), (3, 3)]
    assert all(e.bank_transaction_code == "PMNT/IDDT/BBDD" for e in collection)
    assert all(e.booking_date == date(2027, 1, 15) for e in collection)
    assert collection[2].counterparty_iban == "FR8120041010050512345K02241"
    assert len({e.fingerprint for e in collection}) == 3
    assert collection[0].fingerprint == f"{COOPERATIVE}/2027011500034567/1"


def test_a_returned_direct_debit_names_the_debtor_who_did_not_pay_and_the_reason():
    (returned,) = [e for e in read_bank_statement(V02).entries if e.return_reason]
    assert returned.return_reason == "AC04"
    assert returned.direction is Direction.DEBIT
    assert returned.signed_amount == Decimal("-278.50")
    assert returned.booking_date == date(2027, 1, 20)
    # The bank names both sides; the cooperative's own account is not the counterparty.
    assert returned.counterparty_name == "TRAITEUR LES SAISONS"
    assert returned.counterparty_iban == "FR8120041010050512345K02241"
    assert returned.end_to_end_id == "PRLV-2027-01-0011"
    assert returned.mandate_id == "COOP-MDT-0011"
    assert returned.bank_transaction_code == "PMNT/IDDT/UPDD"
    assert returned.additional_info == "IMPAYE PRLV SEPA B2B COMPTE CLOTURE"
    assert returned.reversal is False


def test_a_transfer_to_a_supplier_names_the_creditor():
    payment = entry_paying(read_bank_statement(V02).entries, "F2027-0456")
    assert payment.direction is Direction.DEBIT
    assert payment.amount == Decimal("2364.80")
    assert payment.counterparty_name == "PAPETERIE DU RHONE"
    assert payment.counterparty_iban == "FR7617515900000812345678938"
    assert payment.end_to_end_id == "COOP-VIR-2027-0012"
    assert payment.bank_transaction_code == "PMNT/ICDT/ESCT"


def test_bank_charges_without_a_reference_are_keyed_by_their_content():
    charges = read_bank_statement(V02).entries[-1]
    assert charges.bank_reference is None
    assert charges.amount == Decimal("18.60") and charges.direction is Direction.DEBIT
    assert charges.counterparty_name is None and charges.counterparty_iban is None
    assert charges.remittance_text == ""
    assert charges.additional_info == "COMMISSION TENUE DE COMPTE JANVIER 2027"
    assert charges.bank_transaction_code == "ACMT/MDOP/CHRG"
    assert charges.fingerprint.startswith("sha256:")
    changed = V02.replace(b'<Amt Ccy="EUR">18.60</Amt>', b'<Amt Ccy="EUR">18.70</Amt>')
    changed = changed.replace(b"12905.67", b"12905.57")
    assert read_bank_statement(changed).entries[-1].fingerprint != charges.fingerprint


def test_a_version_08_statement_is_read_the_same_way():
    statement = read_bank_statement(V08)
    assert statement.version == "camt.053.001.08"
    assert statement.account_iban == COOPERATIVE
    assert statement.created_at == datetime(2027, 2, 28, 18, 5, 44, 123000, tzinfo=PARIS_WINTER)
    # A "previous closing" balance opens the statement when there is no "opening booked".
    assert statement.opening_balance is not None and statement.closing_balance is not None
    assert statement.opening_balance.amount == Decimal("12905.67")
    assert statement.closing_balance.amount == Decimal("12078.82")
    entries = statement.entries
    transfer = entry_paying(entries, "FA-2027-00001")
    assert transfer.remittance_text == "SOLDE FA-2027-00001"
    assert transfer.counterparty_name == "BOULANGERIE LE FOURNIL"
    assert transfer.counterparty_iban == "FR7630004008120001029384757"
    assert transfer.status is EntryStatus.BOOKED
    first, second = [e for e in entries if e.transactions_in_entry == 2]
    assert (first.amount, first.creditor_references, first.remittance_text) == (
        Decimal("402.75"), ("FA-2027-00009",), ""
    )  # fmt: skip
    assert (second.amount, second.remittance_text) == (Decimal("515.25"), "FA-2027-00010")
    assert first.counterparty_name == "RESSOURCERIE DES PENTES"
    (returned,) = [e for e in entries if e.return_reason]
    assert (returned.return_reason, returned.counterparty_name) == ("AC04", "EPICERIE VRAC ET CO")
    supplier = entry_paying(entries, "F2027-0511")
    # A booking date given with its time is read as the date.
    assert supplier.booking_date == date(2027, 2, 25)
    assert supplier.counterparty_name == "PAPETERIE DU RHONE"


def test_reading_the_same_statement_twice_gives_the_same_keys_all_different():
    for data in (V02, V08):
        first = [e.fingerprint for e in read_bank_statement(data).entries]
        again = [e.fingerprint for e in read_bank_statement(data).entries]
        assert first == again
        assert len(set(first)) == len(first)


def test_two_identical_payments_in_one_statement_stay_two():
    charges = V02[V02.index(b"      <!-- Bank charges") : V02.index(b"    </Stmt>")]
    doubled = V02.replace(charges, charges * 2).replace(b"12905.67</Amt>", b"12887.07</Amt>")
    entries = read_bank_statement(doubled).entries
    assert entries[-1].occurrence == 2
    assert entries[-1].fingerprint == entries[-2].fingerprint + "#2"


def test_without_the_accounts_currency_the_balances_or_entries_say_it():
    without = V08.replace(b"<Ccy>EUR</Ccy>", b"")
    assert read_bank_statement(without).currency == "EUR"
    statement = without.decode()
    start, end = statement.index("      <Bal>"), statement.index("      <TxsSummry>")
    assert read_bank_statement((statement[:start] + statement[end:]).encode()).currency == "EUR"


def test_a_file_with_two_accounts_gives_two_statements():
    statement = V02[V02.index(b"    <Stmt>") : V02.index(b"  </BkToCstmrStmt>")]
    both = V02.replace(statement, statement * 2)
    assert len(read_bank_statements(both)) == 2
    with pytest.raises(StatementRefused, match="holds 2 statements"):
        read_bank_statement(both)


def refusal(data: bytes, **kwargs: int) -> str:
    with pytest.raises(StatementRefused) as caught:
        read_bank_statements(data, **kwargs)
    message = str(caught.value)
    assert message and "\n" not in message and len(message) <= 300
    return message


def test_a_file_that_is_not_xml_is_refused():
    assert "not well-formed XML" in refusal(b"Date;Libelle;Montant\n05/01/2027;VIR;1000,00\n")
    assert "empty" in refusal(b"")
    assert "not well-formed XML" in refusal(b"\x89PNG\r\n\x1a\n\x00\x00")


@pytest.mark.parametrize(
    ("namespace", "expected"),
    [
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.04", "camt.053.001.04 is not read"),
        ("urn:iso:std:iso:20022:tech:xsd:camt.052.001.02", "camt.052.001.02 is not read"),
        ("urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", "not a CAMT.053 bank statement"),
        ("http://example.com/statement", "not a CAMT.053 bank statement"),
    ],
)
def test_another_version_or_message_is_refused(namespace, expected):
    data = V02.replace(b"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02", namespace.encode())
    assert expected in refusal(data)


def test_another_root_element_is_refused():
    assert "root element 'Invoice'" in refusal(b"<Invoice><ID>F1</ID></Invoice>")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (b"<IBAN>FR7642559100000800123456771</IBAN>\n        </Id>\n        <Ccy>",
         b"<Othr><Id>0800123456771</Id></Othr>\n        </Id>\n        <Ccy>",
         "names no account IBAN"),
        (b"<IBAN>FR7642559100000800123456771</IBAN>\n        </Id>\n        <Ccy>",
         b"<IBAN>FR7642559100000800123456772</IBAN>\n        </Id>\n        <Ccy>",
         "'FR7642559100000800123456772' is not a valid IBAN"),
        (b"<IBAN>FR7630004008120001029384757</IBAN>", b"<IBAN>FR00BAD</IBAN>",
         "entry 1: Dbtr's IBAN 'FR00BAD' is not a valid IBAN"),
        (b">1000.00</Amt>", b">1 000,00</Amt>", "entry 1: amount '1 000,00' is not a number"),
        (b">486.00</Amt>", b">NaN</Amt>", "entry 2: amount 'NaN' is not a number"),
        (b">486.00</Amt>", b">-486.00</Amt>", "amount '-486.00' is not a number"),
        (b">486.00</Amt>", b"></Amt>", "entry 2 has no amount"),
        (b'<Amt Ccy="EUR">486.00', b'<Amt Ccy="euro">486.00', "currency 'euro'"),
        (b"<CdtDbtInd>DBIT</CdtDbtInd>\n        <RvslInd>",
         b"<CdtDbtInd>DEBIT</CdtDbtInd>\n        <RvslInd>", "'DEBIT', not CRDT or DBIT"),
        (b"<Dt>2027-01-20</Dt>\n        </BookgDt>", b"<Dt>2027-02-30</Dt>\n        </BookgDt>",
         "booking date '2027-02-30' is not a date"),
        (b"<Sts>BOOK</Sts>\n        <BookgDt>\n          <Dt>2027-01-05</Dt>\n        </BookgDt>",
         b"<Sts>BOOK</Sts>", "entry 1 is booked without a booking date"),
        (b"<Sts>BOOK</Sts>", b"<Sts>DONE</Sts>", "status 'DONE' is unknown"),
        (b"12905.67", b"12905.76",
         "the balances do not add up: opening 12345.67 + entries 560.00 = 12905.67, "
         "closing balance stated 12905.76"),
        (b">612.30</Amt>", b">612.03</Amt>",
         "entry 3: its 3 transactions add up to 1735.63, the entry states 1735.90"),
        (b"<CreDtTm>2027-01-31T18:00:12+01:00</CreDtTm>", b"<CreDtTm>hier</CreDtTm>",
         "creation date 'hier' is not a date and time"),
        (b"<Id>0800123456771-2027-01</Id>", b"", "statement 1 has no identifier"),
        (b"<Ccy>EUR</Ccy>", b"<Ccy>Euro</Ccy>", "the account's currency is 'Euro'"),
        (b"<Stmt>", b"<Statement>", None),
    ],
)  # fmt: skip
def test_a_malformed_statement_is_refused_with_the_reason(old, new, expected):
    assert old in V02
    message = refusal(V02.replace(old, new, 1))
    if expected is None:  # the element no longer closes as it opens
        assert "not well-formed XML" in message
    else:
        assert expected in message


def test_a_batch_transaction_without_its_amount_is_refused():
    data = V02.replace(
        b'<TxAmt>\n                <Amt Ccy="EUR">845.10</Amt>\n              </TxAmt>', b""
    )
    assert "entry 3, transaction 2 gives no amount" in refusal(data)


def test_a_statement_without_any_statement_inside_is_refused():
    data = (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
        b"<BkToCstmrStmt/></Document>"
    )
    assert "holds no statement" in refusal(data)


def test_a_file_too_big_is_refused_before_it_is_read():
    assert "more than the 20 MB accepted" in refusal(V02 + b" " * 20_000_000)
    assert "more than the" in refusal(V02, max_bytes=1_000)


def test_entities_and_document_types_are_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&c;</Document>'
    )
    assert "document type" in refusal(bomb)
    external = b'<!DOCTYPE d SYSTEM "http://bank.example/d.dtd">' + V02.split(b"?>", 1)[1]
    assert "document type" in refusal(external)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3_000))
def test_any_bytes_give_statements_or_one_refusal(data):
    try:
        read_bank_statements(data)
    except StatementRefused as refused:
        assert "\n" not in str(refused)


ELEMENT_COUNT = len(list(etree.fromstring(V02).iter()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from([V02, V08]),
    index=st.integers(min_value=0, max_value=ELEMENT_COUNT - 1),
    change=st.sampled_from(["drop", "text", "double"]),
    text=st.text(max_size=30),
)
def test_a_statement_changed_anywhere_is_read_or_refused_in_one_line(source, index, change, text):
    root = etree.fromstring(source)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    element = elements[index % len(elements)]
    parent = element.getparent()
    if change == "drop" and parent is not None:
        parent.remove(element)
    elif change == "double" and parent is not None:
        parent.insert(parent.index(element), etree.fromstring(etree.tostring(element)))
    else:
        element.text = "".join(c for c in text if c.isprintable())
    try:
        statements = read_bank_statements(etree.tostring(root))
    except StatementRefused as refused:
        assert "\n" not in str(refused)
    else:
        for statement in statements:
            assert all(isinstance(e.amount, Decimal) for e in statement.entries)
