"""How people write products, brought to one spelling.

Members and supplier catalogs write the same product in many ways: "Ramette papier A4 80 g/m²",
"ram. papier a4 80g", "papier A4 0,08 kg x5". `normalize` maps them to one lower-case, accent-free
form where quantities have a single spelling (``80g``, ``500ml``, ``x5``), abbreviations are
expanded, model codes are glued and plurals are dropped, so that rapidfuzz compares words rather
than typing habits. `parse_quantities` reads the quantities back from that form so that a match can
be checked for agreement on size and pack.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import chain

from rapidfuzz import process
from rapidfuzz.distance import OSA

from suppliers.errors import N_, Message
from suppliers.matching.units import _COUNTED, _UNITS, AMOUNTS, DIMENSIONS
from suppliers.matching.vocabulary import (
    _DOTTED,
    _GENERIC_BRANDS,
    _INVARIABLE,
    _PHRASES,
    _WORDS,
    STOP_WORDS,
)

_LONG_UNITS = [u for u in _UNITS if len(u) >= 4]
_CLOTHING = r"(?:xs|s|m|l|xl|xxl|xxxl|[2-5]xl)"

_NUMBER = r"(\d+(?:\.\d+)?)"
_UNIT = "(" + "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True)) + ")"
_END = r"(?![a-z0-9])"
_TIMES = r"\s*[x×*]\s*"

# "5 x 500 ml", "6x1,5l": a pack of measured items
_PACK_OF_MEASURE = re.compile(r"(?<![a-z0-9.])(\d+)" + _TIMES + _NUMBER + r"\s*" + _UNIT + _END)
# "210 x 297 mm", "40x30x20 cm": a size in two or three dimensions
_DIMENSIONS = re.compile(
    _NUMBER + _TIMES + _NUMBER + r"(?:" + _TIMES + _NUMBER + r")?\s*(mm|cm|m)" + _END
)
_BARE_DIMENSIONS = re.compile(
    r"(?<![a-z0-9.])(\d+(?:\.\d+)?)" + _TIMES + r"(\d+(?:\.\d+)?)"
    # "40 x 30 x 30" has a third side, "40x40 x5" is a pack of five
    r"(?:(?:[x×*]\s*|\s+[x×*]\s+)(\d+(?:\.\d+)?))?(?![a-z0-9.])"
)
_FRACTION = re.compile(r"(?<![a-z0-9.])(\d+)[/-](\d+)e?(?![a-z0-9])")
_SIZE_CHOICES = re.compile(r"(?<![a-z0-9])" + _CLOTHING + r"(?:/" + _CLOTHING + r")+(?![a-z0-9])")
_SIZE_WORD = re.compile(
    r"(?<![a-z0-9])(?:taille|pointure|t\.?|p\.?)\s*(\d{1,2}|" + _CLOTHING + r")(?![a-z0-9])"
)
_COUNTED_WORDS = re.compile(
    r"(?<![a-z0-9.])(\d+)\s*(" + "|".join(sorted(_COUNTED, key=len, reverse=True)) + r")(?![a-z])"
)
_UNIT_SLIP = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*([a-z]{4,})(?![a-z0-9])")
_MEASURE = re.compile(r"(?<![a-z0-9.])" + _NUMBER + r"\s*" + _UNIT + _END)
_GRAMMAGE = re.compile(r"(\d)\s*(?:g|gr|grs)\s*/\s*m\s*2|(\d)\s*g\s*m2" + _END)
_PACK_WORDS = re.compile(
    r"(?<![a-z0-9])(?:lot|carton|ctn|paquet|pack|boite|bte|pqt|colis|sachet|etui|set|box|par)s?"
    r"\s+(?:de\s+)?x?(\d+)(?![0-9a-zA-Z.])"
)
_TIMES_COUNT = re.compile(r"(?<![a-z0-9.])[x×*]\s*(\d+)(?![0-9a-z.])")
_TIMES_NUMBER = re.compile(r"\d\s*[x×*]|[x×*]\s*\d")
_COUNT_TIMES = re.compile(r"(?<![a-z0-9.])(\d+)\s*[x×*](?=\s|$)")
_CODE = re.compile(r"(?<![a-z0-9])[a-z0-9]+(?:[-/.][a-z0-9]+)+(?![a-z0-9])")
_ONE_LETTER_PREFIX = re.compile(r"(?<![a-z0-9])([a-z])-([a-z]{2,})")
_PADDED_CODE = re.compile(r"(?<![a-z0-9])([a-z]+)0+(\d)")
_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_SEPARATOR = re.compile(r"[-/.]")
_COMBINING = re.compile("[\u0300-\u036f]")
_MICRON = re.compile("μm?")
_INCHES = re.compile(r"(\d)\s*(?:\"|''|pouces?(?![a-z]))")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_NOT_WORD = re.compile(r"[^a-z0-9.%]+")
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")

_ABBREVIATION = re.compile(r"(?<![a-z0-9])(" + "|".join(_DOTTED) + r")\.")


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns only pass digits
        return Decimal(0)


def format_number(value: Decimal) -> str:
    """A number the way the normalised form writes it: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@lru_cache(maxsize=4096)
def _plain(number: str) -> str:
    """A written number ("080", "1.50") the way the normalised form writes it ("80", "1.5")."""
    return format_number(_number(number))


@lru_cache(maxsize=4096)
def _measure(value: str, unit: str) -> str:
    canonical, factor = _UNITS[unit]
    amount = format_number(_number(value) * factor)
    if canonical == "x":
        return f"x{amount}"
    return f"{amount}{canonical}"


def _pack_of_measure(match: re.Match[str]) -> str:
    return f"x{int(match[1])} {_measure(match[2], match[3])}"


def _dimensions(match: re.Match[str]) -> str:
    # sides keep the unit they were written in: members type "40x40" for a "40 x 40 cm" cloth;
    # the capital X keeps the pack patterns off it until the text is lowered again
    return "X".join(_plain(side) for side in match.groups()[:3] if side)


def _unit_slip(match: re.Match[str]) -> str:
    unit = _unit_meant(match[2])
    return f"{match[1]} {unit}" if unit else match[0]


@lru_cache(maxsize=4096)
def _unit_meant(word: str) -> str | None:
    """The unit a word written after a number stands for when it is one letter off ("lotres")."""
    if word in _UNITS or word in _COUNTED:
        return None
    found = process.extractOne(
        word, _LONG_UNITS, scorer=OSA.normalized_similarity, score_cutoff=0.75
    )
    return found[0] if found else None


def _code(match: re.Match[str]) -> str:
    text = match[0]
    if _DECIMAL.fullmatch(text):
        return text
    if any(c.isdigit() for c in text) and any(c.isalpha() for c in text):
        return _SEPARATOR.sub("", text)
    return _SEPARATOR.sub(" ", text)


def fold(text: str) -> str:
    """Lower case without accents or ligatures: "Désignation Œuvre" -> "designation oeuvre"."""
    if text.isascii():
        return text.lower()
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()
    # a bare µ after a number is a micron ("30 µ"); µm stays one unit
    return _MICRON.sub("um", text) if "μ" in text else text


def _singular(word: str) -> str:
    if len(word) <= 3 or word in _INVARIABLE or any(c.isdigit() for c in word):
        return word
    if word.endswith("eaux") or word.endswith("eux"):
        word = word[:-1]
    elif word.endswith("aux"):
        word = word[:-3] + "al"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("ee"):
        word = word[:-1]
    return word


_REFERENCE = re.compile(
    r"(?:^|(?<=[\s,;(\[-]))(r[eé]f[eé]rence|r[eé]f|code|sku)\b\.?\s*[:#]?\s*"
    r"([a-z0-9][a-z0-9/._-]{2,})",
    re.IGNORECASE,
)


#: what `_REFERENCE` needs to find in a text, in lower case
_REFERENCE_WORDS = ("ref", "réf", "code", "sku")


def split_reference(text: str) -> tuple[str, str]:
    """A product text without its supplier reference ("Réf. 3JBW60"), and the reference.

    A reference identifies one supplier's item: it selects the product when a member types it,
    but when they do not it should not count as a difference.
    """
    folded = text.casefold()
    if not any(word in folded for word in _REFERENCE_WORDS):
        return text, ""
    match = _REFERENCE.search(text)
    # "Réf." always introduces a reference; "code" does so only before something with a digit
    if not match or (match[1].lower() in ("code", "sku") and not _DIGIT.search(match[2])):
        return text, ""
    rest = (text[: match.start()] + " " + text[match.end() :]).strip(" -,;")
    return _SPACES.sub(" ", rest), match[2].rstrip("._-/")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The comparable form of a product text.

    Case, accents and punctuation are dropped; quantities get one spelling (``80 g``,
    ``80g`` and ``0,08 kg`` are all ``80g``; ``33 cl`` is ``330ml``; ``5x500ml``, ``lot de 5``
    and ``x5`` give ``x5``); common abbreviations are expanded (``ram.`` is ``ramette``); model
    codes are glued (``KTC-D320/1G`` is ``ktcd3201g``); simple plurals become singular.
    """
    text = fold(text)
    if "," in text:
        text = _DECIMAL_COMMA.sub(".", text)
    for needed, pattern, replacement in _PHRASES:
        if needed in text:
            text = pattern.sub(replacement, text)
    if "." in text:
        text = _ABBREVIATION.sub(lambda m: " " + _DOTTED[m[1]] + " ", text)
    if _DIGIT.search(text):
        text = _quantities(text)
    if "/" in text:
        text = _SIZE_CHOICES.sub(lambda m: m[0].replace("/", " "), text)
    text = _SIZE_WORD.sub(r" \1 ", text)
    if "-" in text or "/" in text or "." in text:
        text = _ONE_LETTER_PREFIX.sub(r"\1\2", text)
        text = _CODE.sub(_code, text)
    # "LR03" and "lr3", "n°05" and "n5": zeros after letters are padding
    if "0" in text:
        text = _PADDED_CODE.sub(r"\1\2", text)
    text = _NOT_WORD.sub(" ", text.lower())
    if "." in text:
        text = _STRAY_DOT.sub(" ", text)
    return " ".join(chain.from_iterable(map(_word, text.split())))


def _quantities(text: str) -> str:
    """Quantities, sizes and packs written one way."""
    # each pattern only runs on texts holding the character it needs: most names hold few
    if "g" in text and ("/" in text or "m2" in text):
        text = _GRAMMAGE.sub(lambda m: (m[1] or m[2]) + "g", text)
    text = _UNIT_SLIP.sub(_unit_slip, text)
    if '"' in text or "'" in text or "pouce" in text:
        text = _INCHES.sub(r"\1 pouce", text)
    # a pack or a size in two dimensions puts a times sign next to a number
    times = ("x" in text or "×" in text or "*" in text) and bool(_TIMES_NUMBER.search(text))
    if times:
        text = _DIMENSIONS.sub(_dimensions, text)
        text = _PACK_OF_MEASURE.sub(_pack_of_measure, text)
        text = _BARE_DIMENSIONS.sub(lambda m: "X".join(_plain(g) for g in m.groups() if g), text)
    if "/" in text or "-" in text:
        text = _FRACTION.sub(r"\1S\2", text)
    text = _COUNTED_WORDS.sub(lambda m: f"{m[1]}{_COUNTED[m[2]]}", text)
    text = _MEASURE.sub(lambda m: _measure(m[1], m[2]), text)
    text = _PACK_WORDS.sub(lambda m: f" x{int(m[1])} ", text)
    if times:
        text = _TIMES_COUNT.sub(lambda m: f" x{int(m[1])} ", text)
        text = _COUNT_TIMES.sub(lambda m: f" x{int(m[1])} ", text)
    return text


@lru_cache(maxsize=65536)
def _word(raw: str) -> tuple[str, ...]:
    """The normalised words one written word gives: none for a stop word, two for a brand
    used as a common noun ("sopalin essuie tout")."""
    word = _WORDS.get(raw, raw)
    parts = word.split()
    if word in _GENERIC_BRANDS:
        parts = [word, *_GENERIC_BRANDS[word].split()]
    words = []
    for part in parts:
        if part not in STOP_WORDS and part != "%":
            singular = _singular(part)
            words.append(_WORDS.get(singular, singular))
    return tuple(words)


_SIZE = re.compile(r"(\d+(?:\.\d+)?)(" + "|".join(DIMENSIONS) + r")")
_COUNT = re.compile(r"(\d+)(" + "|".join(sorted(set(_COUNTED.values()))) + r")")
_PACK = re.compile(r"x(\d+)")
_BOX = re.compile(r"\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?){1,2}(?:mm)?")


@dataclass(frozen=True)
class Quantities:
    """The sizes and pack count a product text states.

    ``sizes`` maps a dimension ("mass", "volume", "length"...) to the values stated for it, in
    the canonical unit of `normalize`; ``pack`` is the number of items per pack, if stated.
    """

    sizes: dict[str, frozenset[str]] = field(default_factory=dict)
    pack: int | None = None

    def conflicts(self, other: Quantities) -> list[Message]:
        """What the two texts state differently: a dimension both give with no common value, an
        amount measured in another unit (a mass against a volume), another pack count."""
        found = []
        for dimension, values in self.sizes.items():
            theirs = other.sizes.get(dimension)
            if theirs and not values & theirs:
                found.append(
                    Message(
                        N_("size %(mine)s ≠ %(theirs)s"),
                        {"mine": "/".join(sorted(values)), "theirs": "/".join(sorted(theirs))},
                    )
                )
        mine_amounts = AMOUNTS.intersection(self.sizes)
        their_amounts = AMOUNTS.intersection(other.sizes)
        if mine_amounts and their_amounts and not mine_amounts & their_amounts:
            found.append(
                Message(
                    N_("unit %(mine)s ≠ %(theirs)s"),
                    {
                        "mine": "/".join(sorted(v for d in mine_amounts for v in self.sizes[d])),
                        "theirs": "/".join(
                            sorted(v for d in their_amounts for v in other.sizes[d])
                        ),
                    },
                )
            )
        if self.pack and other.pack and self.pack != other.pack:
            found.append(
                Message(
                    N_("pack x%(mine)d ≠ x%(theirs)d"), {"mine": self.pack, "theirs": other.pack}
                )
            )
        return found

    def agrees_with(self, other: Quantities) -> bool | None:
        """True when a size or pack is stated by both and equal, False on any conflict, None when
        nothing can be compared."""
        if self.conflicts(other):
            return False
        shared = set(self.sizes) & set(other.sizes)
        if shared or (self.pack and other.pack):
            return True
        return None


def parse_quantities(text: str) -> Quantities:
    """Sizes and pack count stated in a product text (raw or already normalised)."""
    return quantities_of(normalize(text).split())


def quantities_of(words: list[str]) -> Quantities:
    """Sizes and pack count stated by the words of a normalised text."""
    sizes: dict[str, set[str]] = {}
    pack: int | None = None
    for found in map(_quantity, words):
        if found is None:
            continue
        kind, value = found
        if kind == "pack":
            pack = int(value) if pack is None else pack
        else:
            sizes.setdefault(kind, set()).add(value)
    return Quantities({k: frozenset(v) for k, v in sizes.items()}, pack)


@lru_cache(maxsize=65536)
def _quantity(word: str) -> tuple[str, str] | None:
    """What a normalised word states, if a quantity: ("pack", "24"), ("mass", "80g"),
    ("dimensions", "210x297"), ("page", "96page"); read once per word, as catalogs repeat them."""
    if m := _PACK.fullmatch(word):
        return "pack", m[1]
    if _BOX.fullmatch(word):
        return "dimensions", word.removesuffix("mm")
    if m := _SIZE.fullmatch(word):
        return DIMENSIONS[m[2]], word
    if m := _COUNT.fullmatch(word):
        # "3 plis", "96 pages": a count of something the product is made of
        return m[2], word
    return None
