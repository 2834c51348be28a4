"""The page every coachat PDF is drawn on: A4, PDF/A-3B, in a font shipped with the package.

Archives and e-invoicing platforms accept only PDF/A: every font embedded (the PDF's built-in
Helvetica never is), an XMP packet declaring the PDF/A part and conformance, and an output
intent with an ICC profile. fpdf2 checks the first when asked for PDF/A-3B (it refuses the
built-in fonts), writes the XMP packet and adds an sRGB output intent with the sRGB2014 profile
it ships (its licence sits beside it, in `fpdf/data/color_profiles`). The font is DejaVu Sans
Condensed, in `infrastructure/fonts` with its licence, cut down to the Latin-script languages
of Europe (`scripts/subset_fonts.py` says why); fpdf2 embeds the glyphs used. `printable`
writes any other character as its closest plain letters.

A batch draws thousands of pages in a row, so the drawing avoids fpdf2's costly paths where a
cheaper one draws the same: the font is read once per process and embedded in cuts made once
per process (`infrastructure/pdf_fonts.py` says how); paragraphs, block rows and table cells
are broken into lines word by word rather than by `multi_cell`, which measures a line again
for each character it adds, each line is put where `cell` would put it without laying it out
again, and a text is measured from the font's widths directly (fpdf2's `get_string_width` first
splits it for right-to-left scripts and styles, which a line of `printable` text never holds).

The invoices to come are made Factur-X from such a PDF, which must be PDF/A-3 already.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from functools import cache

from fpdf import FPDF
from PIL import Image, UnidentifiedImageError

from infrastructure.pdf_fonts import (
    FONT,
    FONT_FILES,
    FONTS,
    ArchiveOutput,
    cuts_made_once,
    font_for,
)

COMPLIANCE = "PDF/A-3B"
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 2000  # pixels
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpeg"}
TABLE_LINE = 5.0  # mm, the height of a line of text in a table cell
# Widths of the texts measured in this process, by font and text: enough for the words and
# labels that come back on every page of a batch, cleared when full.
MEASURED_KEPT = 50_000
_MEASURED: dict[tuple[str, str], int] = {}


@cache
def _drawable() -> frozenset[str]:
    """The characters the font has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(FONTS / FONT_FILES[""]) as font:
        return frozenset(map(chr, font.getBestCmap()))


def printable(text: str) -> str:
    """The text with each character the font cannot draw replaced by its closest plain letters
    (or `?`), so that no glyph is silently missing from the document."""
    drawable = _drawable()
    if drawable.issuperset(text):
        return text
    out = []
    for char in text:
        if char in drawable or char in "\n\t":
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
            self._add_font(style)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(printable(title))
        self.set_creator("coachat")
        self.set_lang("fr-FR")
        self.set_margins(15, 15, 15)
        self.below_logo = 0.0
        self.add_page()
        self.set_font(FONT, size=9)

    def _add_font(self, style: str) -> None:
        """As `add_font(FONT, style, ...)`, from the font read once per process."""
        self.fonts[f"{FONT.lower()}{style}"] = font_for(self, style)

    def set_font(self, family: str | None = None, style: str = "", size: float = 0) -> None:  # type: ignore[override]
        """As fpdf2's; the oblique font is added on its first use only, as most documents
        never slant a word and each font added is embedded."""
        if family == FONT and style == "I" and f"{FONT.lower()}I" not in self.fonts:
            self._add_font("I")
        super().set_font(family, style, size)

    def _units(self, text: str) -> int:
        """The width of `text` in the current font, in thousandths of its size, as fpdf2 sums
        its characters' widths; remembered, as a batch's pages measure the same words."""
        font = self.current_font
        key = (font.fontkey, text)  # type: ignore[union-attr]
        units = _MEASURED.get(key)
        if units is None:
            # Whole numbers (fpdf2 rounds each width), so a line's sum is its words' sums.
            widths: Mapping[int, int] = font.cw  # type: ignore[union-attr, assignment]
            units = sum(widths[ord(char)] for char in text)
            if len(_MEASURED) >= MEASURED_KEPT:
                _MEASURED.clear()
            _MEASURED[key] = units
        return units

    def _scaled(self, units: int) -> float:
        # The same operations as `get_text_width` and `get_string_width`: the same float.
        return units * self.font_size_pt * 0.001 / self.k

    def _width(self, text: str) -> float:
        """The width of `text` in the current font, as `get_string_width` gives it."""
        return self._scaled(self._units(text))

    def _lines(self, text: str, width: float) -> list[str]:
        """The lines `text` is broken into, at spaces, in a cell `width` wide (its margins
        left out), as `multi_cell` breaks it; measured word by word (a line's width is the sum
        of its words' and spaces'), where `multi_cell` measures the line again for each
        character it adds."""
        room = width - 2 * self.c_margin
        if "\n" not in text and self._width(text) <= room:
            return [text]
        if "\n" in text:
            return self._broken(text, width)
        space = self._units(" ")
        lines: list[str] = []
        line, units = "", 0
        for word in text.split(" "):
            word_units = self._units(word)
            if line and self._scaled(units + space + word_units) > room:
                lines.append(line)
                line, units = word, word_units
            elif line:
                line, units = f"{line} {word}", units + space + word_units
            else:
                line, units = word, word_units
            if self._scaled(units) > room:
                # A word wider than the cell: multi_cell cuts it.
                return self._broken(text, width)
        lines.append(line)
        return lines

    def _broken(self, text: str, width: float) -> list[str]:
        return list(self.multi_cell(width, TABLE_LINE, text, dry_run=True, output="LINES"))  # type: ignore[arg-type]

    def _put(self, text: str, x: float, width: float, height: float, align: str = "L") -> None:
        """`text` where `cell(width, height, text, align=align)` at (x, current y) draws it,
        without moving: a fifth of the cost of `cell`, which lays the text out anew, and a
        page calls it some seventy times."""
        if not text:
            return
        dx = width - self.c_margin - self._width(text) if align == "R" else self.c_margin
        self.text(x + dx, self.y + 0.5 * height + 0.3 * self.font_size, text)

    def _next_line(self, height: float) -> None:
        """Makes room for a line `height` high: on the next page, in the same column, when it
        does not fit on this one (as `cell` does)."""
        if self.will_page_break(height):
            x = self.x
            self.add_page()
            self.x = x

    def _paragraph(self, text: str, width: float, height: float, *, back_to_margin: bool) -> None:
        """`text` in lines `height` high in a column `width` wide from here (0: to the right
        margin), aligned left; then the position is under it, at the left margin or at the
        column's left."""
        width = width or self.w - self.r_margin - self.x
        for line in self._lines(text, width):
            self._next_line(height)
            self._put(line, self.x, width, height)
            self.set_xy(self.l_margin if back_to_margin else self.x, self.y + height)

    def text_line(self, text: str, *, size: float = 9, style: str = "", height: float = 5) -> None:
        """A paragraph from the left margin to the right one, its lines broken at words."""
        self.set_font(FONT, style=style, size=size)
        self._paragraph(printable(text), 0, height, back_to_margin=True)

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
            self._paragraph(printable(title), width, 5, back_to_margin=False)
            self.set_font(FONT, size=9)
            for row in rows:
                self._paragraph(printable(row), width, 4.5, back_to_margin=False)
            bottom = max(bottom, self.get_y())
        self.set_xy(self.l_margin, max(bottom, top + 30) + 4)

    def table_of(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> None:
        """A ruled table: its header in bold, the first two columns aligned left, the others
        right; a text too long for its cell goes on several lines and the row grows, the other
        cells of the row centred in its height. A row that does not fit at the foot of a page
        starts the next one, under the header again."""
        aligns = ["L" if i < 2 else "R" for i in range(len(header))]
        if self.will_page_break(2 * TABLE_LINE):  # never a header alone at the foot of a page
            self.add_page()
        self._table_row([printable(cell) for cell in header], widths, aligns, bold=True)
        for cells in rows:
            self.set_font(FONT, size=8)
            lines = [
                self._lines(printable(cell), width)
                for cell, width in zip(cells, widths, strict=True)
            ]
            if self.will_page_break(TABLE_LINE * max(len(cell) for cell in lines)):
                self.add_page()
                self._table_row([printable(cell) for cell in header], widths, aligns, bold=True)
            self._table_row(lines, widths, aligns)
        self.ln(2)

    def _table_row(
        self,
        cells: Sequence[str | Sequence[str]],
        widths: Sequence[float],
        aligns: Sequence[str],
        *,
        bold: bool = False,
    ) -> None:
        """A row of cells, each a text or the lines it is broken into already (in the row's
        font: size 8, bold or not)."""
        self.set_font(FONT, style="B" if bold else "", size=8)
        cells = [
            self._lines(cell, width) if isinstance(cell, str) else cell
            for cell, width in zip(cells, widths, strict=True)
        ]
        height = TABLE_LINE * max(len(lines) for lines in cells)
        top, x = self.get_y(), self.l_margin
        for lines, width, align in zip(cells, widths, aligns, strict=True):
            self.rect(x, top, width, height)
            y = top + (height - TABLE_LINE * len(lines)) / 2
            for line in lines:
                self.set_xy(x, y)
                self._put(line, x, width, TABLE_LINE, align)
                y += TABLE_LINE
            x += width
        self.set_xy(self.l_margin, top + height)

    def amounts(self, rows: Sequence[tuple[str, str, bool]]) -> None:
        width = self.w - self.l_margin - self.r_margin
        for label, amount, bold in rows:
            self.set_font(FONT, style="B" if bold else "", size=9)
            self._next_line(5)
            self._put(printable(label), self.l_margin, width - 35, 5, "R")
            self._put(printable(amount), self.l_margin + width - 35, 35, 5, "R")
            self.set_xy(self.l_margin, self.y + 5)

    def document(self) -> bytes:
        with cuts_made_once():
            return bytes(self.output(output_producer_class=ArchiveOutput))
