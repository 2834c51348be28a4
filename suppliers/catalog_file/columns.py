"""Recognising a price list's columns by their headers, in French or English.

Headers are compared after folding case, accents and punctuation, so « Réf. fournisseur »,
« REF FOURNISSEUR » and « ref_fournisseur » are the same header. Price tiers are read from
the header itself (« Prix dès 10 », « price 100+ ») or from numbered pairs
(« Qté palier 2 » / « Prix palier 2 »).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from suppliers.catalog_file.values import Cell, text

REQUIRED = ("reference", "name", "price")
"""A row needs a reference, a name and a price (the base price or at least one tier)."""

LABELS = {
    "reference": "référence",
    "name": "désignation",
    "category": "catégorie",
    "unit": "unité",
    "pack_size": "colisage",
    "price": "prix",
    "min_order_quantity": "quantité minimum",
    "capacity": "capacité",
    "lead_time_days": "délai",
    "label": "label",
    "recycled_content": "contenu recyclé",
    "vat_rate": "TVA",
    "valid_from": "début de validité",
    "valid_until": "fin de validité",
}
"""Every field a column can hold, with its French name for messages."""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": (
        "ref fournisseur", "reference fournisseur", "supplier ref", "supplier reference",
        "reference", "ref", "ref article", "reference article", "ref produit",
        "reference produit", "ref catalogue", "code article", "code produit", "sku",
        "item code", "product code", "item number", "part number", "code",
    ),
    "name": (
        "designation", "libelle", "produit", "nom du produit", "nom produit", "nom",
        "intitule", "libelle article", "designation article", "name", "product name",
        "product", "item name", "item", "title", "description",
    ),
    "category": (
        "categorie", "category", "famille", "famille de produits", "rayon", "gamme",
        "categorie produit", "product category",
    ),
    "unit": (
        "unite", "unit", "unite de vente", "unite de mesure", "uv", "um", "uom",
        "unit of measure", "sales unit",
    ),
    "pack_size": (
        "conditionnement", "colisage", "pack size", "pack", "qte par colis",
        "quantite par colis", "nombre par colis", "unites par colis", "par colis", "lot",
        "pcb", "units per pack", "pack quantity", "case size",
    ),
    "price": (
        "prix unitaire ht", "prix unitaire", "prix ht", "pu ht", "prix", "pu",
        "prix de vente ht", "prix net ht", "prix net", "tarif ht", "tarif", "price",
        "unit price", "unit price excl vat", "price excl vat", "net price",
    ),
    "min_order_quantity": (
        "quantite minimum", "quantite minimale", "qte minimum", "qte min", "qte mini",
        "minimum de commande", "minimum commande", "quantite minimum de commande",
        "qte minimum de commande", "moq", "min order", "minimum order", "min order qty",
        "min order quantity", "minimum order quantity", "min qty", "minimum",
    ),
    "capacity": (
        "capacite", "capacity", "capacite par tournee", "capacite par commande",
        "quantite disponible", "qte disponible", "disponible", "stock", "available",
        "available quantity", "max quantity",
    ),
    "lead_time_days": (
        "delai jours", "delai", "delai de livraison", "delai livraison", "delai j",
        "delai de livraison jours", "lead time", "lead time days", "delivery time",
        "delivery days",
    ),
    "label": (
        "label", "labels", "ecolabel", "eco label", "ecolabels", "certification",
        "certifications", "label environnemental",
    ),
    "recycled_content": (
        "contenu recycle", "taux de recycle", "part recyclee", "matiere recyclee",
        "taux de matiere recyclee", "recycle", "pourcentage recycle", "recycled content",
        "recycled",
    ),
    "vat_rate": ("tva", "taux tva", "taux de tva", "vat", "vat rate", "tax rate"),
    "valid_from": (
        "valable du", "valable a partir du", "valable des", "valide du", "debut de validite",
        "date de debut", "date debut", "debut", "valid from", "start date", "from",
    ),
    "valid_until": (
        "valable jusqu au", "valable au", "valide jusqu au", "fin de validite",
        "date de fin", "date fin", "fin", "date d expiration", "expiration", "valid until",
        "valid to", "end date", "expiry", "until",
    ),
}  # fmt: skip

_PRICE = (
    r"(?:prix|price|tarif|pu|cout|cost)(?: unitaire| unit)?(?: ht| net| hors taxes?| excl vat)?"
)
_FROM = r"(?:(?:a partir de|des|from|qte|quantite|qty|quantity|min|minimum|de) )*"
_TIER_FROM = re.compile(
    rf"{_PRICE} {_FROM}(\d+)(?: (?:a|au|to) (\d+)| (\d+))?"
    r"(?: (?:et plus|et|and more|and over|and up|plus|u|unites|pcs|pieces|ex))?"
)
_STEP = r"(?:palier|tier|niveau|level|tranche)"
_QUANTITY = r"(?:qte|quantite|qty|quantity|seuil|qte min|quantite min|min|a partir de|des)"
_TIER_QUANTITY = (
    re.compile(rf"{_QUANTITY} {_STEP} (\d+)"),
    re.compile(rf"{_STEP} (\d+) {_QUANTITY}"),
)
_TIER_PRICE = (re.compile(rf"{_PRICE} {_STEP} (\d+)"), re.compile(rf"{_STEP} (\d+) {_PRICE}"))
_TTC = re.compile(r"\bttc\b")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_PARENTHESES = re.compile(r"[(\[][^)\]]*[)\]]")
_THOUSANDS = re.compile(r"(?<=\d)[\s\u00a0\u202f.](?=\d{3}(?!\d))")
_TIER_KEY = re.compile(r"(price_from|tier_quantity|tier_price):(\d+)")

_LOOKUP = {
    synonym: (key, rank) for key, names in SYNONYMS.items() for rank, synonym in enumerate(names)
}


def fold(header: str) -> str:
    """Lower case, no accents, one space between words: « Réf. Fournisseur » → `ref fournisseur`."""
    decomposed = unicodedata.normalize("NFKD", header.replace("œ", "oe").replace("Œ", "oe"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.lower()).split())


def recognise(header: str) -> tuple[str, int] | None:
    """The field a header names and how plainly (0 is the most usual name), or None.

    Tier columns come back as `price_from:<quantity>`, `tier_quantity:<n>` or `tier_price:<n>`.
    """
    joined = _THOUSANDS.sub("", header)
    for candidate in (fold(joined), fold(_PARENTHESES.sub(" ", joined))):
        if not candidate or _TTC.search(candidate):
            continue
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
        for pattern in _TIER_QUANTITY:
            if match := pattern.fullmatch(candidate):
                return f"tier_quantity:{int(match.group(1))}", 0
        for pattern in _TIER_PRICE:
            if match := pattern.fullmatch(candidate):
                return f"tier_price:{int(match.group(1))}", 0
        if (match := _TIER_FROM.fullmatch(candidate)) and not _YEAR.fullmatch(match.group(1)):
            return f"price_from:{int(match.group(1))}", 0
        # « Tarif 2025 » is this year's price list, not a tier from 2 025 units.
        without_year = " ".join(_YEAR.sub(" ", candidate).split())
        if without_year != candidate and without_year in _LOOKUP:
            return _LOOKUP[without_year]
    return None


def header_score(row: Sequence[Cell]) -> int:
    """How many cells of a row are known column names; picks the header row."""
    return sum(1 for cell in row if isinstance(cell, str) and recognise(cell) is not None)


def is_known_field(key: str) -> bool:
    """A field name a mapping may use: one of `LABELS` or a tier key such as `price_from:10`."""
    return key in LABELS or _TIER_KEY.fullmatch(key) is not None


def field_label(key: str) -> str:
    """The French name of a field, tiers included (« prix dès 10 », « quantité du palier 2 »)."""
    if key in LABELS:
        return LABELS[key]
    kind, _, number = key.partition(":")
    return {
        "price_from": f"prix dès {number}",
        "tier_quantity": f"quantité du palier {number}",
        "tier_price": f"prix du palier {number}",
    }[kind]


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column holds which field, as detected or as adjusted by the caller.

    `fields` maps a field (`reference`, `price`, `price_from:10`, `tier_price:2`…) to the header
    as written in the file; it can be edited and passed back as `read_catalog(mapping=...)`.
    """

    header_line: int
    headers: tuple[str, ...]
    fields: dict[str, str]
    unmapped: tuple[str, ...]
    indexes: dict[str, int] = field(repr=False, compare=False)

    @property
    def by_header(self) -> dict[str, str]:
        """Header → field, for the mapped columns."""
        return {header: key for key, header in self.fields.items()}


def map_columns(
    header_line: int, row: Sequence[Cell], overrides: Mapping[str, str | None] | None = None
) -> tuple[ColumnMapping, list[tuple[str, str]]]:
    """Match each header to a field; explicit `overrides` ({field: header or None}) win.

    Returns the mapping and the whole-file problems as (code, French message) pairs:
    an override naming a missing header, a missing required column, two columns for one tier.
    """
    headers = tuple(text(cell) for cell in row)
    problems: list[tuple[str, str]] = []
    chosen: dict[str, tuple[int, int]] = {}  # field → (rank, column index)
    taken: set[int] = set()
    for key, wanted in (overrides or {}).items():
        if not is_known_field(key):
            raise ValueError(f"unknown catalog field {key!r}")
        if wanted is None or not wanted.strip():
            chosen[key] = (-1, -1)
            continue
        index = _find_header(headers, wanted)
        if index is None:
            problems.append(("unknown_column", f"colonne « {wanted} » introuvable dans le fichier"))
            continue
        chosen[key] = (-1, index)
        taken.add(index)
    tier_columns: dict[str, list[str]] = {}
    for index, header in enumerate(headers):
        found = recognise(header) if index not in taken else None
        if found is None:
            continue
        key, rank = found
        if key.startswith("price_from:"):
            tier_columns.setdefault(key, []).append(header)
        if key not in chosen or (rank, index) < chosen[key]:
            chosen[key] = (rank, index)
    for key, names in tier_columns.items():
        if len(names) > 1 and chosen[key][0] >= 0:
            listed = " et ".join(f"« {name} »" for name in names)
            problems.append(
                ("duplicate_column", f"deux colonnes pour le {field_label(key)} : {listed}")
            )
    indexes = {key: index for key, (_, index) in chosen.items() if index >= 0}
    problems.extend(_missing(indexes, headers))
    mapping = ColumnMapping(
        header_line=header_line,
        headers=headers,
        fields={key: headers[i] for key, i in sorted(indexes.items(), key=lambda kv: kv[1])},
        unmapped=tuple(h for i, h in enumerate(headers) if i not in indexes.values() and h),
        indexes=indexes,
    )
    return mapping, problems


def _find_header(headers: Sequence[str], wanted: str) -> int | None:
    if wanted in headers:
        return headers.index(wanted)
    folded = [fold(header) for header in headers]
    return folded.index(fold(wanted)) if fold(wanted) in folded else None


def _missing(indexes: Mapping[str, int], headers: Sequence[str]) -> list[tuple[str, str]]:
    problems = []
    has_tiers = any(key.startswith(("price_from:", "tier_price:")) for key in indexes)
    for key in REQUIRED:
        if key in indexes or (key == "price" and has_tiers):
            continue
        examples = {
            "reference": "« Réf. fournisseur », « Référence » ou « SKU »",
            "name": "« Désignation », « Libellé » ou « Produit »",
            "price": "« Prix unitaire HT », « Prix » ou « Prix dès 10 »",
        }[key]
        message = f"colonne obligatoire introuvable : {LABELS[key]} (par exemple {examples})"
        if key == "price" and (ttc := [h for h in headers if _TTC.search(fold(h))]):
            message += f" ; « {ttc[0]} » est un prix TTC, donnez les prix hors taxes"
        problems.append(("missing_column", message))
    for key in indexes:
        kind, _, number = key.partition(":")
        partner = {"tier_quantity": "tier_price", "tier_price": "tier_quantity"}.get(kind)
        if partner and f"{partner}:{number}" not in indexes:
            problems.append(
                (
                    "missing_column",
                    f"colonne « {headers[indexes[key]]} » sans sa colonne "
                    f"{field_label(f'{partner}:{number}')}",
                )
            )
    return problems
