"""Files from outside are parsed without trusting them, read by paths, and refused in one
line."""

from __future__ import annotations

import pytest
from lxml import etree

from money.formats.received import read_supplier_invoice
from money.formats.xml_input import Fields, FileRefused, one_line, parse_xml, quoted
from tests.money.supplier_invoices import Invoice, cii


def test_a_refusal_is_one_short_line():
    assert one_line("the file\nis not\t\tXML  ") == "the file is not XML"
    assert len(one_line("x" * 1_000)) == 300
    assert str(FileRefused("line one\nline two")) == "line one line two"
    assert quoted("IBAN\nFR76" + "1" * 100) == repr("IBAN FR76" + "1" * 30 + "…")
    assert quoted(None) == "nothing"


def test_a_file_is_refused_before_parsing_when_too_large_or_not_bytes():
    with pytest.raises(FileRefused, match=r"0\.0 MB, more than the 0 MB accepted for a test"):
        parse_xml(b"<a/>" * 10, FileRefused, max_bytes=20, what="a test")
    with pytest.raises(FileRefused, match="must be read from bytes, not str"):
        parse_xml("<a/>", FileRefused, max_bytes=100, what="a test")  # type: ignore[arg-type]


def test_fields_are_found_by_path_in_document_order_without_namespaces():
    root = etree.fromstring(
        b'<r xmlns="urn:x" xmlns:y="urn:y"><a><b>one</b><y:b> two  </y:b></a>'
        b"<a><b>three</b></a><c><d>inside</d></c><e/></r>"
    )
    fields = Fields(root, stop=frozenset({"c"}))
    assert fields.texts("a/b") == ["one", "two", "three"]
    assert fields.text("a/b") == "one"
    assert fields.element("c") is not None
    # A part left out is recorded, not entered.
    assert fields.text("c/d") is None
    assert Fields(fields.element("c")).text("d") == "inside"
    assert fields.text("e") is None and fields.element("e") is not None
    assert fields.elements("missing") == [] and fields.element("missing") is None


def test_an_xml_invoice_that_mentions_a_pdf_is_still_read_as_xml():
    invoice = Invoice(number="%PDF-1.7")
    assert read_supplier_invoice(cii(invoice)).number == "%PDF-1.7"
