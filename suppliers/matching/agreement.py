"""Whether a product can be the one a text means, beyond resembling it.

Two texts may share most of their words and still name two products: another brand, another
colour, another model code, another size or pack. `Traits` reads those from a normalised text;
`Traits.conflicts` lists what two texts state differently. A conflict lowers a candidate's rank
and keeps a match from being taken without asking.

Brands are learned from the catalog: a word the catalog writes capitalised inside a name
("Café moulu Carte Noire", "VARTA - Piles") and never in lower case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from suppliers.errors import N_, Message
from suppliers.matching.normalize import Quantities, normalize, quantities_of
from suppliers.matching.units import DIMENSIONS
from suppliers.matching.vocabulary import GENERIC_BRANDS

#: colour words (normalised) and the colour they name
COLOURS = {
    "noir": "noir",
    "blanc": "blanc",
    "bleu": "bleu",
    "marine": "bleu",
    "rouge": "rouge",
    "vert": "vert",
    "jaune": "jaune",
    "gris": "gris",
    "orange": "orange",
    "rose": "rose",
    "violet": "violet",
    "marron": "brun",
    "brun": "brun",
    "havane": "brun",
    "ecru": "ecru",
    "beige": "beige",
    "dore": "dore",
    "argent": "argent",
    "transparent": "transparent",
    "incolore": "transparent",
    "couleur": "couleur",
    "tricolore": "couleur",
}

_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SEGMENTS = re.compile(r"\s[-–(]\s*|[()]")
# a quantity, a pack or a size is compared as such, not as a model code
_COUNTED = ("page", "pli", "prise", "marche", "lavage", "dose")
_UNITS = "|".join(sorted({*DIMENSIONS, *_COUNTED}, key=len))
_MEASURED = re.compile(
    r"x\d+|\d+(?:\.\d+)?(?:" + _UNITS + r")|\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)+(?:mm)?"
)
_CODE = re.compile(r"(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{2,}")
#: sizes written as letters that work as model codes (battery sizes)
CODE_WORDS = frozenset({"aa", "aaa"})


def learn_brands(names: Iterable[str]) -> frozenset[str]:
    """Words the catalog writes as brands: capitalised inside a name, never in lower case.

    The names are given without their supplier references (`split_reference`)."""
    segments: set[str] = set()
    for name in names:
        if not name.isupper():  # a name in capitals says nothing of which words are names
            segments.update(_SEGMENTS.split(name))
    capitalised: set[str] = set()
    lower: set[str] = set()
    for segment in segments:
        lower_words, capitalised_words = _segment_words(segment)
        lower.update(lower_words)
        capitalised.update(capitalised_words)
    return frozenset(
        word
        for word in capitalised - lower
        if word.isalpha() and len(word) >= 3 and word not in GENERIC_BRANDS
    )


@lru_cache(maxsize=65536)
def _segment_words(segment: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The normalised words a segment of a name writes in lower case, and those it writes as a
    name would: capitalised after its first word, or in capitals in a segment of one or two
    words ("VARTA - Piles")."""
    lower: list[str] = []
    capitalised: list[str] = []
    words = _WORDS.findall(segment)
    for i, word in enumerate(words):
        if word.islower():
            lower.extend(normalize(word).split())
        elif (i > 0 and word[:1].isupper()) or (
            word.isupper() and len(words) <= 2 and len(word) >= 3
        ):
            capitalised.extend(normalize(word).split())
    return tuple(lower), tuple(capitalised)


def codes(words: list[str]) -> set[str]:
    """Model codes of a normalised text: letters and digits together ("pg545", "a4", "lr6"),
    and a short word followed by a number, glued ("hp 303" gives "hp303")."""
    found = {w for w in words if _is_code(w)}
    if not any(map(str.isdigit, words)):
        return found  # no number written apart to glue
    for word, following in pairwise(words):
        if word.isalpha() and 2 <= len(word) <= 5 and following.isdigit():
            found.add(word + following)
        elif word.isdigit() and following.isalpha() and len(following) <= 3:
            # "603 xl" for "603XL"
            found.add(word + following)
    return found


@lru_cache(maxsize=65536)
def _is_code(word: str) -> bool:
    return word in CODE_WORDS or bool(_CODE.fullmatch(word) and not _MEASURED.fullmatch(word))


def _codes_agree(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    # "s1" and "s1p" are one code written in two ways; "aa" and "aaa" are two battery sizes
    if not mine.isdisjoint(theirs):
        return True
    return any(
        a == b or (any(c.isdigit() for c in a + b) and (a.startswith(b) or b.startswith(a)))
        for a in mine
        for b in theirs
    )


def _differ(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Each side states something the other does not: "Kusmi Earl Grey" against "Lipton Earl
    Grey", "tableau blanc, vert" against "tableau blanc, bleu"."""
    return not mine <= theirs and not theirs <= mine


@dataclass(frozen=True)
class Traits:
    """What tells a product from its neighbours: brands, colours, model codes, sizes, pack."""

    brands: frozenset[str]
    colours: frozenset[str]
    codes: frozenset[str]
    numbers: frozenset[str]
    quantities: Quantities

    @classmethod
    def read(cls, text: str, brands: frozenset[str], against: Traits | None = None) -> Traits:
        """The traits of a normalised text (see `normalize`); given the traits it is to be
        compared `against`, only those they state, as the others cannot conflict."""
        words = text.split()
        quantities = against is None or bool(against.quantities.sizes or against.quantities.pack)
        return cls(
            brands.intersection(words) if against is None or against.brands else frozenset(),
            frozenset(map(COLOURS.__getitem__, COLOURS.keys() & words))
            if against is None or against.colours
            else frozenset(),
            frozenset(codes(words)) if against is None or against.codes else frozenset(),
            frozenset(filter(str.isdigit, words))
            if against is None or against.numbers
            else frozenset(),
            # only a word holding a digit states a quantity
            quantities_of([w for w in words if not w.isalpha()]) if quantities else Quantities(),
        )

    def __bool__(self) -> bool:
        """Whether the text states anything that can conflict with another's."""
        return bool(
            self.brands
            or self.colours
            or self.codes
            or self.numbers
            or self.quantities.sizes
            or self.quantities.pack
        )

    def conflicts(self, other: Traits) -> list[Message]:
        """What the two texts state differently: a brand, a colour, a model code, a size, a unit
        or a pack that both give, with nothing in common."""
        found = []
        if _differ(self.brands, other.brands):
            found.append(_difference(N_("brand %(mine)s ≠ %(theirs)s"), self.brands, other.brands))
        if _differ(self.colours, other.colours):
            found.append(
                _difference(N_("colour %(mine)s ≠ %(theirs)s"), self.colours, other.colours)
            )
        if self.codes and other.codes and not _codes_agree(self.codes, other.codes):
            found.append(
                _difference(N_("model code %(mine)s ≠ %(theirs)s"), self.codes, other.codes)
            )
        if _differ(self.numbers, other.numbers):
            # a size written alone ("taille 48", "pointure 41")
            found.append(
                _difference(N_("number %(mine)s ≠ %(theirs)s"), self.numbers, other.numbers)
            )
        found.extend(self.quantities.conflicts(other.quantities))
        return found


def _difference(text: str, mine: Iterable[str], theirs: Iterable[str]) -> Message:
    return Message(text, {"mine": "/".join(sorted(mine)), "theirs": "/".join(sorted(theirs))})
