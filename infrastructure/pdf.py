"""The page every coachat PDF is drawn on: A4, PDF/A-3B, in a font shipped with the package.

Archives and e-invoicing platforms accept only PDF/A: every font embedded (the PDF's built-in
Helvetica never is), an XMP packet declaring the PDF/A part and conformance, and an output
intent with an ICC profile. fpdf2 checks the first when asked for PDF/A-3B (it refuses the
built-in fonts), writes the XMP packet and adds an sRGB output intent with the sRGB2014 profile
it ships (its licence sits beside it, in `fpdf/data/color_profiles`). The font is DejaVu Sans
Condensed, in `infrastructure/fonts` with its licence, cut down to the Latin-script languages
of Europe (`scripts/subset_fonts.py` says why: fpdf2 reads the whole font file for each
document); fpdf2 embeds the glyphs used. `printable` writes any other character as its closest
plain letters.

The invoices to come are made Factur-X from such a PDF, which must be PDF/A-3 already.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from fpdf import FPDF
from PIL import Image, UnidentifiedImageError

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSansCondensed"
FONT_FILES = {"": "DejaVuSansCondensed.ttf", "B": "DejaVuSansCondensed-Bold.ttf"}
FONT_FILES["I"] = "DejaVuSansCondensed-Oblique.ttf"
COMPLIANCE = "PDF/A-3B"
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 2000  # pixels
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpeg"}


@cache
def _glyphs() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(FONTS / FONT_FILES[""]) as font:
        return frozenset(font.getBestCmap())


def printable(text: str) -> str:
    """The text with each character the font cannot draw replaced by its closest plain letters
    (or `?`), so that no glyph is silently missing from the document."""
    glyphs = _glyphs()
    if all(ord(char) in glyphs for char in text):
        return text
    out = []
    for char in text:
        if ord(char) in glyphs or char in "\n\t":
            out.append(char)
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def logo_kind(data: bytes) -> str | None:
    """`png` or `jpeg` when `data` is a whole PNG or JPEG image of at most `LOGO_MAX_SIDE`
    pixels a side; None for anything else (another format, a damaged or oversized image)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = LOGO_FORMATS.get(str(image.format))
                if kind is None or max(image.size) > LOGO_MAX_SIDE:
                    return None
                image.load()  # decodes it whole: a truncated file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning):
        return None
    except Image.DecompressionBombError:
        return None
    return kind


def _logo_image(data: bytes) -> Image.Image:
    """The logo in colours an sRGB PDF/A shows as they are (a CMYK JPEG is turned to RGB)."""
    image: Image.Image = Image.open(io.BytesIO(data))
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGB")
    return image


class ArchivePdf(FPDF):
    """An A4 PDF/A-3B page with coachat's font, margins and French language."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance=COMPLIANCE)
        for style in ("", "B"):
            self.add_font(FONT, style, FONTS / FONT_FILES[style])
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(printable(title))
        self.set_creator("coachat")
        self.set_lang("fr-FR")
        self.set_margins(15, 15, 15)
        self.below_logo = 0.0
        self.add_page()
        self.set_font(FONT, size=9)

    def set_font(self, family: str | None = None, style: str = "", size: float = 0) -> None:  # type: ignore[override]
        """As fpdf2's; the oblique font file is read on its first use only, as most documents
        never slant a word and fpdf2 reads a font file for each document."""
        if family == FONT and style == "I" and f"{FONT.lower()}I" not in self.fonts:
            self.add_font(FONT, "I", FONTS / FONT_FILES["I"])
        super().set_font(family, style, size)

    def text_line(self, text: str, *, size: float = 9, style: str = "", height: float = 5) -> None:
        self.set_font(FONT, style=style, size=size)
        self.multi_cell(0, height, printable(text), align="L", new_x="LMARGIN", new_y="NEXT")

    def logo(self, data: bytes) -> None:
        """The logo in the top right corner, at most 45 × 20 mm, its proportions kept."""
        if not data:
            return
        width, height = 45.0, 20.0
        self.image(
            _logo_image(data),
            x=self.w - self.r_margin - width,
            y=self.t_margin,
            w=width,
            h=height,
            keep_aspect_ratio=True,
        )
        self.below_logo = self.t_margin + height + 3

    def columns(self, blocks: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Side by side blocks, each a bold title over its lines (a buyer and a supplier)."""
        top = max(self.get_y(), self.below_logo)
        gap = 8
        width = (self.w - self.l_margin - self.r_margin - gap * (len(blocks) - 1)) / len(blocks)
        bottom = top
        for index, (title, rows) in enumerate(blocks):
            x = self.l_margin + index * (width + gap)
            self.set_xy(x, top)
            self.set_font(FONT, style="B", size=9)
            self.cell(width, 5, printable(title), new_x="LEFT", new_y="NEXT")
            self.set_font(FONT, size=9)
            for row in rows:
                self.set_x(x)
                self.multi_cell(width, 4.5, printable(row), align="L", new_x="LEFT", new_y="NEXT")
            bottom = max(bottom, self.get_y())
        self.set_xy(self.l_margin, max(bottom, top + 30) + 4)

    def table_of(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> None:
        self.set_font(FONT, size=8)
        aligns = tuple("LEFT" if i < 2 else "RIGHT" for i in range(len(header)))
        with self.table(col_widths=tuple(widths), text_align=aligns, line_height=5) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(printable(cell))
        self.ln(2)

    def amounts(self, rows: Sequence[tuple[str, str, bool]]) -> None:
        width = self.w - self.l_margin - self.r_margin
        for label, amount, bold in rows:
            self.set_font(FONT, style="B" if bold else "", size=9)
            self.cell(width - 35, 5, printable(label), align="R")
            self.cell(35, 5, printable(amount), align="R", new_x="LMARGIN", new_y="NEXT")

    def document(self) -> bytes:
        return bytes(self.output())
