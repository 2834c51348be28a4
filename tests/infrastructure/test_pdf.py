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


def _pages(pdf_bytes: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages]


def test_a_long_paragraph_is_broken_at_words_and_a_word_wider_than_the_page_is_cut():
    words = [f"mot{n:03d}" for n in range(60)]
    pdf = ArchivePdf("Essai")
    pdf.text_line(" ".join(words))
    pdf.text_line("x" * 200)
    text = _text(pdf.document())

    lines = text.splitlines()
    assert len(lines) >= 4
    assert " ".join(" ".join(lines).split()).count("mot") == 60
    assert all(word in text for word in words)
    assert "".join(lines).count("x") == 200


def test_a_long_table_goes_on_with_its_header_on_the_next_page():
    rows = [[f"Article {n} " + "très long " * (n % 3), str(n), "1,00"] for n in range(90)]
    pdf = ArchivePdf("Essai")
    pdf.table_of(["Désignation", "Quantité", "Montant"], rows, (120, 30, 30))
    pages = _pages(pdf.document())

    assert len(pages) >= 2
    assert all(page.count("Désignation") == 1 for page in pages)
    assert all(f"Article {n} " in "".join(pages) for n in range(90))


def test_documents_drawn_one_after_the_other_each_embed_the_glyphs_they_use():
    first = ArchivePdf("Essai")
    first.text_line("Łódź")
    second = ArchivePdf("Essai")
    second.text_line("Ærøskøbing", style="B")
    second.text_line("Brașov", style="I")

    assert "Łódź" in _text(first.document())
    assert _text(second.document()).splitlines() == ["Ærøskøbing", "Brașov"]


def test_lines_that_pass_the_foot_of_a_page_go_on_the_next_one():
    pdf = ArchivePdf("Essai")
    for n in range(70):
        pdf.text_line(f"Ligne {n}")
    pdf.amounts([("Total TTC", "12,50 €", True)])
    pages = _pages(pdf.document())

    assert len(pages) == 2
    assert "Ligne 0" in pages[0] and "Ligne 69" in pages[1]
    assert "Total TTC" in pages[1]
    assert sum(page.count("Ligne ") for page in pages) == 70
