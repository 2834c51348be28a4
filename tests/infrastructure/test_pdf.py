"""The page every PDF is drawn on: its font covers French and the other Latin-script languages
of Europe, and writes any other character as its closest plain letters rather than a blank."""

from __future__ import annotations

import io

from pypdf import PdfReader

from infrastructure.pdf import ArchivePdf, printable


def _text(pdf_bytes: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def test_french_and_european_names_are_drawn_as_written() -> None:
    names = "Société Œnologique d’Épinal — Łódź, Brașov, Ærøskøbing, 12,50 € ≤ 13 CO₂"
    assert printable(names) == names
    pdf = ArchivePdf("Essai")
    pdf.text_line(names)
    assert "Société Œnologique d’Épinal" in _text(pdf.document())


def test_a_character_outside_the_font_is_written_as_its_plain_letters() -> None:
    assert printable("Nguyễn Ω") == "Nguyen ?"
    pdf = ArchivePdf("Essai")
    pdf.text_line("Nguyễn Ω")
    assert "Nguyen ?" in _text(pdf.document())
