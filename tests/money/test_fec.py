"""The FEC: written in the format the tax authority reads, and each rule of it checked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from money_factories import COOPERATIVE_SIREN, D

from money.formats.fec import COLUMNS, check_fec, fec_file, fec_file_name, fec_rows
from money.journal_lines import Entry, JournalLine

MEMBER = {"sub_account_number": "M0042", "sub_account_label": "Atelier du Vélo"}


def sale(number: int, validated: date, total: str = "295.91", vat: str = "43.61") -> Entry:
    net = D(total) - D(vat)
    return Entry(
        journal_code="VT",
        journal_label="Ventes",
        number=f"VT-2027-{number:05d}",
        entry_date=validated,
        document_reference=f"FA-2027-{number:05d}",
        document_date=validated,
        label=f"Facture FA-2027-{number:05d} Atelier du Vélo",
        validation_date=validated,
        lines=(
            JournalLine("411000", "Clients", debit=D(total), **MEMBER),
            JournalLine("707000", "Ventes de marchandises", credit=net),
            JournalLine("445710", "TVA collectée", credit=D(vat)),
        ),
    )


def payment() -> Entry:
    return Entry(
        journal_code="BQ",
        journal_label="Banque",
        number="BQ-2027-00001",
        entry_date=date(2027, 2, 10),
        document_reference="VIR-0001",
        document_date=date(2027, 2, 10),
        label="Virement Atelier du Vélo",
        validation_date=date(2027, 2, 11),
        lines=(
            JournalLine("512000", "Banque", debit=D("295.91")),
            JournalLine(
                "411000",
                "Clients",
                credit=D("295.91"),
                lettering="AA",
                lettering_date=date(2027, 2, 11),
                **MEMBER,
            ),
        ),
    )


ENTRIES = [sale(1, date(2027, 1, 15)), sale(2, date(2027, 1, 20), "120.00", "20.00"), payment()]


def fec_text(entries=None, lineterminator="\r\n") -> str:
    return fec_file(ENTRIES if entries is None else entries, lineterminator=lineterminator).decode()


def rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.split("\r\n") if line]


def edit(text: str, line: int, column: str, value: str) -> str:
    """The FEC with one cell changed; `line` counts from the header, line 1."""
    table = rows(text)
    table[line - 1][COLUMNS.index(column)] = value
    return "".join("\t".join(row) + "\r\n" for row in table)


def test_the_fec_is_18_tab_separated_columns_under_their_header():
    content = fec_file(ENTRIES)

    assert not content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8")
    assert text.split("\r\n")[0] == "\t".join(COLUMNS)
    assert rows(text)[1] == [
        "VT",
        "Ventes",
        "VT-2027-00001",
        "20270115",
        "411000",
        "Clients",
        "M0042",
        "Atelier du Vélo",
        "FA-2027-00001",
        "20270115",
        "Facture FA-2027-00001 Atelier du Vélo",
        "295,91",
        "0,00",
        "",
        "",
        "20270115",
        "",
        "",
    ]
    assert rows(text)[-1][COLUMNS.index("EcritureLet") :][:3] == ["AA", "20270211", "20270211"]
    assert len(rows(text)) == 1 + 3 + 3 + 2


def test_a_well_made_fec_breaks_no_rule_with_either_line_ending():
    assert check_fec(fec_text()) == []
    assert check_fec(fec_text(lineterminator="\n")) == []


def test_its_name_is_the_siren_fec_and_the_closing_date():
    assert fec_file_name(COOPERATIVE_SIREN, date(2027, 12, 31)) == "123456782FEC20271231.txt"
    with pytest.raises(ValueError, match="not a valid SIREN"):
        fec_file_name("123456789", date(2027, 12, 31))


def test_lines_follow_the_order_of_validation():
    text = fec_text([payment(), *ENTRIES[:2]])

    assert [row[2] for row in rows(text)[1:]][::3][:2] == ["VT-2027-00001", "VT-2027-00002"]
    assert check_fec(text) == []


def test_a_text_cannot_split_a_field_or_a_line():
    entry = replace(sale(1, date(2027, 1, 15)), label='Papier "A4"\tlot\r\n2')

    text = fec_text([entry])

    assert rows(text)[1][COLUMNS.index("EcritureLib")] == "Papier 'A4' lot  2"
    assert check_fec(text) == []


def test_a_label_that_a_spreadsheet_would_run_is_made_inert():
    entry = replace(sale(1, date(2027, 1, 15)), label="=HYPERLINK(1)")

    assert fec_rows([entry])[1][COLUMNS.index("EcritureLib")] == "=HYPERLINK(1)"
    assert rows(fec_text([entry]))[1][COLUMNS.index("EcritureLib")] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t.replace("JournalLib\tEcritureNum", "EcritureNum\tJournalLib"), "the header"),
        (lambda t: t.replace("\tMontantdevise\tIdevise", ""), "the header"),
        (lambda t: t.replace("\t295,91\t0,00", "\t295,91", 1), "line 2: 17 columns"),
        (lambda t: edit(t, 2, "Debit", "295,92"), "does not balance: debits 295.92"),
        (lambda t: edit(t, 2, "EcritureDate", "20270230"), "line 2: EcritureDate '20270230'"),
        (lambda t: edit(t, 3, "PieceDate", "2027-01-15"), "line 3: PieceDate"),
        (lambda t: edit(t, 2, "Debit", "295.91"), "line 2: Debit '295.91' is not an amount"),
        (lambda t: edit(t, 4, "Credit", "1 043,61"), "line 4: Credit '1 043,61'"),
        (lambda t: edit(t, 2, "CompteLib", ""), "line 2: CompteLib is empty"),
        (lambda t: edit(t, 3, "PieceRef", " "), "line 3: PieceRef is empty"),
        (lambda t: edit(t, 2, "CompteNum", "CLI411"), "does not start with three digits"),
        (lambda t: edit(t, 2, "CompAuxLib", ""), "CompAuxNum and CompAuxLib are filled together"),
        (lambda t: edit(t, 9, "DateLet", ""), "line 9: EcritureLet and DateLet"),
        (lambda t: edit(t, 2, "Montantdevise", "10,00"), "Montantdevise and Idevise"),
        (lambda t: edit(t, 2, "Montantdevise", "10.00"), "Montantdevise '10.00'"),
        (lambda t: edit(t, 2, "ValidDate", "20270116"), "its lines give different ValidDate"),
    ],
)
def test_each_rule_of_the_format_is_checked(change, problem):
    problems = check_fec(change(fec_text()))

    assert any(problem in found for found in problems), problems


def test_entry_numbers_run_without_a_gap_in_each_journal():
    text = fec_text([sale(1, date(2027, 1, 15)), sale(3, date(2027, 1, 20)), payment()])

    assert check_fec(text) == ["journal VT: entry numbers jump from VT-2027-00001 to VT-2027-00003"]


def test_entry_numbers_follow_the_order_of_validation():
    text = fec_text([sale(2, date(2027, 1, 15)), sale(1, date(2027, 1, 20)), payment()])

    assert check_fec(text) == [
        "journal VT: entry VT-2027-00002 was validated on 20270115, before entry VT-2027-00001 "
        "(20270120)"
    ]


def test_an_entry_number_has_a_sequence_number():
    text = fec_text([replace(sale(1, date(2027, 1, 15)), number="VT-A"), payment()])

    assert check_fec(text) == ["entry 'VT-A' in journal VT has no sequence number"]


def test_lines_are_in_order_of_validation_and_an_entrys_lines_together():
    table = rows(fec_text())
    moved = [table[0], table[4], *table[1:4], *table[5:]]
    apart = [table[0], table[1], table[4], *table[2:4], *table[5:]]

    assert any(
        "before the line above" in problem
        for problem in check_fec("".join("\t".join(row) + "\n" for row in moved))
    )
    assert any(
        "the lines of entry VT-2027-00001 in journal VT are not together" in problem
        for problem in check_fec("".join("\t".join(row) + "\n" for row in apart))
    )


def test_an_empty_file_or_a_pipe_separated_one_is_read():
    assert check_fec("") == ["the file is empty"]
    assert check_fec(fec_text().replace("\t", "|")) == []


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: JournalLine("411000", "Clients", debit=D("1"), credit=D("1")), "either a debit"),
        (lambda: JournalLine("411000", "Clients"), "either a debit"),
        (lambda: JournalLine("411000", "Clients", debit=D("-1")), "not a positive amount"),
        (lambda: JournalLine("411000", "Clients", debit=D("1.005")), "in cents"),
        (lambda: JournalLine("411000", "Clients", debit=1), "finite Decimal"),
        (lambda: JournalLine("CLI", "Clients", debit=D("1")), "chart of accounts"),
        (lambda: JournalLine("411000", "", debit=D("1")), "has a label"),
        (
            lambda: JournalLine("411000", "Clients", debit=D("1"), sub_account_number="M1"),
            "sub-account has a number and a label",
        ),
        (
            lambda: JournalLine("411000", "Clients", debit=D("1"), lettering="AA"),
            "lettering code goes with its date",
        ),
        (lambda: replace(payment(), lines=payment().lines[:1]), "at least two lines"),
        (
            lambda: replace(
                payment(), lines=(payment().lines[0], JournalLine("411000", "C", credit=D("1")))
            ),
            "debits 295.91 and credits 1",
        ),
        (lambda: replace(payment(), document_reference=""), "document reference is required"),
    ],
)
def test_a_line_or_an_entry_that_breaks_a_rule_is_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()
