"""The font of coachat's PDFs, read once per process and embedded in cuts made once per process.

fpdf2 reads a font file whole for each document it is added to, and when it writes the
document it cuts the font down to the glyphs used (fontTools' subsetter) and embeds the cut:
together two thirds of the time of an invoice's page. A batch draws thousands of documents in a
row, with nearly the same characters. So:

- each font file is read and measured (widths, character map, descriptor) once per process, and
  each document gets its own copy of what it changes (the glyphs it uses, its descriptor);
- each document's font is embedded cut to the characters of nearly every French document
  (`COMMON_CHARACTERS`) plus any other it uses, a cut made once per process for each such set
  and kept. A file carries a few kilobytes more of glyphs it may not show; the cut, hence the
  file, depends only on the characters used, never on what was drawn before in the process.

The cut is fontTools' own, with the options fpdf2 asks for, and keeps each glyph's number in
the font file. A document's text writes each glyph as that number (fpdf2 numbers glyphs in the
order a document first uses them), so the codes of the text are the glyphs' numbers in the
embedded font and the document says so with `/CIDToGIDMap /Identity`: fpdf2 would build,
compress and embed a 128 KiB map per font and per document, which the Factur-X step then reads
and copies again. `ArchiveOutput` writes the fonts' objects as fpdf2 does otherwise, with the
cut's file compressed once per cut. A document holding another font is written by fpdf2's own
writer, which while `cuts_made_once` is held finds a `Subsetter` that looks coachat's cuts up
instead of cutting again, and cuts the other fonts as fpdf2 always does.
"""

from __future__ import annotations

import copy
import io
import logging
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

import fpdf.output
from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import Glyph, SubsetMap, TTFFont
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFFont,
    PDFFontStream,
    _build_cmap_blocks,
)
from fpdf.syntax import Name, PDFArray, PDFContentStream

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSansCondensed"
FONT_FILES = {
    "": "DejaVuSansCondensed.ttf",
    "B": "DejaVuSansCondensed-Bold.ttf",
    "I": "DejaVuSansCondensed-Oblique.ttf",
}
# Embedded in every document: letters, digits and signs of French invoices, orders and statements.
COMMON_CHARACTERS = (
    "".join(map(chr, range(0x20, 0x7F)))
    + "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"
    + "\u00a0\u202f€—–’‘“”«»…°×·"
)
_KEPT_CUTS = 64  # distinct sets of characters; a batch rarely has more than a handful
_WRITING = threading.Lock()
LOGGER = logging.getLogger(__name__)


@cache
def _font_file(style: str) -> bytes:
    return (FONTS / FONT_FILES[style]).read_bytes()


@cache
def _measured_font(style: str) -> TTFFont:
    """The font of `style` as fpdf2's `add_font` reads it, read once per process."""
    return _ArchiveFont(FPDF(), FONTS / FONT_FILES[style], f"{FONT.lower()}{style}", style)


class _ArchiveFont(TTFFont):
    """fpdf2's font, writing a text in its glyphs' numbers through a table (`_GlyphNumbers`)
    rather than character by character: a page writes some seventy texts."""

    __slots__ = ()

    def encode_text(self, text: str) -> str:
        subset = self.subset
        assert isinstance(subset, _GlyphNumbers)
        return f"({self.escape_text(subset.encoded(text))}) Tj"


@cache
def _common_glyphs(style: str) -> frozenset[str]:
    cmap = _measured_font(style).cmap
    return frozenset(cmap[ord(char)] for char in COMMON_CHARACTERS if ord(char) in cmap)


def font_for(pdf: FPDF, style: str) -> TTFFont:
    """The font of `style` for one document, as `pdf.add_font` would make it: what is read
    once is shared, what a document changes is its own."""
    font = copy.copy(_measured_font(style))
    font.i = len(pdf.fonts) + 1
    font.ttfont = _DocumentFont(style)
    font.desc = copy.copy(font.desc)  # given its place in the document's file when written
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = _GlyphNumbers(font)
    return font


class _GlyphNumbers(SubsetMap):
    """fpdf2's map of the glyphs a document uses to the codes its text is written in, each
    glyph written as its number in the font file (fpdf2 numbers them in the order of first
    use). The cut keeps the glyphs' numbers, so the code of a glyph is its number in the
    embedded font too and the document says so with `/CIDToGIDMap /Identity`, where fpdf2
    builds and compresses a 128 KiB map for each font of each document."""

    def __init__(self, font: TTFFont) -> None:
        super().__init__(font)
        # fpdf2 reserves codes 0 and 32 for .notdef and the space: here each is its number,
        # .notdef's being 0 in every TrueType font.
        self._char_id_per_glyph = {
            glyph: 0 if glyph.glyph_name == ".notdef" else glyph.glyph_id
            for glyph in self._char_id_per_glyph
            if glyph is not None
        }
        self._seen: set[str] = set()
        self._codes: dict[int, str | None] = {}

    def encoded(self, text: str) -> str:
        """`text` in the codes of its glyphs, as fpdf2's `encode_text` writes it (a character
        the font lacks left out); each character is picked, hence recorded as used, the first
        time the document writes it, in the order fpdf2 would pick it."""
        if not self._seen.issuperset(text):
            for char in text:
                if char not in self._seen:
                    self._seen.add(char)
                    code = self.pick(ord(char))
                    self._codes[ord(char)] = None if code is None else chr(code)
        return text.translate(self._codes)

    def pick_glyph(self, glyph: Glyph | None) -> int | None:
        if glyph is None:
            return None
        return self._char_id_per_glyph.setdefault(glyph, glyph.glyph_id)


@dataclass(frozen=True)
class _Cut:
    data: bytes
    glyph_ids: dict[str, int]
    compressed: bytes  # as fpdf2 compresses the font file it embeds


_CUTS: dict[tuple[str, frozenset[str], str], _Cut] = {}


def _cut(style: str, glyphs: frozenset[str], options: Any) -> _Cut:
    """The font of `style` cut to `glyphs` by fontTools with `options`, made once."""
    key = (style, glyphs, repr(sorted(vars(options).items())))
    cut = _CUTS.get(key)
    if cut is None:
        # recalcBBoxes=False: the cut keeps each glyph's stored outline and bounding box
        # instead of decoding the outline and encoding it again to work the box out anew.
        font = TTFont(
            io.BytesIO(_font_file(style)), recalcTimestamp=False, recalcBBoxes=False, lazy=True
        )
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(glyphs=sorted(glyphs))
        subsetter.subset(font)
        data = io.BytesIO()
        font.save(data)
        cut = _Cut(
            data.getvalue(),
            {name: font.getGlyphID(name) for name in font.getGlyphOrder()},
            zlib.compress(data.getvalue(), level=PDFContentStream._COMPRESSION_LEVEL),
        )
        if len(_CUTS) >= _KEPT_CUTS:
            _CUTS.clear()
        _CUTS[key] = cut
    return cut


class _DocumentFont:
    """What fpdf2 asks of a document's fontTools font when it writes the document: cut it,
    give a glyph's number in the cut, write the cut, close it."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.cut: _Cut | None = None

    def __contains__(self, table: str) -> bool:
        return False  # no CFF outlines: DejaVu's are TrueType

    def getGlyphID(self, name: str) -> int:
        assert self.cut is not None
        return self.cut.glyph_ids[name]

    def save(self, file: IO[bytes]) -> None:
        assert self.cut is not None
        file.write(self.cut.data)

    def close(self) -> None:
        self.cut = None


class _Subsetter:
    """fontTools' `Subsetter` as fpdf2 calls it, cutting a coachat font once per set of glyphs."""

    def __init__(self, options: Any) -> None:
        self.options = options
        self.glyphs: list[str] = []

    def populate(self, *, glyphs: Iterable[str]) -> None:
        self.glyphs = list(glyphs)

    def subset(self, font: Any) -> None:
        if isinstance(font, _DocumentFont):
            glyphs = frozenset(self.glyphs) | _common_glyphs(font.style)
            font.cut = _cut(font.style, glyphs, self.options)
            return
        subsetter = ftsubset.Subsetter(self.options)
        subsetter.populate(glyphs=self.glyphs)
        subsetter.subset(font)


def _options() -> Any:
    """fpdf2's options for cutting a font, keeping each glyph's number."""
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, retain_gids=True)
    options.drop_tables += FPDF_DROPPED_TABLES
    return options


# The tables fpdf2 drops from the fonts it embeds (`fpdf.output.OutputProducer._add_fonts`).
FPDF_DROPPED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix"]
FPDF_DROPPED_TABLES += ["CBDT", "CBLC", "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR"]


class _CutStream(PDFFontStream):
    """The embedded font file, compressed once per cut rather than once per document."""

    def __init__(self, cut: _Cut) -> None:
        PDFContentStream.__init__(self, contents=b"")
        self._contents = cut.compressed
        self.filter = Name("FlateDecode")
        self.length = len(cut.compressed)
        self.length1 = len(cut.data)


@cache
def _glyph_widths(style: str) -> dict[int, int]:
    """The width of each glyph a character is drawn with, by its number, as fpdf2 gives it."""
    font = _measured_font(style)
    return {number: int(font.cw[char]) for char, number in font.glyph_ids.items()}


def _widths(font: TTFFont) -> str:
    """The glyphs' widths (`/W`) of the glyphs a document uses, in runs of consecutive numbers,
    a run going on over a gap of at most two glyphs (their widths written too): the glyphs'
    numbers are scattered over the font, and each run costs a number and an array to write and
    to read again in the Factur-X step, where a glyph costs one."""
    known = _glyph_widths(font.ttfont.style)
    used = sorted((code, glyph.glyph_width) for glyph, code in font.subset.items() if glyph)
    runs: list[tuple[int, list[int]]] = []
    for code, width in used:
        if runs:
            first, widths = runs[-1]
            gap = range(first + len(widths), code)
            if len(gap) <= 2 and all(number in known for number in gap):
                widths.extend(known[number] for number in gap)
                widths.append(width)
                continue
        runs.append((code, [width]))
    return "[" + " ".join(f"{first} [{' '.join(map(str, widths))}]" for first, widths in runs) + "]"


class ArchiveOutput(OutputProducer):
    """fpdf2's writer, embedding coachat's fonts as fpdf2 does but in cuts made once that
    keep the glyphs' numbers, with `/CIDToGIDMap /Identity`; any other font as fpdf2 does."""

    def _add_fonts(self, *args: Any) -> Any:
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        ours = [
            font
            for font in fonts
            if isinstance(font, TTFFont) and isinstance(font.ttfont, _DocumentFont)
        ]
        if len(ours) < len(fonts):
            return super()._add_fonts(*args)
        return {font.i: self._add_font(font) for font in ours}

    def _add_font(self, font: TTFFont) -> PDFFont:
        fontname = f"MPDFAA+{font.name}"
        if font.missing_glyphs:  # as fpdf2 warns; `printable` leaves none in coachat's texts
            LOGGER.warning("Font %s is missing glyphs: %s", fontname, font.missing_glyphs[:10])
        style = font.ttfont.style
        glyphs = frozenset(font.subset.get_all_glyph_names()) | _common_glyphs(style)
        cut = _cut(style, glyphs, _options())
        composite = PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(
            subtype="CIDFontType2",
            base_font=fontname,
            d_w=font.desc.missing_width,
            w=_widths(font),
        )
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        # Which characters each code stands for, to search and copy the text.
        characters = [
            f"<{code:04X}> <{''.join(map(chr, glyph.unicode)).encode('utf-16-be').hex().upper()}>\n"
            for glyph, code in font.subset.items()
            if glyph is not None and isinstance(glyph.unicode, tuple) and glyph.unicode
        ]
        to_unicode = PDFContentStream(
            (
                "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n"
                ">> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                f"{_build_cmap_blocks(characters, 'bfchar')}"
                "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
            ).encode("latin-1")
        )
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode
        system_info = CIDSystemInfo()
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info
        descriptor = font.desc
        descriptor.font_name = Name(fontname)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor
        cid_font.c_i_d_to_g_i_d_map = Name("Identity")  # type: ignore[assignment]
        font_file = _CutStream(cut)
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file  # type: ignore[attr-defined]
        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
        return composite


@contextmanager
def cuts_made_once() -> Iterator[None]:
    """While held, fpdf2 embeds coachat's fonts in cuts made once per process."""
    with _WRITING:
        fontools_subset = fpdf.output.ftsubset  # type: ignore[attr-defined]
        fpdf.output.ftsubset = SimpleNamespace(  # type: ignore[attr-defined]
            Options=ftsubset.Options, Subsetter=_Subsetter
        )
        try:
            yield
        finally:
            fpdf.output.ftsubset = fontools_subset  # type: ignore[attr-defined]
