"""The font of coachat's PDFs is read once per process and embedded in cuts made once: a
document's file depends only on what it shows, never on what was drawn before it, and fonts
that are not coachat's are cut as fpdf2 always cuts them."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import fpdf.output
from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf import PdfReader

import infrastructure.pdf_fonts as pdf_fonts
from infrastructure.pdf import ArchivePdf
from infrastructure.pdf_fonts import COMMON_CHARACTERS, FONT_FILES, FONTS, cuts_made_once
from money.formats.invoice_file import _stopped_clock


def _drawn(*lines: str) -> bytes:
    # The clock is stopped as for an invoice: fpdf2 stamps its modification date with the time.
    moment = datetime(2027, 1, 15, tzinfo=UTC)
    pdf = ArchivePdf("Essai")
    pdf.set_creation_date(moment)
    with _stopped_clock(moment):
        for line in lines:
            pdf.text_line(line)
        pdf.text_line("En gras", style="B")
        return pdf.document()


def _embedded_fonts(pdf_bytes: bytes) -> list[TTFont]:
    fonts = []
    for font in PdfReader(io.BytesIO(pdf_bytes)).pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        data = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        fonts.append(TTFont(io.BytesIO(data)))
    return fonts


def test_a_file_is_the_same_whatever_was_drawn_before_it_in_the_process():
    pdf_fonts._CUTS.clear()
    first = _drawn("Facture FA-2027-00001 — 12,50 €")
    _drawn("Łódź, Brașov, Ærøskøbing")

    again = _drawn("Facture FA-2027-00001 — 12,50 €")
    pdf_fonts._CUTS.clear()

    assert again == first == _drawn("Facture FA-2027-00001 — 12,50 €")


def test_the_embedded_font_holds_the_french_characters_and_any_other_the_document_uses():
    regular, bold = _embedded_fonts(_drawn("Łódź"))

    for font in (regular, bold):
        drawn = font.getBestCmap()
        assert all(ord(char) in drawn for char in COMMON_CHARACTERS)
    assert ord("Ł") in regular.getBestCmap()
    assert ord("Ł") not in bold.getBestCmap()
    # A cut, not the whole font (585 glyphs): the glyphs left out keep their numbers, empty.
    glyphs = regular["glyf"]
    assert len([name for name in regular.getGlyphOrder() if glyphs[name].numberOfContours]) < 250


def test_a_character_is_written_as_the_number_of_its_glyph_in_the_embedded_font_and_its_width():
    drawn = _drawn("Facture FA-2027-00001 — 12,50 € Łódź")

    checked = 0
    for font in PdfReader(io.BytesIO(drawn)).pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert descendant["/CIDToGIDMap"] == "/Identity"
        data = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        embedded = TTFont(io.BytesIO(data))
        cmap = embedded.getBestCmap()
        to_unicode = font.get_object()["/ToUnicode"].get_object().get_data().decode()
        characters = "".join(re.findall(r"beginbfchar(.*?)endbfchar", to_unicode, re.S))
        pairs = re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>", characters)
        assert len(pairs) > 5
        widths = {}
        entries = list(descendant["/W"])
        for first, listed in zip(entries[::2], entries[1::2], strict=True):
            widths.update({first + i: width for i, width in enumerate(listed)})
        scale = 1000 / embedded["head"].unitsPerEm
        for code, char in pairs:
            glyph = cmap[int(char, 16)] if int(char, 16) else ".notdef"
            assert embedded.getGlyphID(glyph) == int(code, 16)
            if glyph != ".notdef":
                assert widths[int(code, 16)] == round(scale * embedded["hmtx"][glyph][0] + 0.001)
            checked += 1
    assert checked > 30


def test_another_font_is_cut_as_fpdf2_cuts_it_and_the_library_is_left_as_it_was():
    pdf = FPDF()
    pdf.add_font("Autre", "", FONTS / FONT_FILES["I"])
    pdf.add_page()
    pdf.set_font("Autre", size=12)
    pdf.cell(text="Łódź")
    with cuts_made_once():
        drawn = bytes(pdf.output())

    assert fpdf.output.ftsubset is ftsubset
    assert "Łódź" in PdfReader(io.BytesIO(drawn)).pages[0].extract_text()
    (font,) = _embedded_fonts(drawn)
    assert ord("a") not in font.getBestCmap()  # only the glyphs used
