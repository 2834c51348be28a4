"""The words of product names that normalising reads specially: abbreviations written with
their dot, spellings of one word, brands used as common nouns, phrases written several ways,
words too common to tell products apart, and words whose final s is no plural."""

from __future__ import annotations

import re

#: abbreviations that are only read as such when written with their dot ("ram." but "RAM 8 Go")
_DOTTED = {
    "ram": "ramette",
    "rec": "recycle",
    "recy": "recycle",
    "pap": "papier",
    "jet": "jetable",
    "env": "enveloppe",
    "compo": "compostable",
    "biodeg": "biodegradable",
    "ref": "reference",
    "blc": "blanc",
    "nr": "noir",
    "sach": "sachet",
    "ctn": "carton",
}

#: abbreviations and shop words that mean one thing however they are written
_WORDS = {
    "pqt": "paquet",
    "bte": "boite",
    "btes": "boite",
    "blc": "blanc",
    "rlx": "rouleau",
    "rlt": "rouleau",
    "rlo": "rouleau",
    "flles": "feuille",
    "ctn": "carton",
    "biodeg": "biodegradable",
    "recycl": "recycle",
    "recyc": "recycle",
    "ecolab": "ecolabel",
    "tshirts": "tshirt",
    "teeshirt": "tshirt",
    "teeshirts": "tshirt",
    "oeko": "oekotex",
    "pq": "papier toilette",
    "blanche": "blanc",
    "noire": "noir",
    "verte": "vert",
    "grise": "gris",
    "bleue": "bleu",
    "violette": "violet",
    "black": "noir",
    "white": "blanc",
    "accu": "rechargeable",
    "accus": "rechargeable",
    "dble": "double",
    "gd": "grand",
    "gds": "grand",
    "gde": "grand",
    "gdes": "grand",
    "pts": "petit",
    "pte": "petit",
    "ptes": "petit",
    "ss": "sans",
}

#: brand names used as common nouns: the common noun is added, the brand kept
_GENERIC_BRANDS = {
    "sopalin": "essuie tout",
    "scotch": "ruban adhesif",
    "postit": "note repositionnable",
    "kleenex": "mouchoir",
    "stabilo": "surligneur",
    "tippex": "correcteur",
    "velcro": "scratch",
}

#: brands members use as common nouns: never a sign of another brand
GENERIC_BRANDS = frozenset(_GENERIC_BRANDS) | {"post", "it", "tipp", "ex"}

#: (a word the text must contain, its spellings, the one spelling)
_PHRASES = [
    ("shirt", re.compile(r"(?<![a-z0-9])(?:tee|t)[\s-]+shirts?(?![a-z0-9])"), "tshirt"),
    ("post", re.compile(r"(?<![a-z0-9])post[\s-]+its?(?![a-z0-9])"), "postit"),
    ("tip", re.compile(r"(?<![a-z0-9])tipp?[\s-]+ex(?![a-z0-9])"), "tippex"),
    ("oeko", re.compile(r"(?<![a-z0-9])oeko[\s-]+tex(?![a-z0-9])"), "oekotex"),
    # "hydro-alcoolique", "hydro alcoolique" and "hydroalcoolique" are all written
    ("", re.compile(r"(?<![a-z0-9])(hydro|micro|multi|anti|auto|poly)[\s-]+(?=[a-z]{3})"), r"\1"),
    ("-", re.compile(r"(?<![a-z0-9])(eco|semi|extra|ultra|mini|maxi)-(?=[a-z]{3})"), r"\1"),
]


STOP_WORDS = frozenset(
    [
        "de",
        "du",
        "des",
        "d",
        "la",
        "le",
        "les",
        "l",
        "un",
        "une",
        "a",
        "au",
        "aux",
        "et",
        "en",
        "pour",
        "avec",
        "sur",
        "the",
        "of",
        "for",
        "and",
        "with",
        "in",
        "x",
    ]
)

#: words whose final s is not a plural mark; both sides would be cut alike, but keeping them
#: leaves the normalised form readable
_INVARIABLE = frozenset(
    [
        "plus",
        "sans",
        "sous",
        "gris",
        "bois",
        "dos",
        "prix",
        "choix",
        "noix",
        "colis",
        "tapis",
        "souris",
        "vis",
    ]
)
