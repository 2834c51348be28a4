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

The cut is fontTools' own, with the options fpdf2 asks for: while a document is written,
`fpdf.output` finds a `Subsetter` that looks the cut up (and makes it the first time) instead of
cutting again; fonts that are not coachat's are cut as fpdf2 always does.
"""

from __future__ import annotations

import copy
import io
import threading
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
from fpdf.fonts import SubsetMap, TTFFont

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


@cache
def _font_file(style: str) -> bytes:
    return (FONTS / FONT_FILES[style]).read_bytes()


@cache
def _measured_font(style: str) -> TTFFont:
    """The font of `style` as fpdf2's `add_font` reads it, read once per process."""
    return TTFFont(FPDF(), FONTS / FONT_FILES[style], f"{FONT.lower()}{style}", style)


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
    font.subset = SubsetMap(font)
    return font


@dataclass(frozen=True)
class _Cut:
    data: bytes
    glyph_ids: dict[str, int]


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
        cut = _Cut(data.getvalue(), {name: font.getGlyphID(name) for name in font.getGlyphOrder()})
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
