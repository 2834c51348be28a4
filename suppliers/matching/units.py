"""The units product names are measured in, each spelling with its canonical unit and factor,
what each canonical unit measures, and the nouns counted by a number in a name."""

from __future__ import annotations

from decimal import Decimal

# unit spelling -> (canonical unit, factor to the canonical unit)
_UNITS: dict[str, tuple[str, Decimal]] = {}


def _units(canonical: str, factor: str, *spellings: str) -> None:
    for spelling in spellings:
        _UNITS[spelling] = (canonical, Decimal(factor))


_units("g", "1", "g", "gr", "grs", "gramme", "grammes", "gram", "grams", "gsm")
_units("g", "0.001", "mg")
_units("g", "1000", "kg", "kgs", "kilo", "kilos", "kilogramme", "kilogrammes")
_units("ml", "1", "ml", "millilitre", "millilitres")
_units("ml", "10", "cl", "centilitre", "centilitres")
_units("ml", "100", "dl")
_units("ml", "1000", "l", "lt", "ltr", "litre", "litres", "liter", "liters")
_units("mm", "1", "mm", "millimetre", "millimetres")
_units("mm", "10", "cm", "centimetre", "centimetres")
_units("mm", "1000", "m", "metre", "metres", "meter", "meters")
_units("um", "1", "um", "micron", "microns", "microm")
_units("w", "1", "w", "watt", "watts")
_units("w", "1000", "kw")
_units("v", "1", "v", "volt", "volts")
_units("mah", "1", "mah")
_units("go", "1", "go", "gb", "gigaoctet", "gigaoctets")
_units("go", "1000", "to", "tb")
_units("pouce", "1", "pouce", "pouces", "inch", "inches")
_units("pct", "1", "%", "pct", "pourcent")
_units("f", "1", "f", "ff", "fl", "fls", "flles", "feuille", "feuilles", "sheet", "sheets")
_units("x", "1", "pcs", "pc", "pce", "pces", "piece", "pieces", "unite", "unites", "u")

#: what a canonical unit measures; two sizes can only disagree within one dimension
DIMENSIONS = {
    "g": "mass",
    "ml": "volume",
    "mm": "length",
    "um": "thickness",
    "w": "power",
    "v": "voltage",
    "mah": "charge",
    "go": "storage",
    "pouce": "screen",
    "pct": "percent",
    "f": "sheets",
}

#: dimensions in which a product is sold by its amount: a text measured in one of them and a text
#: measured only in another name two products ("sucre 1 kg" is not "sirop 1 L")
AMOUNTS = frozenset({"mass", "volume"})

#: nouns counted by a number in a product's name: "3 plis", "6 prises", "96 p."
_COUNTED = {
    "pli": "pli",
    "plis": "pli",
    "prise": "prise",
    "prises": "prise",
    "marche": "marche",
    "marches": "marche",
    "p": "page",
    "pp": "page",
    "page": "page",
    "pages": "page",
    "pers": "personne",
    "personne": "personne",
    "personnes": "personne",
    "lavage": "lavage",
    "lavages": "lavage",
    "lav": "lavage",
    "format": "format",
    "formats": "format",
    "dose": "dose",
    "doses": "dose",
    "place": "place",
    "places": "place",
    "tiroir": "tiroir",
    "tiroirs": "tiroir",
}
