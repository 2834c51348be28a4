"""The demo cooperative's books: the FEC of each fiscal year its journal holds passes every
rule of the format, and every invoice it issued carries an XML that passes its schema and the
EN 16931 sums and French mentions."""

from __future__ import annotations

import facturx
from sqlalchemy import select

from money.books import fec_of_year
from money.formats.facturx_checks import check_invoice_xml
from money.formats.fec import check_fec
from money.models import JournalEntry, MemberInvoice


def test_the_demo_books_pass_the_fec_rules_and_every_invoice_its_checks(loaded_demo, session):
    # One load of the demo for both: loading it draws and issues every invoice of its history.
    years = sorted(set(session.scalars(select(JournalEntry.fiscal_year))))
    assert years
    for year in years:
        name, content = fec_of_year(session, year, actor=None)
        text = content.decode("utf-8")
        assert name == f"894127653FEC{year}1231.txt"
        assert check_fec(text) == [], year
        assert len(text.splitlines()) > 10
        # Each VAT account says its rate as a French reader writes it.
        assert "TVA collectée 20 %" in text and "E+" not in text
        assert "\nAC\tAchats\t" in text and "TVA déductible 20 %" in text
    documents = list(session.scalars(select(MemberInvoice)))
    assert documents
    for document in documents:
        _name, xml = facturx.get_xml_from_pdf(document.facturx, check_xsd=False)
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        assert check_invoice_xml(xml) == [], document.number
