"""A supplier's price list is read whole and checked whole: every bad row is named, nothing
is imported until the file is right."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from suppliers.catalog_file import (
    UNITS,
    CatalogFile,
    PriceTier,
    RowError,
    read_catalog,
    recognise,
)
from suppliers.catalog_file.values import CellError, parse_date, parse_decimal

NBSP = "\u00a0"
HEADER = ["Réf. fournisseur", "Désignation", "Colisage", "Prix unitaire HT"]


def csv_file(
    rows: list[list[str]],
    header: list[str] = HEADER,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    """A price list as a spreadsheet exports it: header line, then one line per row."""
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return ("\ufeff".encode() if bom else b"") + data


def xlsx_file(rows: list[list[object]], header: list[str] = HEADER, *, above: int = 0) -> bytes:
    """A real workbook written by openpyxl; `above` blank-then-title rows precede the header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Tarifs"
    for _ in range(above):
        sheet.append(["Tarifs 2025 — Papeterie Dupont"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(rows: list[list[str]], header: list[str] = HEADER, **options: object) -> CatalogFile:
    return read_catalog(csv_file(rows, header), "tarifs.csv", **options)  # type: ignore[arg-type]


# --- what a good price list gives -----------------------------------------------------------


def test_a_french_excel_csv_in_windows_1252_with_decimal_commas_reads_every_value_exactly():
    header = [
        "Réf. fournisseur", "Désignation", "Catégorie", "Unité", "Conditionnement",
        "Prix unitaire HT", "Quantité minimum", "Capacité", "Délai (jours)", "Écolabel",
        "Contenu recyclé (%)", "TVA", "Valable du", "Valable jusqu'au",
    ]  # fmt: skip
    row = [
        "PAP-A4-80", "Ramette A4 recyclée 80 g", "Papeterie", "ramette", "5",
        f"1{NBSP}234,50 €", "10", "2 000", "3", "Ange bleu", "100 %", "5,5 %",
        "01/01/2025", "2025-12-31",
    ]  # fmt: skip
    catalog = read_catalog(csv_file([row], header, encoding="cp1252"), "tarifs.csv")

    assert catalog.ok, catalog.messages
    assert (catalog.format, catalog.encoding, catalog.delimiter) == ("csv", "windows-1252", ";")
    [offer] = catalog.rows
    assert offer.line == 2
    assert (offer.reference, offer.name, offer.category) == (
        "PAP-A4-80",
        "Ramette A4 recyclée 80 g",
        "Papeterie",
    )
    assert offer.unit == "ream"
    assert offer.pack_size == Decimal(5)
    assert offer.price_tiers == (PriceTier(Decimal(10), Decimal("1234.50")),)
    assert offer.min_order_quantity == Decimal(10)
    assert offer.capacity == Decimal(2000)
    assert offer.lead_time_days == 3
    assert offer.label == "Ange bleu"
    assert offer.recycled_content == Decimal(100)
    assert offer.vat_rate == Decimal("0.055")
    assert (offer.valid_from, offer.valid_until) == (date(2025, 1, 1), date(2025, 12, 31))
    assert offer.raw["Prix unitaire HT"] == f"1{NBSP}234,50 €"


def test_a_utf8_csv_with_bom_commas_and_english_headers_reads_the_same():
    header = ["SKU", "name", "pack size", "price", "MOQ", "lead time", "VAT", "valid until"]
    data = csv_file([["X1", "Pen", "12", "1.05", "", "2", "20", "2026-06-30"]], header, bom=True)
    data = data.replace(b";", b",")

    catalog = read_catalog(data, "prices.csv")

    assert catalog.ok, catalog.messages
    assert (catalog.encoding, catalog.delimiter) == ("utf-8-sig", ",")
    [offer] = catalog.rows
    assert offer.price_tiers == (PriceTier(Decimal(1), Decimal("1.05")),)
    assert (offer.pack_size, offer.lead_time_days, offer.vat_rate) == (12, 2, Decimal("0.2"))


def test_excel_unicode_text_export_utf16_with_tabs_is_read():
    data = csv_file([["T1", "Gobelet carton", "50", "0,08"]], delimiter="\t", encoding="utf-16")

    catalog = read_catalog(data, "export.txt")

    assert catalog.ok, catalog.messages
    assert (catalog.encoding, catalog.delimiter) == ("utf-16", "\t")
    assert catalog.rows[0].base_price == Decimal("0.08")


def test_an_xlsx_workbook_gives_sheet_row_numbers_and_reads_typed_cells():
    header = [*HEADER, "Contenu recyclé", "Valable jusqu'au", "Délai"]
    data = xlsx_file(
        [
            ["A1", "Ramette", 5, 4.2, 0.85, datetime(2027, 12, 31), 3],
            ["A2", "Classeur", 1, "-3,20", None, None, None],
        ],
        header,
        above=2,
    )

    catalog = read_catalog(data, "tarifs.xlsx")

    assert (catalog.format, catalog.sheet) == ("xlsx", "Tarifs")
    assert catalog.columns is not None and catalog.columns.header_line == 3
    assert [str(error) for error in catalog.errors] == ["ligne 5 : prix « -3,20 » négatif"]
    [offer] = catalog.rows
    assert offer.line == 4
    assert offer.base_price == Decimal("4.2")
    assert offer.recycled_content == Decimal(85)
    assert offer.valid_until == date(2027, 12, 31)
    assert offer.lead_time_days == 3


def test_a_percent_formatted_excel_cell_is_read_as_the_percentage_it_shows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([*HEADER, "TVA", "Contenu recyclé"])
    sheet.append(["A1", "Ramette", 5, 4.2, 0.055, 0.3])
    sheet["E2"].number_format = "0.0%"
    sheet["F2"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)

    [offer] = read_catalog(buffer.getvalue(), "tarifs.xlsx").rows

    assert (offer.vat_rate, offer.recycled_content) == (Decimal("0.055"), Decimal(30))


def test_a_workbook_renamed_csv_is_still_read_as_a_workbook():
    catalog = read_catalog(xlsx_file([["A1", "Ramette", 5, 4.2]]), "tarifs.csv")

    assert catalog.ok and catalog.format == "xlsx"


def test_blank_lines_are_skipped_and_quoted_line_breaks_keep_file_line_numbers():
    data = (
        'Référence;Désignation;Prix\r\n'
        'A1;"Ramette\r\nrecyclée";4,20\r\n'
        ';;\r\n'
        '\r\n'
        'A2;Stylo;abc\r\n'
    ).encode()  # fmt: skip

    catalog = read_catalog(data, "tarifs.csv")

    assert catalog.rows[0].name == "Ramette recyclée"
    assert catalog.messages == ["ligne 6 : prix « abc » n’est pas un nombre"]


# --- columns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Réf. fournisseur", "reference"),
        ("REFERENCE", "reference"),
        ("supplier_ref", "reference"),
        ("SKU", "reference"),
        ("Désignation", "name"),
        ("Libellé", "name"),
        ("Produit", "name"),
        ("name", "name"),
        ("Catégorie", "category"),
        ("Unité", "unit"),
        ("Conditionnement", "pack_size"),
        ("Colisage", "pack_size"),
        ("pack size", "pack_size"),
        ("Prix unitaire HT (€)", "price"),
        ("Tarif 2025", "price"),
        ("Quantité minimum", "min_order_quantity"),
        ("MOQ", "min_order_quantity"),
        ("min order", "min_order_quantity"),
        ("Capacité", "capacity"),
        ("Délai (jours)", "lead_time_days"),
        ("lead time", "lead_time_days"),
        ("Label", "label"),
        ("Écolabel", "label"),
        ("Contenu recyclé (%)", "recycled_content"),
        ("recycled content", "recycled_content"),
        ("TVA", "vat_rate"),
        ("VAT", "vat_rate"),
        ("Valable du", "valid_from"),
        ("valid from", "valid_from"),
        ("Valable jusqu'au", "valid_until"),
        ("valid until", "valid_until"),
        ("Prix 1-9", "price_from:1"),
        ("Prix dès 10", "price_from:10"),
        ("Prix à partir de 50", "price_from:50"),
        ("price 100+", "price_from:100"),
        ("Prix dès 1 000", "price_from:1000"),
        ("Qté palier 2", "tier_quantity:2"),
        ("Prix palier 2", "tier_price:2"),
    ],
)
def test_columns_are_recognised_by_french_or_english_header(header: str, field: str):
    found = recognise(header)

    assert found is not None and found[0] == field


@pytest.mark.parametrize("header", ["Prix TTC", "Commentaire", "EAN", ""])
def test_headers_that_name_no_field_are_left_unmapped(header: str):
    assert recognise(header) is None


def test_the_detected_columns_list_the_unmapped_headers_for_the_lead_to_adjust():
    catalog = read([["A1", "Ramette", "5", "4,20", "vert"]], [*HEADER, "Couleur"])

    assert catalog.columns is not None
    assert catalog.columns.fields == {
        "reference": "Réf. fournisseur",
        "name": "Désignation",
        "pack_size": "Colisage",
        "price": "Prix unitaire HT",
    }
    assert catalog.columns.unmapped == ("Couleur",)
    assert catalog.columns.by_header["Colisage"] == "pack_size"


def test_an_explicit_mapping_overrides_detection_and_none_ignores_a_column():
    header = ["Code", "Article", "Prix", "Prix promo", "Colisage"]
    rows = [["A1", "Ramette", "4,20", "3,90", "carton"]]

    catalog = read(
        rows, header, mapping={"name": "Article", "price": "prix promo", "pack_size": None}
    )

    assert catalog.ok, catalog.messages
    assert catalog.rows[0].name == "Ramette"
    assert catalog.rows[0].base_price == Decimal("3.90")
    assert catalog.rows[0].pack_size == Decimal(1)
    assert "Prix" in catalog.columns.unmapped  # type: ignore[union-attr]


def test_a_mapping_naming_a_header_absent_from_the_file_is_a_file_error():
    catalog = read([["A1", "Ramette", "5", "4,20"]], mapping={"price": "Tarif public"})

    assert [e.code for e in catalog.file_errors] == ["unknown_column"]
    assert "« Tarif public » introuvable" in catalog.file_errors[0].message


def test_a_mapping_with_an_unknown_field_is_a_programming_error():
    with pytest.raises(ValueError, match="colour"):
        read([["A1", "Ramette", "5", "4,20"]], mapping={"colour": "Couleur"})


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["Désignation", "Prix"], "référence"),
        (["Référence", "Prix"], "désignation"),
        (["Référence", "Désignation", "Colisage"], "prix"),
    ],
)
def test_a_price_list_without_a_required_column_imports_nothing_and_says_which(
    header: list[str], missing: str
):
    catalog = read([["x"] * len(header)], header)

    assert not catalog.ok and catalog.rows == []
    [error] = catalog.file_errors
    assert error.code == "missing_column"
    assert error.message.startswith(f"colonne obligatoire introuvable : {missing} (")


def test_a_price_list_with_only_prices_including_vat_is_told_to_give_prices_excluding_vat():
    catalog = read([["A1", "Ramette", "5,04"]], ["Référence", "Désignation", "Prix TTC"])

    assert "« Prix TTC » est un prix TTC" in catalog.file_errors[0].message


# --- price tiers ------------------------------------------------------------------------------


def test_price_columns_per_quantity_become_all_units_tiers_from_the_base_price():
    header = [*HEADER, "Prix dès 10", "Prix à partir de 50", "price 100+"]
    catalog = read([["A1", "Ramette", "5", "4,20", "3,90", "", "3,50"]], header)

    assert catalog.rows[0].price_tiers == (
        PriceTier(Decimal(1), Decimal("4.20")),
        PriceTier(Decimal(10), Decimal("3.90")),
        PriceTier(Decimal(100), Decimal("3.50")),
    )


def test_the_base_price_starts_at_the_minimum_order_quantity():
    header = [*HEADER, "MOQ", "Prix dès 100"]
    catalog = read([["A1", "Ramette", "5", "4,20", "20", "3,90"]], header)

    assert [tier.min_quantity for tier in catalog.rows[0].price_tiers] == [20, 100]


def test_tier_columns_alone_are_enough_without_a_base_price():
    header = ["Référence", "Désignation", "Prix 1-9", "Prix 10-49", "Prix 50+"]
    catalog = read([["A1", "Ramette", "4,20", "4,00", "3,80"]], header)

    assert catalog.ok
    assert [tier.min_quantity for tier in catalog.rows[0].price_tiers] == [1, 10, 50]


def test_numbered_quantity_and_price_pairs_become_tiers():
    header = [*HEADER, "Qté palier 2", "Prix palier 2", "Qté palier 3", "Prix palier 3"]
    catalog = read([["A1", "Ramette", "5", "4,20", "10", "3,90", "", ""]], header)

    assert catalog.rows[0].price_tiers == (
        PriceTier(Decimal(1), Decimal("4.20")),
        PriceTier(Decimal(10), Decimal("3.90")),
    )


def test_a_price_that_rises_with_the_quantity_is_an_error():
    header = [*HEADER, "Prix dès 10", "Prix dès 50"]
    catalog = read([["A1", "Ramette", "5", "4,20", "3,90", "4,10"]], header)

    assert catalog.messages == [
        "ligne 2 : prix en hausse avec la quantité : 4,10 € dès 50 contre 3,90 € dès 10"
    ]


def test_tier_quantities_out_of_order_are_an_error():
    header = ["Réf", "Nom", "Qté palier 1", "Prix palier 1", "Qté palier 2", "Prix palier 2"]
    catalog = read([["A1", "Ramette", "50", "3,90", "10", "3,80"]], header)

    assert catalog.messages[0] == (
        "ligne 2 : paliers dans le désordre : palier 2 à partir de 10 après palier 1 à partir de 50"
    )


def test_a_tier_with_a_quantity_but_no_price_is_an_error():
    header = [*HEADER, "Qté palier 2", "Prix palier 2"]
    catalog = read([["A1", "Ramette", "5", "4,20", "10", ""]], header)

    assert catalog.messages == ["ligne 2 : palier 2 incomplet : prix manquant"]


def test_two_columns_for_the_same_tier_are_a_file_error():
    catalog = read([["A1", "R", "1", "4", "3", "3"]], [*HEADER, "Prix dès 10", "Prix 10+"])

    assert [e.code for e in catalog.file_errors] == ["duplicate_column"]


# --- bad rows: each named with its line, nothing imported -------------------------------------


def good_rows(count: int) -> list[list[str]]:
    return [[f"R{n}", f"Produit {n}", "1", "2,50"] for n in range(count)]


def test_a_price_list_with_a_negative_price_imports_nothing_and_names_line_7():
    rows = [*good_rows(5), ["B7", "Agrafeuse", "1", "-3,20"], ["B8", "Trombones", "1", "0,90"]]

    catalog = read(rows)

    assert not catalog.ok
    assert catalog.errors == [RowError(7, "price", "prix « -3,20 » négatif")]
    assert catalog.messages == ["ligne 7 : prix « -3,20 » négatif"]


@pytest.mark.parametrize(
    ("cell", "detail"),
    [
        ("abc", "prix « abc » n’est pas un nombre"),
        ("12,50 € TTC", "prix « 12,50 € TTC » n’est pas un nombre"),
        ("0", "prix « 0 » doit être supérieur à 0"),
        ("1,23456", "prix « 1,23456 » : 4 décimales au plus"),
        ("", "prix manquant"),
    ],
)
def test_a_price_that_is_not_a_usable_number_is_named(cell: str, detail: str):
    catalog = read([["A1", "Ramette", "5", cell]])

    assert catalog.messages == [f"ligne 2 : {detail}"]


@pytest.mark.parametrize(
    ("cell", "detail"),
    [
        ("0", "colisage « 0 » doit être supérieur à 0"),
        ("-5", "colisage « -5 » négatif"),
        ("5 x 500 ml", "colisage « 5 x 500 ml » n’est pas un nombre (une seule quantité attendue)"),
    ],
)
def test_a_pack_size_of_zero_or_less_is_an_error(cell: str, detail: str):
    catalog = read([["A1", "Ramette", cell, "4,20"]])

    assert catalog.messages == [f"ligne 2 : {detail}"]


@pytest.mark.parametrize(("cell", "size"), [("carton de 12", 12), ("x5", 5), ("10 ramettes", 10)])
def test_a_pack_size_written_as_a_phrase_with_one_number_is_read(cell: str, size: int):
    assert read([["A1", "Ramette", cell, "4,20"]]).rows[0].pack_size == size


def test_an_empty_pack_size_is_one_unit():
    assert read([["A1", "Ramette", "", "4,20"]]).rows[0].pack_size == Decimal(1)


def test_a_duplicate_reference_names_both_lines():
    catalog = read(
        [["A1", "Ramette", "5", "4,20"], ["B2", "Stylo", "1", "1"], ["a1", "Re", "1", "4"]]
    )

    assert catalog.messages == ["ligne 4 : référence « a1 » en double : déjà ligne 2"]


def test_every_bad_row_is_listed_not_only_the_first():
    catalog = read([["", "Ramette", "5", "4,20"], ["A2", "", "0", "x"], ["A3", "Ok", "1", "1"]])

    assert catalog.messages == [
        "ligne 2 : référence manquante",
        "ligne 3 : désignation manquante",
        "ligne 3 : colisage « 0 » doit être supérieur à 0",
        "ligne 3 : prix « x » n’est pas un nombre",
    ]
    assert [row.reference for row in catalog.rows] == ["A3"]


@pytest.mark.parametrize(
    ("header", "cell", "detail"),
    [
        ("Délai", "2,5", "délai « 2,5 » : un nombre entier de jours est attendu"),
        ("Délai", "900", "délai « 900 » trop long : 365 jours au plus"),
        ("Contenu recyclé", "120 %", "contenu recyclé « 120 % » supérieur à 100 %"),
        ("TVA", "55", "TVA « 55 » invalide : entre 0 et 30 %"),
        ("Unité", "bidon", "unité « bidon » inconnue : unité, ramette, boîte, paquet, rouleau, "
         "kg, l ou m"),
        ("Valable du", "31/02/2025",
         "début de validité « 31/02/2025 » n’est pas une date qui existe"),
        ("Valable du", "demain", "début de validité « demain » n’est pas une date (jj/mm/aaaa)"),
        ("Quantité minimum", "-1", "quantité minimum « -1 » négatif"),
        ("Capacité", "0", "capacité « 0 » doit être supérieur à 0"),
    ],
)  # fmt: skip
def test_other_absurd_values_are_named(header: str, cell: str, detail: str):
    catalog = read([["A1", "Ramette", "5", "4,20", cell]], [*HEADER, header])

    assert catalog.messages == [f"ligne 2 : {detail}"]


def test_an_offer_valid_until_before_it_starts_is_an_error():
    header = [*HEADER, "Valable du", "Valable jusqu'au"]
    catalog = read([["A1", "Ramette", "5", "4,20", "01/06/2025", "01/01/2025"]], header)

    assert catalog.messages == ["ligne 2 : fin de validité 01/01/2025 avant le début 01/06/2025"]


def test_units_are_read_as_the_catalog_unit_codes():
    header = [*HEADER, "Unité"]
    rows = [["A1", "R", "1", "1", "Boîte"], ["A2", "R", "1", "1", "L"], ["A3", "R", "1", "1", ""]]

    assert [row.unit for row in read(rows, header).rows] == ["box", "l", None]
    assert set(UNITS.values()) == {"unit", "ream", "box", "pack", "roll", "kg", "l", "m"}


def test_vat_defaults_to_twenty_percent():
    assert read([["A1", "Ramette", "5", "4,20"]]).rows[0].vat_rate == Decimal("0.20")


# --- bad files --------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \r\n\r\n"])
def test_an_empty_file_is_refused(data: bytes):
    catalog = read_catalog(data, "tarifs.csv")

    assert [(e.code, e.message) for e in catalog.file_errors] == [
        ("empty", "le fichier « tarifs.csv » est vide")
    ]


def test_a_header_without_rows_is_refused():
    catalog = read([])

    assert [e.code for e in catalog.file_errors] == ["no_rows"]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "un document PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "une image PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "une image JPEG"),
    ],
)
def test_a_pdf_or_an_image_renamed_csv_is_refused_by_its_content(data: bytes, kind: str):
    catalog = read_catalog(data, "tarifs.csv")

    assert [e.code for e in catalog.file_errors] == ["not_a_spreadsheet"]
    assert catalog.file_errors[0].message == (
        f"« tarifs.csv » est {kind}, pas un tableau de prix : "
        "envoyez un fichier CSV ou Excel (.xlsx)"
    )


def test_a_text_file_that_is_not_a_table_is_refused():
    data = b"Bonjour,\nveuillez trouver nos tarifs ci-joints.\nCordialement\n"

    catalog = read_catalog(data.replace(b",", b""), "tarifs.csv")

    assert [e.code for e in catalog.file_errors] == ["not_a_spreadsheet"]
    assert "ne ressemble pas à un tableau" in catalog.file_errors[0].message


def test_a_binary_file_is_refused():
    catalog = read_catalog(bytes(range(256)) * 4, "tarifs.csv")

    assert [e.code for e in catalog.file_errors] == ["not_a_spreadsheet"]


def test_an_old_xls_workbook_is_refused_with_a_way_out():
    catalog = read_catalog(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "tarifs.xls")

    assert catalog.file_errors[0].code == "unsupported_format"
    assert "enregistrez-le en .xlsx" in catalog.file_errors[0].message


def test_a_damaged_workbook_is_refused():
    data = xlsx_file([["A1", "Ramette", 5, 4.2]])

    catalog = read_catalog(data[: len(data) // 2], "tarifs.xlsx")

    assert catalog.file_errors[0].code == "unreadable"


def test_an_undecodable_encoding_is_refused_with_the_line_of_the_bad_byte():
    data = csv_file([["A1", "Ramette", "5", "4,20"]]) + b"A2;Caf\x81\x8d;1;2\r\n"

    catalog = read_catalog(data, "tarifs.csv")

    assert [e.code for e in catalog.file_errors] == ["encoding"]
    assert catalog.file_errors[0].message.startswith(
        "encodage de « tarifs.csv » non reconnu (octet 0x81 ligne 3)"
    )


def test_a_file_mixing_utf8_and_windows_1252_is_refused_rather_than_garbled():
    data = csv_file([["A1", "Ramette recyclée", "5", "4,20"]]) + "A2;Café;1;2\r\n".encode("cp1252")

    catalog = read_catalog(data, "tarifs.csv")

    assert [e.code for e in catalog.file_errors] == ["encoding"]
    assert "mélangé (UTF-8 et Windows-1252, ligne 1)" in catalog.file_errors[0].message


def test_a_file_over_the_row_limit_is_refused_with_the_limit():
    catalog = read(good_rows(50_000))

    assert [e.message for e in catalog.file_errors] == [
        f"fichier trop long : plus de 20{NBSP}000 lignes"
    ]
    assert catalog.rows == [] and catalog.columns is not None


def test_a_workbook_is_read_no_further_than_the_row_limit(monkeypatch):
    """A small XLSX can unpack to hundreds of thousands of rows: reading stops at the limit."""
    from suppliers.catalog_file import table

    data = xlsx_file([[f"R{n}", f"Produit {n}", 1, 2.5] for n in range(3_000)])
    cells_read = 0
    cell_value = table._cell_value

    def counted(cell):
        nonlocal cells_read
        cells_read += 1
        return cell_value(cell)

    monkeypatch.setattr(table, "_cell_value", counted)
    catalog = read_catalog(data, "tarifs.xlsx", max_rows=100)

    assert [e.code for e in catalog.file_errors] == ["too_many_rows"]
    assert cells_read < 4 * (100 + 2 * table.SNIFF_ROWS + 2)


def test_the_row_limit_is_configurable():
    assert read(good_rows(4), max_rows=3).file_errors[0].code == "too_many_rows"
    assert read(good_rows(3), max_rows=3).ok


def test_a_file_over_the_size_limit_is_refused_before_reading():
    catalog = read_catalog(b"x" * 6_000_000, "tarifs.csv")

    assert [e.message for e in catalog.file_errors] == [
        "fichier trop volumineux : 5,7 Mo, maximum 5 Mo"
    ]
    assert read(good_rows(10), max_bytes=100).file_errors[0].code == "too_large"


# --- scale ------------------------------------------------------------------------------------


def test_twenty_thousand_rows_are_checked_with_progress():
    # How fast: benchmarks/catalog_file.py measures it (no timed assertion here).
    header = [*HEADER, "Prix dès 10", "Catégorie", "TVA", "Valable jusqu'au"]
    rows = [
        [f"R{n:05}", f"Produit {n}", "5", "2,50", "2,40", "Papeterie", "20 %", "31/12/2027"]
        for n in range(20_000)
    ]
    data = csv_file(rows, header)
    calls: list[tuple[int, int]] = []

    catalog = read_catalog(data, "tarifs.csv", progress=lambda *call: calls.append(call))

    assert catalog.ok and len(catalog.rows) == 20_000
    assert calls[0] == (500, 20_000) and calls[-1] == (20_000, 20_000) and len(calls) == 40


# --- cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("12,50", "12.50"),
        ("12.50", "12.50"),
        ("12,50 €", "12.50"),
        ("€12.50", "12.50"),
        (f"1{NBSP}234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567"),
        ("(3,20)", "-3.20"),
        ("\u22123,20", "-3.20"),
        ("4,20 € HT", "4.20"),
        (2.5199999999999996, "2.52"),
        (7, "7"),
    ],
)
def test_numbers_are_read_the_french_or_the_english_way(written: str | float, number: str):
    assert parse_decimal(written) == Decimal(number)


@pytest.mark.parametrize("written", ["abc", "1,2,3", "12..5", "1e5", "NaN", "--2"])
def test_text_that_is_not_a_number_is_refused(written: str):
    with pytest.raises(CellError):
        parse_decimal(written)


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("31/12/2027", date(2027, 12, 31)),
        ("1/2/2027", date(2027, 2, 1)),
        ("31.12.27", date(2027, 12, 31)),
        ("2027-12-31", date(2027, 12, 31)),
        ("2027-12-31T00:00:00", date(2027, 12, 31)),
        (datetime(2027, 12, 31, 0, 0), date(2027, 12, 31)),
        (46387, date(2026, 12, 31)),
    ],
)
def test_dates_are_read_day_first_iso_or_from_excel(written: object, day: date):
    assert parse_date(written) == day  # type: ignore[arg-type]


def _peak_megabytes(read: Callable[[], CatalogFile]) -> tuple[CatalogFile, float]:
    tracemalloc.start()
    try:
        catalog = read()
        return catalog, tracemalloc.get_traced_memory()[1] / 1_048_576
    finally:
        tracemalloc.stop()


def test_a_price_list_wider_than_the_column_limit_is_refused_with_its_width():
    catalog = read([["A1", "Ramette", "5", "4,20", *["x"] * 200]], [*HEADER, *["Colonne"] * 200])

    assert [e.code for e in catalog.file_errors] == ["too_wide"]
    assert "204 colonnes ou plus (ligne 1)" in catalog.file_errors[0].message
    assert read(good_rows(3), [*HEADER, *["Note"] * 196]).ok  # 200 columns are accepted


def test_a_million_columns_in_two_megabytes_are_refused_without_reading_them_whole():
    data = ";".join(["Réf.", "Désignation", *["x"] * 1_000_000]).encode() + b"\r\nA1;Ramette\r\n"

    catalog, peak = _peak_megabytes(lambda: read_catalog(data, "tarifs.csv"))

    assert [e.code for e in catalog.file_errors] == ["too_wide"]
    assert peak < 100


def test_a_csv_with_more_cells_than_the_limit_is_refused(monkeypatch):
    from suppliers.catalog_file import size

    monkeypatch.setattr(size, "MAX_CELLS", 100)
    catalog = read(good_rows(30))

    assert [e.code for e in catalog.file_errors] == ["too_many_cells"]
    assert read(good_rows(20)).ok  # 21 rows of 4 cells


def _workbook_with_row(row_xml: str) -> bytes:
    """A real workbook whose first sheet's data is replaced by `row_xml` then a price row."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_file([["A1", "Ramette", 5, 4.2]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index("<sheetData>") + len("<sheetData>")
                content = (text[:start] + row_xml + text[start:]).encode()
            target.writestr(item, content)
    return buffer.getvalue()


def test_a_small_workbook_with_300000_cells_in_one_row_is_refused_without_reading_it():
    cells = "".join(f'<c t="n"><v>{n % 10}</v></c>' for n in range(300_000))
    data = _workbook_with_row(f'<row r="1">{cells}</row>')
    assert len(data) < 200_000

    catalog, peak = _peak_megabytes(lambda: read_catalog(data, "tarifs.xlsx"))

    assert [e.code for e in catalog.file_errors] == ["too_wide"]
    assert peak < 100


def test_a_workbook_with_one_cell_in_a_far_column_is_refused_as_too_wide():
    data = _workbook_with_row('<row r="1"><c r="XFD1" t="n"><v>1</v></c></row>')

    catalog = read_catalog(data, "tarifs.xlsx")

    assert [e.code for e in catalog.file_errors] == ["too_wide"]
    assert "16384 colonnes" in catalog.file_errors[0].message
