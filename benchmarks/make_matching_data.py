"""Write the labelled matching data: a cooperative's catalog and queries typed by its members.

    python benchmarks/make_matching_data.py

writes ``suppliers/data/matching/catalog.csv`` (one product a line, as a merged supplier
catalog names them) and ``suppliers/data/matching/queries.tsv`` (a query as a member types it and
the catalog product it means). The output depends only on ``SEED``.

Each product family lists the attributes that tell its products apart and, for every value, the
ways members write it. A query names the family the way a member would, then gives attributes until
exactly one product of the family fits; what it leaves out is what a member leaves out when the
catalog has only one such product. Typing habits are then applied: no accents, lower case, one slip
of the finger on an AZERTY keyboard, shop abbreviations, units written another way, word order.

`variant_catalog` derives the large catalog of the speed benchmark from the same families.
"""

from __future__ import annotations

import csv
import itertools
import random
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240611
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "suppliers" / "data" / "matching"


@dataclass(frozen=True)
class Value:
    """An attribute value: how the catalog writes it and how members type it."""

    text: str
    typed: tuple[str, ...] = ()

    def typings(self) -> tuple[str, ...]:
        return self.typed or (self.text.lower(),)


def v(text: str, *typed: str) -> Value:
    return Value(text, typed)


NONE = Value("")


def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def grammage(n: int) -> Value:
    return v(f"{n} g/m²", f"{n}g", f"{n} g", f"{n}gr", f"{n}g/m2", f"{n} grammes")


def grams(n: int) -> Value:
    typed = [f"{n}g", f"{n} g", f"{n}gr", f"{n} grammes"]
    if n >= 250:
        typed += [f"{_num(n / 1000)}kg", f"{_num(n / 1000)} kg"]
    text = f"{_num(n / 1000)} kg" if n >= 1000 else f"{n} g"
    return v(text, *typed)


def volume(ml: int) -> Value:
    typed = [f"{ml}ml", f"{ml} ml"]
    if ml % 10 == 0 and ml < 2000:
        typed += [f"{ml // 10}cl", f"{ml // 10} cl"]
    if ml >= 500:
        typed += [f"{_num(ml / 1000)}l", f"{_num(ml / 1000)} l", f"{_num(ml / 1000)} litres"]
    text = f"{_num(ml / 1000)} L" if ml >= 1000 else f"{ml} ml"
    return v(text, *typed)


def litres(n: int) -> Value:
    return v(f"{n} L", f"{n}l", f"{n} l", f"{n} litres", f"{n}L")


def length_m(n: float) -> Value:
    return v(f"{_num(n)} m", f"{_num(n)}m", f"{_num(n)} m", f"{_num(n)} metres")


def mm(n: int) -> Value:
    typed = [f"{n}mm", f"{n} mm"]
    if n % 10 == 0:
        typed += [f"{n // 10}cm", f"{n // 10} cm"]
    return v(f"{n} mm", *typed)


def cm(n: int) -> Value:
    return v(f"{n} cm", f"{n}cm", f"{n} cm", f"{n * 10}mm")


def pack(n: int, word: str = "lot") -> Value:
    texts = {
        "lot": f"lot de {n}",
        "x": f"(x{n})",
        "boite": f"boîte de {n}",
        "carton": f"carton de {n}",
        "paquet": f"paquet de {n}",
        "colis": f"colis de {n}",
        "sachet": f"sachet de {n}",
        "pack": f"pack de {n}",
    }
    typed = [f"x{n}", f"x {n}", f"lot de {n}", f"par {n}", f"(x{n})"]
    if word != "x":
        typed.append(f"{word} de {n}")
    if word in ("boite", "paquet", "carton"):
        typed += [f"bte de {n}" if word == "boite" else f"{word}s de {n}"]
    return v(texts[word], *typed)


def brand(name: str, *typed: str) -> Value:
    return v(name, *(typed or (name.lower(),)))


@dataclass
class Family:
    """Products of one kind: a name template, how members name them, what tells them apart."""

    key: str
    category: str
    template: str
    heads: Sequence[str]
    axes: dict[str, list[Value]]
    count: int
    required: tuple[str, ...] = ()
    products: list[dict[str, Value]] = field(default_factory=list)


COLORS = {
    "bleu": v("bleu", "bleu", "bleue"),
    "noir": v("noir", "noir", "noire"),
    "rouge": v("rouge"),
    "vert": v("vert", "vert", "verte"),
    "blanc": v("blanc", "blanc", "blanche"),
    "jaune": v("jaune"),
    "gris": v("gris", "gris", "grise"),
    "orange": v("orange"),
    "rose": v("rose"),
    "marine": v("bleu marine", "bleu marine", "marine"),
}


def colors(*names: str) -> list[Value]:
    return [COLORS[n] for n in names]


SIZES = [
    v(s, s.lower(), f"taille {s.lower()}", f"t.{s.lower()}") for s in ("S", "M", "L", "XL", "XXL")
]

FAMILIES = [
    # paper
    Family(
        "ramette",
        "Papier",
        "Ramette papier {format} {weight} {recycled} {brand} - 500 feuilles",
        ["ramette papier", "papier", "ramette", "rames papier", "papier imprimante", "ramettes"],
        {
            "format": [v("A4", "a4"), v("A3", "a3")],
            "weight": [grammage(n) for n in (75, 80, 90, 100)],
            "recycled": [NONE, v("recyclé", "recyclé", "recycle", "recyclées", "rec.")],
            "brand": [
                brand("Clairefontaine", "clairefontaine", "clairefontaine", "clairefont"),
                brand("Navigator"),
                brand("Inapa Tecno", "inapa"),
                brand("Steinbeis", "steinbeis", "steinbeiss"),
                brand("Rey Adagio", "rey", "adagio"),
            ],
        },
        34,
    ),
    Family(
        "papier-couleur",
        "Papier",
        "Papier couleur {format} {weight} {color} {brand} - ramette 500 f.",
        ["papier couleur", "ramette couleur", "papier de couleur", "feuilles couleur"],
        {
            "format": [v("A4", "a4"), v("A3", "a3")],
            "weight": [grammage(80), grammage(120), grammage(160)],
            "color": [
                *colors("jaune", "rose", "vert", "bleu", "orange"),
                v("ivoire"),
                v("rouge vif", "rouge"),
            ],
            "brand": [brand("Clairefontaine Trophée", "trophee", "trophée"), brand("Adagio")],
        },
        22,
    ),
    Family(
        "enveloppe",
        "Papier",
        "Enveloppes {format} {window} {closing} {paper} - {pack}",
        ["enveloppes", "enveloppe", "env.", "enveloppes courrier"],
        {
            "format": [
                v("DL 110 x 220 mm", "dl", "110x220", "dl 110x220", "110 x 220"),
                v("C5 162 x 229 mm", "c5", "162x229", "c5 162x229"),
                v("C4 229 x 324 mm", "c4", "229x324", "a4 c4"),
            ],
            "window": [NONE, v("à fenêtre", "fenêtre", "fenetre", "avec fenetre", "a fenetre")],
            "closing": [v("autocollantes", "autocollante", "auto collantes", "adhesives")],
            "paper": [
                v("blanches 80 g", "blanches", "blanc"),
                v("kraft brun 90 g", "kraft", "kraft brun"),
                v("recyclées 80 g", "recyclées", "recyclees", "rec."),
            ],
            "pack": [pack(500, "boite"), pack(250, "boite")],
        },
        30,
    ),
    Family(
        "cahier",
        "Papeterie",
        "Cahier {brand} {format} {pages} {ruling} couverture {cover}",
        ["cahier", "cahiers", "cahier piqure", "cahier brochure"],
        {
            "brand": [brand("Clairefontaine"), brand("Oxford"), brand("Conquérant", "conquerant")],
            "format": [
                v("A4 21 x 29,7 cm", "a4", "21x29,7"),
                v("A5 14,8 x 21 cm", "a5"),
                v("17 x 22 cm", "17x22", "17 x 22"),
            ],
            "pages": [
                v("96 pages", "96p", "96 pages", "96 pages"),
                v("192 pages", "192p", "192 pages"),
            ],
            "ruling": [
                v("grands carreaux Seyès", "seyes", "grands carreaux", "gds carreaux"),
                v("petits carreaux 5x5", "petits carreaux", "pts carreaux", "5x5"),
            ],
            "cover": [v("carte"), v("polypro", "polypro", "plastique")],
        },
        24,
    ),
    Family(
        "notes",
        "Papeterie",
        "Notes repositionnables {brand} {size} {color} - bloc de 100 f. {pack}",
        ["post-it", "notes repositionnables", "post it", "postit", "bloc notes repositionnables"],
        {
            "brand": [
                brand("Post-it", "post-it", "post it"),
                brand("Q-Connect", "q-connect", "qconnect"),
            ],
            "size": [
                v("76 x 76 mm", "76x76", "76 x 76", "7,6 x 7,6 cm"),
                v("76 x 127 mm", "76x127", "76 x 127"),
                v("38 x 51 mm", "38x51", "petit format 38x51"),
            ],
            "color": [
                v("jaune"),
                v("couleurs néon assorties", "neon", "couleurs assorties", "néon"),
            ],
            "pack": [pack(12, "lot"), pack(6, "x")],
        },
        16,
    ),
    Family(
        "papier-toilette",
        "Hygiène",
        "Papier toilette {brand} {plies} {recycled} - {pack} rouleaux",
        ["papier toilette", "papier wc", "pq", "rouleaux papier toilette", "papier hygiénique"],
        {
            "brand": [
                brand("Lotus Professional", "lotus"),
                brand("Tork"),
                brand("Renova"),
                brand("Le Trèfle", "trefle", "le trefle"),
            ],
            "plies": [
                v("2 plis", "2 plis", "2plis", "double epaisseur"),
                v("3 plis", "3 plis", "3plis"),
            ],
            "recycled": [NONE, v("100 % recyclé", "recyclé", "recycle")],
            "pack": [pack(96, "colis"), pack(48, "colis"), pack(12, "paquet")],
        },
        26,
    ),
    Family(
        "essuie-mains",
        "Hygiène",
        "Essuie-mains {kind} {brand} {plies} {color}",
        ["essuie mains", "essuie-mains", "essuies mains", "papier essuie mains"],
        {
            "kind": [
                v("pliés en Z - carton de 3750 formats", "pliés z", "plie en z", "pliage z", "zz"),
                v("en rouleau 150 m", "rouleau", "rouleau 150m", "bobine"),
                v("à dévidage central 450 formats", "devidage central", "dévidage central"),
            ],
            "brand": [brand("Tork"), brand("Lotus Professional", "lotus"), brand("Katrin")],
            "plies": [v("1 pli", "1 pli", "1pli"), v("2 plis", "2 plis", "2plis")],
            "color": [v("blanc"), v("écru recyclé", "ecru", "recyclé")],
        },
        20,
    ),
    Family(
        "essuie-tout",
        "Hygiène",
        "Essuie-tout {brand} {sheets} - {pack} rouleaux",
        ["essuie tout", "essuie-tout", "sopalin", "rouleaux essuie tout"],
        {
            "brand": [brand("Sopalin"), brand("Okay", "okay"), brand("Lotus")],
            "sheets": [v("50 formats"), v("maxi 120 formats", "maxi", "120 formats")],
            "pack": [pack(2, "paquet"), pack(4, "paquet"), pack(6, "paquet")],
        },
        14,
    ),
    Family(
        "serviettes",
        "Événementiel",
        "Serviettes papier {size} {plies} {color} - {pack}",
        ["serviettes papier", "serviettes", "serviette en papier"],
        {
            "size": [v("33 x 33 cm", "33x33", "33 x 33"), v("40 x 40 cm", "40x40", "40 x 40")],
            "plies": [v("2 plis", "2 plis", "2plis"), v("ouate 3 plis", "3 plis", "ouate")],
            "color": colors("blanc", "rouge", "vert", "noir", "jaune"),
            "pack": [pack(100, "paquet"), pack(500, "carton")],
        },
        18,
    ),
    # cleaning
    Family(
        "nettoyant",
        "Entretien",
        "Nettoyant multi-usages {brand} {scent} {label} {volume}",
        [
            "nettoyant multi usages",
            "nettoyant multisurface",
            "multi usage",
            "nettoyant tout usage",
            "nettoyant",
        ],
        {
            "brand": [
                brand("Rainett"),
                brand("L'Arbre Vert", "arbre vert", "l arbre vert"),
                brand("Ecover"),
                brand("Starwax"),
            ],
            "scent": [v("citron"), v("sans parfum"), v("eucalyptus", "eucalyptus", "eucalyptu")],
            "label": [v("Ecolabel", "ecolabel")],
            "volume": [volume(750), volume(1000), volume(5000)],
        },
        24,
    ),
    Family(
        "vaisselle",
        "Entretien",
        "Liquide vaisselle {brand} {scent} {volume}",
        ["liquide vaisselle", "produit vaisselle", "liquide vaiselle", "savon vaisselle"],
        {
            "brand": [
                brand("Rainett"),
                brand("L'Arbre Vert", "arbre vert"),
                brand("Ecover"),
                brand("Paic"),
            ],
            "scent": [
                v("citron"),
                v("pomme"),
                v("peaux sensibles", "peaux sensibles", "peau sensible"),
            ],
            "volume": [volume(500), volume(1000), volume(5000)],
        },
        22,
    ),
    Family(
        "savon",
        "Hygiène",
        "Savon liquide mains {brand} {kind} {volume}",
        ["savon liquide", "savon mains", "savon", "savon liquide mains", "lave mains"],
        {
            "brand": [
                brand("Rainett"),
                brand("L'Arbre Vert", "arbre vert"),
                brand("Le Petit Marseillais", "petit marseillais"),
            ],
            "kind": [v("flacon pompe", "pompe", "flacon pompe"), v("recharge")],
            "volume": [volume(300), volume(500), volume(1000), volume(5000)],
        },
        18,
    ),
    Family(
        "gel-hydro",
        "Hygiène",
        "Gel hydroalcoolique {norm} {kind} {volume}",
        [
            "gel hydroalcoolique",
            "gel hydro-alcoolique",
            "gel hydro",
            "gel desinfectant mains",
            "solution hydroalcoolique",
        ],
        {
            "norm": [v("EN 14476"), v("bio Ecocert", "bio", "ecocert")],
            "kind": [v("flacon pompe", "pompe"), v("flacon"), v("bidon", "bidon", "recharge")],
            "volume": [volume(100), volume(300), volume(500), volume(1000), volume(5000)],
        },
        16,
    ),
    Family(
        "sac-poubelle",
        "Entretien",
        "Sacs poubelle {volume} {color} {thickness} {ties} - {pack}",
        [
            "sacs poubelle",
            "sac poubelle",
            "sacs poub",
            "sacs à déchets",
            "sac dechets",
            "sacs-poubelle",
        ],
        {
            "volume": [litres(n) for n in (30, 50, 100, 130)],
            "color": [
                *colors("noir", "bleu", "gris"),
                v("transparent", "transparent", "transparents"),
            ],
            "thickness": [
                v("20 µm", "20 microns", "20µ", "20 µm"),
                v("40 µm", "40 microns", "40µ", "renforcé"),
            ],
            "ties": [
                NONE,
                v("à liens coulissants", "liens coulissants", "lien coulissant", "a liens"),
            ],
            "pack": [pack(200, "carton"), pack(20, "x")],
        },
        34,
    ),
    Family(
        "lessive",
        "Entretien",
        "Lessive {kind} {brand} {doses}",
        ["lessive", "lessive linge", "produit lessive"],
        {
            "kind": [
                v("liquide"),
                v("en poudre", "poudre"),
                v("capsules", "capsules", "capsule", "dosettes"),
            ],
            "brand": [
                brand("L'Arbre Vert", "arbre vert"),
                brand("Ecover"),
                brand("Rainett"),
                brand("Ariel Professional", "ariel"),
            ],
            "doses": [
                v("40 lavages", "40 lavages", "40 doses", "40 lav"),
                v("100 lavages", "100 lavages", "100 doses"),
            ],
        },
        16,
    ),
    Family(
        "eponge",
        "Entretien",
        "Éponges {kind} {brand} - {pack}",
        ["éponges", "eponge", "eponges", "éponge"],
        {
            "kind": [
                v("grattantes vertes", "grattante", "grattantes"),
                v("végétales double face", "végétale", "vegetale", "double face"),
                v("non rayantes", "non rayante", "non rayantes"),
            ],
            "brand": [brand("Spontex"), brand("Scotch-Brite", "scotch brite", "scotchbrite")],
            "pack": [pack(10, "lot"), pack(3, "lot")],
        },
        12,
    ),
    Family(
        "microfibre",
        "Entretien",
        "Lavettes microfibre {size} {color} - {pack}",
        [
            "lavettes microfibre",
            "chiffons microfibre",
            "microfibres",
            "lavette micro-fibre",
            "chiffon micro fibre",
        ],
        {
            "size": [v("40 x 40 cm", "40x40", "40 x 40"), v("30 x 30 cm", "30x30", "30 x 30")],
            "color": [
                *colors("bleu", "rouge", "jaune", "vert"),
                v("couleurs assorties", "assorties"),
            ],
            "pack": [pack(10, "lot"), pack(5, "lot")],
        },
        14,
    ),
    Family(
        "gants-jetables",
        "Hygiène",
        "Gants {material} {powder} taille {size} - {pack}",
        ["gants jetables", "gants", "gant"],
        {
            "material": [
                v("nitrile bleu", "nitrile bleu", "nitril bleu", "nitrile bleue"),
                v("nitrile noir", "nitrile noir", "nitril noir"),
                v("vinyle", "vinyle", "vinyl"),
                v("latex"),
            ],
            "powder": [v("non poudrés", "non poudres", "sans poudre", "non poudré")],
            "size": [
                v("S", "s", "taille s", "t.s"),
                v("M", "m", "taille m", "t.m"),
                v("L", "l", "taille l", "t.l"),
                v("XL", "xl", "taille xl", "t.xl"),
            ],
            "pack": [pack(100, "boite")],
        },
        16,
    ),
    Family(
        "javel",
        "Entretien",
        "Eau de Javel {strength} {kind} {volume}",
        ["javel", "eau de javel", "eau javel", "javelle"],
        {
            "strength": [v("2,6 %", "2,6%", "2.6%"), v("9,6 %", "9,6%", "9.6%", "concentrée")],
            "kind": [v("parfum citron", "citron"), v("", "")],
            "volume": [volume(250), volume(1000), volume(5000)],
        },
        9,
    ),
    Family(
        "wc",
        "Entretien",
        "Gel WC détartrant {brand} {volume}",
        ["gel wc", "nettoyant wc", "gel toilettes", "detartrant wc", "gel w.c."],
        {
            "brand": [
                brand("Harpic"),
                brand("L'Arbre Vert", "arbre vert"),
                brand("Rainett"),
                brand("Ecover"),
            ],
            "volume": [volume(750), volume(1000)],
        },
        8,
    ),
    # packaging
    Family(
        "carton",
        "Emballage",
        "Carton d'emballage {wall} {dims} - {pack}",
        [
            "carton",
            "cartons",
            "carton emballage",
            "carton d'expédition",
            "cartons demenagement",
            "boite carton",
        ],
        {
            "wall": [
                v("simple cannelure", "simple cannelure", "simple"),
                v("double cannelure", "double cannelure", "double", "dble cannelure"),
            ],
            "dims": [
                v("31 x 22 x 15 cm", "31x22x15", "31 x 22 x 15"),
                v("40 x 30 x 30 cm", "40x30x30", "40 x 30 x 30"),
                v("60 x 40 x 40 cm", "60x40x40", "60 x 40 x 40"),
                v("25 x 20 x 10 cm", "25x20x10"),
                v("50 x 30 x 30 cm", "50x30x30"),
            ],
            "pack": [pack(20, "lot"), pack(10, "lot")],
        },
        20,
    ),
    Family(
        "adhesif",
        "Emballage",
        "Ruban adhésif d'emballage {brand} {material} {width} x {length}",
        [
            "scotch",
            "ruban adhesif",
            "adhesif emballage",
            "rouleau adhésif",
            "scotch colis",
            "ruban adhésif",
        ],
        {
            "brand": [brand("Scotch", "scotch"), brand("Tesa"), brand("Raja")],
            "material": [
                v("PP havane", "havane", "marron", "brun"),
                v("PP transparent", "transparent", "transparente"),
                v("papier kraft", "kraft", "papier kraft"),
                v("PVC silencieux", "silencieux", "pvc"),
            ],
            "width": [mm(50)],
            "length": [length_m(66), length_m(100)],
        },
        20,
    ),
    Family(
        "papier-bulle",
        "Emballage",
        "Film à bulles {width} x {length} {material}",
        ["papier bulle", "film bulle", "papier bulles", "film a bulles", "rouleau bulles"],
        {
            "width": [cm(50), cm(100), cm(120)],
            "length": [length_m(10), length_m(50), length_m(100)],
            "material": [NONE, v("recyclé", "recyclé", "recycle")],
        },
        14,
    ),
    Family(
        "sac-kraft",
        "Emballage",
        "Sacs kraft {handles} {dims} {color} - {pack}",
        ["sacs kraft", "sac kraft", "sac papier", "sacs papier", "sacs cabas papier"],
        {
            "handles": [
                v("poignées torsadées", "poignees torsadees", "poignées", "poignee torsadee"),
                v("poignées plates", "poignees plates"),
            ],
            "dims": [
                v("18 x 8 x 22 cm", "18x8x22", "18 x 8 x 22"),
                v("26 x 12 x 35 cm", "26x12x35", "26 x 12 x 35"),
                v("32 x 14 x 42 cm", "32x14x42", "32 x 14 x 42"),
            ],
            "color": [v("brun", "brun", "marron", "naturel"), v("blanc")],
            "pack": [pack(50, "carton"), pack(250, "carton")],
        },
        18,
    ),
    Family(
        "pochette-bulle",
        "Emballage",
        "Enveloppes à bulles {size} {color} - {pack}",
        [
            "enveloppes à bulles",
            "enveloppe bulle",
            "pochettes bulles",
            "env. bulles",
            "enveloppes matelassées",
        ],
        {
            "size": [
                v("n°1 - 100 x 165 mm", "100x165", "n1", "taille 1"),
                v("n°3 - 150 x 215 mm", "150x215", "n3", "taille 3"),
                v("n°5 - 220 x 265 mm", "220x265", "n5", "taille 5"),
                v("n°7 - 230 x 340 mm", "230x340", "n7", "taille 7"),
            ],
            "color": [v("blanches", "blanches", "blanc"), v("kraft", "kraft", "marron")],
            "pack": [pack(100, "carton"), pack(10, "paquet")],
        },
        14,
    ),
    Family(
        "film-etirable",
        "Emballage",
        "Film étirable manuel {width} x {length} {thickness} {color}",
        ["film étirable", "film etirable", "film palette", "film etirable manuel"],
        {
            "width": [mm(450), mm(500)],
            "length": [length_m(300)],
            "thickness": [v("17 µm", "17 microns", "17µ"), v("23 µm", "23 microns", "23µ")],
            "color": [v("transparent"), v("noir")],
        },
        8,
    ),
    Family(
        "etiquettes",
        "Papeterie",
        "Étiquettes adhésives {brand} {size} - {pack} feuilles A4",
        [
            "étiquettes",
            "etiquettes",
            "étiquettes adhésives",
            "etiquette adhesive",
            "planches etiquettes",
        ],
        {
            "brand": [brand("Avery"), brand("Agipa"), brand("Apli")],
            "size": [
                v("99,1 x 38,1 mm", "99,1x38,1", "99x38", "99.1 x 38.1"),
                v("63,5 x 38,1 mm", "63,5x38,1", "63x38", "63.5x38.1"),
                v("210 x 297 mm", "210x297", "pleine page", "a4 pleine page"),
                v("70 x 37 mm", "70x37", "70 x 37"),
            ],
            "pack": [pack(100, "boite"), pack(25, "boite")],
        },
        16,
    ),
    # office
    Family(
        "stylo",
        "Bureau",
        "Stylo bille {brand} {point} {color} - {pack}",
        ["stylo bille", "stylos", "stylo", "bic", "stylos bille"],
        {
            "brand": [
                brand("Bic Cristal", "bic cristal", "cristal", "bic"),
                brand("Pilot BPS", "pilot"),
                brand("Schneider Slider", "schneider"),
            ],
            "point": [
                v("pointe moyenne", "pointe moyenne", "moyen", "1.0"),
                v("pointe fine", "pointe fine", "fin", "0.7"),
            ],
            "color": colors("bleu", "noir", "rouge", "vert"),
            "pack": [pack(50, "boite"), pack(10, "lot")],
        },
        24,
    ),
    Family(
        "surligneur",
        "Bureau",
        "Surligneur {brand} {color} {pack}",
        ["surligneur", "surligneurs", "stabilo", "fluo", "marqueur fluo"],
        {
            "brand": [
                brand("Stabilo Boss", "stabilo boss", "stabilo"),
                brand("Pilot Frixion Light", "frixion", "pilot frixion"),
            ],
            "color": [
                *colors("jaune", "rose", "vert", "orange"),
                v("couleurs assorties", "assortis", "couleurs assorties"),
            ],
            "pack": [NONE, pack(10, "boite"), pack(4, "x")],
        },
        16,
    ),
    Family(
        "marqueur",
        "Bureau",
        "Marqueur tableau blanc {brand} {point} {color} {pack}",
        [
            "marqueur tableau blanc",
            "feutre tableau",
            "velleda",
            "marqueur effacable",
            "feutres tableau blanc",
        ],
        {
            "brand": [brand("Velleda", "velleda", "veleda"), brand("Edding"), brand("Nobo")],
            "point": [
                v("pointe ogive", "ogive", "pointe ronde"),
                v("pointe biseau", "biseau", "biseautée"),
            ],
            "color": colors("noir", "bleu", "rouge", "vert"),
            "pack": [NONE, pack(4, "x")],
        },
        20,
    ),
    Family(
        "crayon",
        "Bureau",
        "Crayon graphite {brand} {hardness} {tip} - {pack}",
        ["crayon papier", "crayons", "crayon de papier", "crayon graphite"],
        {
            "brand": [
                brand("Staedtler Noris", "staedtler", "noris"),
                brand("Bic Evolution", "bic evolution", "bic"),
            ],
            "hardness": [v("HB", "hb"), v("2B", "2b"), v("2H", "2h")],
            "tip": [NONE, v("bout gomme", "avec gomme", "bout gomme")],
            "pack": [pack(12, "boite")],
        },
        10,
    ),
    Family(
        "classeur",
        "Bureau",
        "Classeur à levier {format} dos {spine} {material} {color}",
        ["classeur", "classeur levier", "classeurs", "classeur a levier", "classeur archive"],
        {
            "format": [v("A4", "a4")],
            "spine": [mm(50), mm(80)],
            "material": [
                v("carton recouvert", "carton"),
                v("polypropylène", "polypro", "plastique", "pp"),
            ],
            "color": colors("noir", "bleu", "rouge", "vert", "jaune", "gris"),
        },
        18,
    ),
    Family(
        "pochettes",
        "Bureau",
        "Pochettes perforées {format} {finish} {thickness} - {pack}",
        [
            "pochettes perforées",
            "pochettes plastiques",
            "pochettes transparentes",
            "pochette perforee",
            "sous chemises plastique",
        ],
        {
            "format": [v("A4", "a4"), v("A3", "a3")],
            "finish": [v("lisses", "lisse", "lisses"), v("grainées", "grainee", "grainées")],
            "thickness": [
                v("5/100e", "5/100", "5 centiemes"),
                v("9/100e", "9/100", "9 centièmes", "épaisses"),
            ],
            "pack": [pack(100, "boite")],
        },
        8,
    ),
    Family(
        "agrafes",
        "Bureau",
        "Agrafes {brand} {size} - {pack}",
        ["agrafes", "agrafe", "boite agrafes"],
        {
            "brand": [brand("Rapid"), brand("Leitz")],
            "size": [
                v("24/6", "24/6", "24-6", "n°24/6"),
                v("26/6", "26/6", "26-6"),
                v("23/10", "23/10", "23-10"),
            ],
            "pack": [pack(1000, "boite"), pack(5000, "boite")],
        },
        10,
    ),
    Family(
        "agrafeuse",
        "Bureau",
        "Agrafeuse {brand} {kind} capacité {capacity}",
        ["agrafeuse", "agraffeuse", "agrafeuse bureau"],
        {
            "brand": [brand("Rapid"), brand("Leitz"), brand("Maped")],
            "kind": [v("de bureau", "bureau"), v("de poche", "poche", "mini")],
            "capacity": [
                v("20 feuilles", "20 feuilles", "20f", "20 f"),
                v("40 feuilles", "40 feuilles", "40f"),
            ],
        },
        10,
    ),
    Family(
        "trombones",
        "Bureau",
        "Trombones {finish} {size} - {pack}",
        ["trombones", "trombone", "attaches trombones"],
        {
            "finish": [
                v("acier nickelé", "acier", "metal", "nickelés"),
                v("plastifiés couleurs", "couleur", "plastifiés"),
            ],
            "size": [mm(25), mm(32), mm(50)],
            "pack": [pack(100, "boite"), pack(1000, "boite")],
        },
        10,
    ),
    Family(
        "colle",
        "Bureau",
        "Bâton de colle {brand} {weight}",
        ["colle baton", "bâton de colle", "colle", "stick colle", "baton colle"],
        {
            "brand": [brand("UHU Stic", "uhu"), brand("Pritt"), brand("Maped")],
            "weight": [grams(8), grams(21), grams(40)],
        },
        9,
    ),
    Family(
        "correcteur",
        "Bureau",
        "Correcteur {kind} {brand} {size}",
        ["correcteur", "tipp-ex", "blanco", "tippex", "effaceur"],
        {
            "kind": [v("en ruban roller", "ruban", "roller"), v("stylo", "stylo", "crayon")],
            "brand": [brand("Tipp-Ex", "tipp-ex", "tipex"), brand("Pritt"), brand("Bic")],
            "size": [v("4,2 mm x 10 m", "4,2mm", "10m", "4.2 mm"), v("5 mm x 8 m", "5mm", "8m")],
        },
        10,
    ),
    # IT
    Family(
        "cartouche",
        "Informatique",
        "Cartouche d'encre {model} {color} {capacity}",
        ["cartouche", "cartouche encre", "cartouches", "encre", "cartouche imprimante"],
        {
            "model": [
                v("HP 305 (3YM61AE)", "hp 305", "hp305", "305"),
                v("HP 303 (T6N02AE)", "hp 303", "hp303", "303"),
                v("Canon PG-545", "canon 545", "pg-545", "pg545"),
                v("Epson 603 Étoile de mer", "epson 603", "603", "etoile de mer"),
                v("Brother LC-3211", "brother 3211", "lc3211", "lc-3211"),
            ],
            "color": [
                v("noir", "noir", "noire", "black"),
                v("couleur", "couleur", "3 couleurs", "tricolore"),
            ],
            "capacity": [v("standard"), v("XL grande capacité", "xl", "grande capacité")],
        },
        20,
    ),
    Family(
        "toner",
        "Informatique",
        "Toner {model} {color}",
        ["toner", "cartouche toner", "toner laser"],
        {
            "model": [
                v("Brother TN-2420", "tn2420", "tn-2420", "brother 2420"),
                v("HP 83A (CF283A)", "hp 83a", "cf283a", "83a"),
                v("HP 207A (W2210A)", "hp 207a", "207a", "w2210a"),
                v("Kyocera TK-5240", "tk5240", "tk-5240", "kyocera 5240"),
            ],
            "color": [v("noir"), v("cyan"), v("magenta"), v("jaune")],
        },
        10,
    ),
    Family(
        "cle-usb",
        "Informatique",
        "Clé USB {brand} {capacity} {standard}",
        ["clé usb", "cle usb", "clef usb", "cles usb"],
        {
            "brand": [
                brand("SanDisk Ultra", "sandisk", "san disk"),
                brand("Kingston DataTraveler", "kingston"),
                brand("Verbatim"),
            ],
            "capacity": [
                v(f"{n} Go", f"{n}go", f"{n} go", f"{n}gb", f"{n} gb") for n in (16, 32, 64, 128)
            ],
            "standard": [
                v("USB 3.0", "usb3", "usb 3", "3.0"),
                v("USB-C", "usb c", "type c", "usbc"),
            ],
        },
        18,
    ),
    Family(
        "souris",
        "Informatique",
        "Souris {brand} {kind} {color}",
        ["souris", "souris ordinateur", "souris pc"],
        {
            "brand": [
                brand("Logitech M185", "logitech", "m185"),
                brand("Logitech M90", "m90", "logitech m90"),
                brand("Dell MS116", "dell"),
            ],
            "kind": [
                v("sans fil", "sans fil", "sf", "wireless"),
                v("filaire USB", "filaire", "usb", "avec fil"),
            ],
            "color": colors("noir", "gris"),
        },
        10,
    ),
    Family(
        "clavier",
        "Informatique",
        "Clavier {brand} {kind} AZERTY {color}",
        ["clavier", "clavier azerty", "clavier pc"],
        {
            "brand": [
                brand("Logitech K120", "logitech", "k120"),
                brand("Logitech K270", "k270"),
                brand("Dell KB216", "dell"),
            ],
            "kind": [v("filaire USB", "filaire", "usb"), v("sans fil", "sans fil", "wireless")],
            "color": [v("noir")],
        },
        6,
    ),
    Family(
        "cable",
        "Informatique",
        "Câble {kind} {length}",
        ["câble", "cable", "cordon"],
        {
            "kind": [
                v("HDMI 2.0 mâle/mâle", "hdmi", "hdmi 2.0"),
                v("USB-C vers USB-C", "usb c", "usb-c usb-c", "usbc"),
                v("USB-A vers USB-C", "usb a usb c", "usb-a vers usb-c"),
                v("réseau RJ45 Cat6", "rj45", "ethernet", "reseau cat6"),
            ],
            "length": [length_m(1), length_m(2), length_m(5)],
        },
        12,
    ),
    Family(
        "multiprise",
        "Informatique",
        "Multiprise {outlets} {switch} {protection} câble {cable}",
        ["multiprise", "multi prise", "bloc multiprise", "rallonge multiprise"],
        {
            "outlets": [v(f"{n} prises", f"{n} prises", f"{n}prises") for n in (3, 4, 6)],
            "switch": [NONE, v("avec interrupteur", "interrupteur", "inter")],
            "protection": [NONE, v("parafoudre", "parafoudre", "anti surtension")],
            "cable": [length_m(1.5), length_m(3)],
        },
        18,
    ),
    Family(
        "piles",
        "Informatique",
        "Piles {brand} {format} {kind} - {pack}",
        ["piles", "pile"],
        {
            "brand": [brand("Duracell"), brand("Energizer"), brand("Varta")],
            "format": [v("AA LR6", "aa", "lr6", "lr06"), v("AAA LR03", "aaa", "lr03", "lr3")],
            "kind": [
                v("alcalines", "alcaline", "alcalines"),
                v("rechargeables NiMH", "rechargeables", "rechargeable", "accus"),
            ],
            "pack": [pack(4, "x"), pack(24, "pack")],
        },
        20,
    ),
    Family(
        "ampoule",
        "Petit équipement",
        "Ampoule LED {socket} {power} {light}",
        ["ampoule led", "ampoule", "ampoules", "led"],
        {
            "socket": [v("E27", "e27"), v("E14", "e14"), v("GU10", "gu10")],
            "power": [v(f"{w} W", f"{w}w", f"{w} w", f"{w} watts") for w in (5, 9, 12)],
            "light": [
                v("blanc chaud 2700K", "blanc chaud", "2700k", "chaud"),
                v("blanc froid 4000K", "blanc froid", "4000k", "froid"),
            ],
        },
        18,
    ),
    # work clothes
    Family(
        "tshirt",
        "Vêtements de travail",
        "T-shirt {material} {color} taille {size}",
        ["t-shirt", "tshirt", "tee shirt", "t shirt", "tee-shirt"],
        {
            "material": [
                v("coton bio", "coton bio", "bio"),
                v("polyester recyclé", "polyester", "recyclé"),
            ],
            "color": colors("blanc", "noir", "marine", "gris", "vert"),
            "size": SIZES,
        },
        24,
    ),
    Family(
        "chaussures",
        "Vêtements de travail",
        "Chaussures de sécurité {norm} {kind} pointure {size}",
        [
            "chaussures de sécurité",
            "chaussures securite",
            "chaussure de securite",
            "chaussures secu",
        ],
        {
            "norm": [v("S3 SRC", "s3"), v("S1P", "s1p", "s1 p")],
            "kind": [
                v("basses", "basse", "basses"),
                v("montantes", "montante", "montantes", "hautes"),
            ],
            "size": [
                v(str(n), str(n), f"pointure {n}", f"p{n}", f"taille {n}") for n in range(38, 47)
            ],
        },
        20,
    ),
    Family(
        "gants-travail",
        "Vêtements de travail",
        "Gants de manutention {material} taille {size}",
        ["gants de travail", "gants manutention", "gants de manutention", "gants chantier"],
        {
            "material": [
                v("enduit nitrile", "nitrile", "enduit nitrile"),
                v("cuir fleur", "cuir"),
                v("anti-coupure niveau 5", "anti coupure", "anticoupure"),
            ],
            "size": [v(str(n), str(n), f"t{n}", f"taille {n}") for n in (7, 8, 9, 10, 11)],
        },
        14,
    ),
    Family(
        "gilet",
        "Vêtements de travail",
        "Gilet haute visibilité {color} taille {size}",
        ["gilet haute visibilité", "gilet fluo", "gilet hv", "gilet securite"],
        {
            "color": [
                v("jaune fluo", "jaune", "jaune fluo"),
                v("orange fluo", "orange", "orange fluo"),
            ],
            "size": [
                v("L/XL", "l/xl", "xl", "l"),
                v("XXL/3XL", "xxl", "3xl", "xxl/3xl"),
                v("S/M", "s/m", "m"),
            ],
        },
        6,
    ),
    Family(
        "pantalon",
        "Vêtements de travail",
        "Pantalon de travail {kind} {color} taille {size}",
        ["pantalon de travail", "pantalon travail", "pantalon chantier", "pantalon"],
        {
            "kind": [
                v("multipoches", "multipoches", "multi poches"),
                v("genouillères", "genouilleres", "avec genouillères"),
            ],
            "color": colors("noir", "gris", "marine"),
            "size": [v(str(n), str(n), f"taille {n}", f"t{n}") for n in (38, 40, 42, 44, 46, 48)],
        },
        16,
    ),
    Family(
        "veste-polaire",
        "Vêtements de travail",
        "Veste polaire {material} {color} taille {size}",
        ["polaire", "veste polaire", "polaire travail", "blouson polaire"],
        {
            "material": [v("recyclée 300 g", "recyclée", "300g"), v("")],
            "color": colors("noir", "marine", "gris"),
            "size": SIZES[:4],
        },
        10,
    ),
    # event food
    Family(
        "cafe",
        "Alimentation",
        "Café {kind} {origin} {brand} {weight}",
        ["café", "cafe", "paquet café", "kfé"],
        {
            "kind": [v("en grains", "grains", "en grain"), v("moulu", "moulu", "moulu")],
            "origin": [
                v("bio équitable", "bio", "equitable", "bio équitable"),
                v("pur arabica", "arabica"),
            ],
            "brand": [
                brand("Malongo"),
                brand("Lavazza"),
                brand("Alter Eco", "alter eco", "altereco"),
                brand("Carte Noire", "carte noire"),
            ],
            "weight": [grams(250), grams(1000)],
        },
        24,
    ),
    Family(
        "capsules",
        "Alimentation",
        "Capsules café compatibles Nespresso {brand} {strength} - {pack}",
        ["capsules café", "capsules nespresso", "dosettes café", "capsules", "capsule cafe"],
        {
            "brand": [
                brand("Malongo"),
                brand("L'Or Espresso", "l'or", "lor"),
                brand("Café Royal", "cafe royal"),
            ],
            "strength": [v("intense"), v("lungo"), v("décaféiné", "deca", "decafeine")],
            "pack": [pack(50, "boite"), pack(100, "boite")],
        },
        14,
    ),
    Family(
        "the",
        "Alimentation",
        "Thé {kind} {brand} - {pack} sachets",
        ["thé", "the", "sachets de thé", "thé en sachets", "infusion"],
        {
            "kind": [
                v("vert"),
                v("Earl Grey", "earl grey", "earl gray"),
                v("noir English Breakfast", "english breakfast", "breakfast"),
                v("menthe"),
                v("rooibos"),
            ],
            "brand": [
                brand("Lipton"),
                brand("Kusmi Tea", "kusmi"),
                brand("Jardins de Gaïa", "jardins de gaia", "gaia"),
            ],
            "pack": [pack(25, "boite"), pack(100, "boite")],
        },
        20,
    ),
    Family(
        "sucre",
        "Alimentation",
        "Sucre {kind} {label} {size}",
        ["sucre", "sucres", "paquet sucre"],
        {
            "kind": [
                v("en morceaux", "morceaux", "en morceau"),
                v("en bûchettes 4 g", "buchettes", "bûchettes", "dosettes"),
            ],
            "label": [NONE, v("de canne bio", "canne", "canne bio", "bio")],
            "size": [grams(1000), pack(500, "carton"), pack(1000, "carton")],
        },
        10,
    ),
    Family(
        "eau",
        "Alimentation",
        "Eau minérale {kind} {brand} {bottle} - {pack}",
        ["eau", "eau minérale", "bouteilles eau", "eau en bouteille", "pack d'eau"],
        {
            "kind": [v("plate"), v("gazeuse", "gazeuse", "petillante")],
            "brand": [
                brand("Evian"),
                brand("Vittel"),
                brand("Cristaline"),
                brand("Badoit"),
                brand("Salvetat"),
            ],
            "bottle": [volume(500), volume(1500)],
            "pack": [pack(6, "pack"), pack(24, "carton")],
        },
        24,
    ),
    Family(
        "jus",
        "Alimentation",
        "Jus {fruit} {label} {brand} {bottle}",
        ["jus", "jus de fruit", "jus de fruits", "brique jus"],
        {
            "fruit": [
                v("d'orange", "orange", "d'orange"),
                v("de pomme", "pomme"),
                v("multifruits", "multifruit", "multi fruits"),
            ],
            "label": [v("bio"), v("pur jus", "pur jus", "100% pur jus")],
            "brand": [
                brand("Alain Milliat", "milliat"),
                brand("Tropicana"),
                brand("Jardin Bio", "jardin bio"),
            ],
            "bottle": [volume(1000), volume(250)],
        },
        18,
    ),
    Family(
        "biscuits",
        "Alimentation",
        "Biscuits {kind} {brand} {portion} - {pack}",
        ["biscuits", "gâteaux", "biscuit", "petits gateaux"],
        {
            "kind": [
                v("sablés pur beurre", "sablés", "sables", "pur beurre"),
                v("palets bretons", "palets", "palet breton"),
                v("cookies chocolat", "cookies", "cookie"),
            ],
            "brand": [
                brand("St Michel", "st michel", "saint michel"),
                brand("Bonne Maman", "bonne maman"),
                brand("Bjorg"),
            ],
            "portion": [v("sachets individuels", "individuels", "sachets individuels", "portions")],
            "pack": [pack(100, "carton"), pack(24, "boite")],
        },
        14,
    ),
    Family(
        "gobelets",
        "Événementiel",
        "Gobelets {material} {volume} {color} - {pack}",
        ["gobelets", "gobelet", "verres jetables", "gobelets jetables", "gobelet café"],
        {
            "material": [
                v("carton", "carton", "papier"),
                v("réutilisables PP", "réutilisables", "reutilisable", "ecocup"),
                v("compostables PLA", "compostables", "pla"),
            ],
            "volume": [volume(100), volume(200), volume(250), volume(330)],
            "color": [v("blanc"), v("kraft")],
            "pack": [pack(50, "sachet"), pack(1000, "carton")],
        },
        22,
    ),
    Family(
        "assiettes",
        "Événementiel",
        "Assiettes {material} {shape} {size} - {pack}",
        ["assiettes", "assiette jetable", "assiettes jetables", "assiette"],
        {
            "material": [
                v("carton", "carton"),
                v("bagasse compostables", "bagasse", "canne a sucre", "compostables"),
                v("feuille de palmier", "palmier", "feuilles de palmier"),
            ],
            "shape": [v("rondes", "ronde", "rondes"), v("carrées", "carré", "carrees")],
            "size": [cm(18), cm(23), cm(26)],
            "pack": [pack(50, "lot")],
        },
        14,
    ),
    Family(
        "couverts",
        "Événementiel",
        "{kind} {material} {size} - {pack}",
        ["couverts", "couvert jetable", "couverts jetables"],
        {
            "kind": [
                v("Fourchettes", "fourchettes", "fourchette"),
                v("Couteaux", "couteaux", "couteau"),
                v("Cuillères", "cuilleres", "cuillère", "petites cuilleres"),
            ],
            "material": [
                v("bois", "bois", "en bois"),
                v("compostables CPLA", "compostables", "cpla"),
            ],
            "size": [cm(16)],
            "pack": [pack(100, "sachet"), pack(1000, "carton")],
        },
        10,
    ),
    Family(
        "nappe",
        "Événementiel",
        "Nappe {material} {format} {color}",
        ["nappe", "nappes", "nappe jetable"],
        {
            "material": [
                v("papier damassé", "papier", "damassée", "damasse"),
                v("intissé", "intisse", "non tissé", "tissu"),
            ],
            "format": [
                v("rouleau 1,20 x 25 m", "rouleau", "1,20x25", "1.2 x 25m"),
                v("1,20 x 1,20 m", "1,20x1,20", "1.2 x 1.2 m"),
            ],
            "color": [*colors("blanc", "rouge", "noir", "vert"), v("kraft")],
        },
        14,
    ),
    # small equipment
    Family(
        "bouilloire",
        "Petit équipement",
        "Bouilloire électrique {brand} {volume} {material}",
        ["bouilloire", "bouillore", "bouilloire électrique"],
        {
            "brand": [
                brand("Moulinex"),
                brand("Tefal"),
                brand("Russell Hobbs", "russell hobbs", "russel hobbs"),
            ],
            "volume": [volume(1000), volume(1700)],
            "material": [v("inox"), v("plastique")],
        },
        10,
    ),
    Family(
        "rallonge",
        "Petit équipement",
        "Rallonge électrique {kind} {length} {section}",
        ["rallonge", "rallonge électrique", "enrouleur", "rallonge electrique"],
        {
            "kind": [
                v("prolongateur", "prolongateur", "simple"),
                v("enrouleur 4 prises", "enrouleur", "enrouleur 4 prises"),
            ],
            "length": [length_m(10), length_m(25), length_m(50)],
            "section": [
                v("3G1,5 mm²", "3g1.5", "1,5mm2", "1.5 mm"),
                v("3G2,5 mm²", "3g2.5", "2,5mm2", "2.5 mm"),
            ],
        },
        12,
    ),
    Family(
        "escabeau",
        "Petit équipement",
        "Escabeau {material} {steps} {brand}",
        ["escabeau", "escabeaux", "marchepied", "echelle"],
        {
            "material": [v("aluminium", "alu", "aluminium"), v("acier")],
            "steps": [v(f"{n} marches", f"{n} marches", f"{n}marches") for n in (3, 4, 5, 6)],
            "brand": [brand("Tubesca"), brand("Hailo")],
        },
        12,
    ),
    Family(
        "extincteur",
        "Petit équipement",
        "Extincteur {agent} {capacity} {brand}",
        ["extincteur", "extincteurs", "extinteur"],
        {
            "agent": [
                v("eau pulvérisée + additif", "eau", "eau pulverisee", "eau additif"),
                v("CO2", "co2"),
                v("poudre ABC", "poudre", "abc"),
            ],
            "capacity": [litres(6), litres(9), grams(2000)],
            "brand": [brand("Sicli"), brand("Desautel")],
        },
        10,
    ),
    Family(
        "trousse",
        "Petit équipement",
        "Trousse de secours {size} {kind}",
        ["trousse de secours", "trousse secours", "kit premiers secours", "trousse pharmacie"],
        {
            "size": [v(f"{n} personnes", f"{n} personnes", f"{n} pers") for n in (4, 10, 20)],
            "kind": [
                v("BTP", "btp", "chantier"),
                v("bureau"),
                v("véhicule", "vehicule", "voiture"),
            ],
        },
        9,
    ),
    Family(
        "poubelle",
        "Petit équipement",
        "Poubelle de tri {kind} {volume} {color}",
        ["poubelle", "poubelle de tri", "collecteur tri", "corbeille", "bac de tri"],
        {
            "kind": [
                v("à pédale", "pedale", "à pedale"),
                v("à couvercle battant", "couvercle battant", "battant"),
                v("sans couvercle", "sans couvercle", "ouverte"),
            ],
            "volume": [litres(n) for n in (30, 50, 60)],
            "color": colors("jaune", "bleu", "vert", "gris"),
        },
        16,
    ),
    Family(
        "lampe",
        "Petit équipement",
        "Lampe de bureau LED {brand} {kind} {color}",
        ["lampe de bureau", "lampe bureau", "lampe led", "lampe"],
        {
            "brand": [brand("Unilux"), brand("Maul"), brand("Alba")],
            "kind": [
                v("bras articulé", "bras articule", "articulée"),
                v("avec port USB", "usb", "port usb"),
            ],
            "color": colors("noir", "blanc", "gris"),
        },
        10,
    ),
    Family(
        "diable",
        "Petit équipement",
        "Diable de manutention {kind} charge {load}",
        ["diable", "chariot", "diable manutention", "chariot de manutention"],
        {
            "kind": [
                v("pliable aluminium", "pliable", "alu"),
                v("acier roues gonflables", "acier", "roues gonflables"),
                v("à bavette rabattable", "bavette", "bavette rabattable"),
            ],
            "load": [v("150 kg", "150kg", "150 kg"), v("250 kg", "250kg", "250 kg")],
        },
        6,
    ),
]


def _clean(name: str) -> str:
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"\s+-\s+-\s+|\s+-\s*$", " - ", name).strip(" -")
    name = re.sub(r"\s+", " ", name)
    return name[0].upper() + name[1:]


def _name(family: Family, product: dict[str, Value]) -> str:
    return _clean(family.template.format(**{axis: value.text for axis, value in product.items()}))


def _styled(name: str, family: Family, product: dict[str, Value], rng: random.Random) -> str:
    """Give a product name the look of one of the supplier catalogs merged into ours."""
    roll = rng.random()
    brand_value = product.get("brand")
    if roll < 0.1:
        return name.upper()
    if roll < 0.25 and brand_value and brand_value.text:
        rest = name.replace(" " + brand_value.text, "", 1)
        return _clean(f"{brand_value.text.upper()} - {rest}")
    if roll < 0.35:
        code = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(6))
        return f"{name} - Réf. {code}"
    return name


def build_catalog(rng: random.Random) -> list[tuple[str, str, Family, dict[str, Value]]]:
    """(name, category, family, attributes) for each catalog product, in catalog order."""
    rows = []
    seen: set[str] = set()
    for family in FAMILIES:
        axes = list(family.axes)
        combos = list(itertools.product(*(family.axes[a] for a in axes)))
        rng.shuffle(combos)
        family.products = []
        for combo in combos:
            product = dict(zip(axes, combo, strict=True))
            name = _name(family, product)
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            family.products.append(product)
            rows.append((_styled(name, family, product, rng), family.category, family, product))
            if len(family.products) == family.count:
                break
    rng.shuffle(rows)
    return rows


# typing habits


AZERTY = ["azertyuiop", "qsdfghjklm", "wxcvbn"]
_NEIGHBOURS = {
    c: row[max(i - 1, 0) : i] + row[i + 1 : i + 2] for row in AZERTY for i, c in enumerate(row)
}

ABBREVIATIONS = {
    "ramette": ["ram.", "ramettes"],
    "recyclé": ["rec.", "recy", "recycl"],
    "recyclées": ["rec.", "recycl"],
    "recycle": ["rec.", "recycl"],
    "paquet": ["pqt"],
    "boîte": ["bte"],
    "boite": ["bte"],
    "rouleaux": ["rlx"],
    "feuilles": ["flles", "f"],
    "blanc": ["blc"],
    "enveloppes": ["env."],
    "papier": ["pap."],
    "carton": ["ctn"],
}


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def typo(word: str, rng: random.Random) -> str:
    """One slip of the finger: a letter left out, doubled, swapped or hit next to."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "double", "swap", "neighbour"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    near = _NEIGHBOURS.get(word[i].lower())
    return word[:i] + rng.choice(near) + word[i + 1 :] if near else word


def _names_brand(head: str, brand_value: Value) -> bool:
    head = strip_accents(head.lower()).replace("-", " ")
    names = [brand_value.text, *brand_value.typings()]
    return any(head in strip_accents(n.lower()).replace("-", " ") for n in names)


def _needed_axes(
    family: Family, product: dict[str, Value], head: str, rng: random.Random
) -> list[str]:
    """Attributes a member gives: some at random, then enough to leave only this product.

    A member who names the product by a brand ("velleda", "sopalin") means that brand."""
    axes = [a for a in family.axes if rng.random() < 0.35 or a in family.required]
    brands = family.axes.get("brand", [])
    if "brand" not in axes and any(_names_brand(head, b) for b in brands):
        axes.append("brand")
    others = [p for p in family.products if p is not product]

    def fitting(chosen: list[str]) -> list[dict[str, Value]]:
        return [p for p in others if all(p[a] == product[a] for a in chosen)]

    rest = [a for a in family.axes if a not in axes]
    rng.shuffle(rest)
    while fitting(axes) and rest:
        remaining = fitting(axes)
        useful = [a for a in rest if any(p[a] != product[a] for p in remaining)]
        axis = useful[0] if useful else rest[0]
        rest.remove(axis)
        axes.append(axis)
    return [a for a in family.axes if a in axes]


def type_query(family: Family, product: dict[str, Value], rng: random.Random) -> str:
    """A query a member could type for this product."""
    brands = family.axes.get("brand", [])
    # "velleda" names a Velleda marker, not a Nobo one
    heads = [
        h
        for h in family.heads
        if not any(_names_brand(h, b) for b in brands) or _names_brand(h, product["brand"])
    ]
    head = rng.choice(heads)
    axes = _needed_axes(family, product, head, rng)
    parts = [rng.choice(product[a].typings()) for a in axes if product[a].text]
    parts = [p for p in parts if p]
    if rng.random() < 0.3:
        rng.shuffle(parts)
    if parts and rng.random() < 0.15:
        parts.insert(rng.randrange(len(parts) + 1), head)
        text = " ".join(parts)
    else:
        text = " ".join([head, *parts])
    words = text.split()
    for i, word in enumerate(words):
        options = ABBREVIATIONS.get(word.lower())
        if options and rng.random() < 0.4:
            words[i] = rng.choice(options)
    slips = 1 if rng.random() < 0.35 else 0
    slips += 1 if rng.random() < 0.08 else 0
    for _ in range(slips):
        long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if long_words:
            i = rng.choice(long_words)
            words[i] = typo(words[i], rng)
    text = " ".join(words)
    if rng.random() < 0.6:
        text = strip_accents(text)
    roll = rng.random()
    if roll < 0.8:
        text = text.lower()
    elif roll < 0.85:
        text = text.upper()
    return text


def labelled_queries(
    catalog: list[tuple[str, str, Family, dict[str, Value]]], rng: random.Random, count: int
) -> list[tuple[str, int]]:
    """(query, catalog line) pairs; the line counts the header as line 1."""
    queries = []
    order = list(range(len(catalog)))
    rng.shuffle(order)
    for i in itertools.islice(itertools.cycle(order), count):
        _, _, family, product = catalog[i]
        queries.append((type_query(family, product, rng), i + 2))
    return queries


# the large catalog of the speed benchmark

EXTRA_BRANDS = [
    "Ecolia",
    "Vertis",
    "ProNet",
    "Bureau Plus",
    "Atelier Vert",
    "Natura Pro",
    "Coop Éco",
    "Semeo",
    "Lumio",
    "Papyrus",
    "Hygia",
    "Nordik",
    "Solidaire",
    "Terra",
    "Oxalis",
    "Primo",
    "Majest",
    "Bel Air",
    "Astra",
    "Kalo",
    "Delta Pro",
    "Ouvéa",
    "Rivage",
    "Sirius",
    "Horizon",
    "Alpes Pro",
]


def _vary_number(match: re.Match[str], rng: random.Random) -> str:
    value = float(match[0].replace(",", "."))
    factor = rng.choice([0.5, 0.75, 1.25, 1.5, 2, 3, 4, 10])
    new = value * factor
    return _num(round(new) if new >= 10 else round(new, 1))


def variant_catalog(names: Sequence[str], size: int, seed: int = SEED) -> Iterator[str]:
    """`size` product names: the given names, then variants of them with other brands, sizes,
    pack counts and references, as a large multi-supplier catalog would list them."""
    rng = random.Random(seed)
    yield from names[:size]
    for _ in range(size - len(names)):
        name = rng.choice(names)
        roll = rng.random()
        if roll < 0.5:
            name = re.sub(r"\d+(?:,\d+)?", lambda m: _vary_number(m, rng), name, count=1)
        if roll > 0.3:
            name = f"{name} {rng.choice(EXTRA_BRANDS)}"
        if rng.random() < 0.3:
            code = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(7))
            name = f"{name} réf {code}"
        yield name


def typed_copy(name: str, rng: random.Random) -> str:
    """A member's rendering of a catalog line they have in front of them: the reference and some
    words left out, the rest typed with the habits of `type_query`."""
    name = re.sub(r"\s+-?\s*r[ée]f\.?\s+\S+", "", name, flags=re.IGNORECASE)
    words = [w for w in name.replace(" - ", " ").split() if w not in "-"]
    kept = [w for w in words if any(c.isdigit() for c in w) or rng.random() < 0.75]
    if rng.random() < 0.2:
        rng.shuffle(kept)
    slips = 1 if rng.random() < 0.35 else 0
    for _ in range(slips):
        long_words = [i for i, w in enumerate(kept) if len(w) >= 5 and w.isalpha()]
        if long_words:
            i = rng.choice(long_words)
            kept[i] = typo(kept[i], rng)
    text = " ".join(kept)
    if rng.random() < 0.6:
        text = strip_accents(text)
    return text.lower() if rng.random() < 0.8 else text


def main() -> None:
    rng = random.Random(SEED)
    catalog = build_catalog(rng)
    DATA.mkdir(parents=True, exist_ok=True)
    with (DATA / "catalog.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["désignation", "catégorie"])
        for name, category, _, _ in catalog:
            writer.writerow([name, category])
    queries = labelled_queries(catalog, rng, 400)
    with (DATA / "queries.tsv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["query", "line", "product"])
        for query, line in queries:
            writer.writerow([query, line, catalog[line - 2][0]])
    print(f"{len(catalog)} products, {len(queries)} queries in {DATA.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
