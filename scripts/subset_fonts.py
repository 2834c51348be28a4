"""Writes the fonts coachat's PDFs embed: DejaVu Sans Condensed cut down to the characters of
French and the other Latin-script languages of Europe, with the punctuation and signs the
documents print.

    .venv/bin/python scripts/subset_fonts.py [/usr/share/fonts/truetype/dejavu]

The whole font holds 6,253 glyphs; fpdf2 reads and cuts the font it is given once per document,
and with the whole font that took three quarters of the time of drawing an invoice. With these
585 glyphs a page is drawn about four times faster. A character outside them is written as its
closest plain letters (`infrastructure.pdf.printable`), never dropped.

The source is Debian's `fonts-dejavu-extra` (the version `infrastructure/fonts/LICENSE.txt`
names). The licence allows modified fonts under a name without "Bitstream" or "Vera".
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

TARGET = Path(__file__).resolve().parent.parent / "infrastructure" / "fonts"
FILES = ("DejaVuSansCondensed", "DejaVuSansCondensed-Bold", "DejaVuSansCondensed-Oblique")
RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x0218, 0x021B),  # Romanian S and T with comma below
    (0x02C6, 0x02C7),  # circumflex, caron
    (0x02D8, 0x02DD),  # breve, dot above, ring, ogonek, tilde, double acute
    (0x2000, 0x206F),  # General Punctuation: spaces, dashes, quotes, ellipsis, per mille
    (0x2070, 0x209F),  # superscripts and subscripts (CO₂)
    (0x20AC, 0x20AC),  # euro sign
    (0x2116, 0x2116),  # numero sign
    (0x2122, 0x2122),  # trade mark sign
    (0x2190, 0x2193),  # arrows
    (0x2212, 0x2212),  # minus sign
    (0x2248, 0x2248),  # almost equal to
    (0x2260, 0x2265),  # not equal to, less-than or equal to, greater-than or equal to
    (0x25A0, 0x25CF),  # squares and circles
    (0x2713, 0x2717),  # check and ballot marks
    (0xFB00, 0xFB06),  # Latin ligatures
    (0xFFFD, 0xFFFD),  # replacement character
)


def subset_font(source: Path, target: Path) -> int:
    """Writes `source` cut to `RANGES` as `target`; returns how many glyphs it keeps."""
    options = subset.Options()
    options.layout_features = []  # fpdf2 shapes no text: no ligature or kerning tables
    options.hinting = False  # PDF viewers do not use TrueType hinting
    options.notdef_outline = True
    options.name_IDs = ["*"]  # keep the copyright and licence names
    options.name_languages = ["*"]
    options.drop_tables += ["FFTM", "MATH", "GSUB", "GPOS", "GDEF", "kern"]
    with TTFont(source) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[u for first, last in RANGES for u in range(first, last + 1)])
        subsetter.subset(font)
        font.save(target)
        return len(font.getGlyphOrder())


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu")
    for name in FILES:
        glyphs = subset_font(source / f"{name}.ttf", TARGET / f"{name}.ttf")
        print(f"{name}.ttf: {glyphs} glyphs")


if __name__ == "__main__":
    main()
