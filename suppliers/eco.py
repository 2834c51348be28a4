"""The eco score of an offer: 0 to 100, with the evidence behind every point.

Four parts, their maximum points set in `suppliers/data/eco_config.json` (35 + 15 + 20 + 30):

- labels: valid labels of the product and of the supplier, the best ones summed, capped;
- social economy: the supplier's best status (ESAT, entreprise adaptée, SCOP, SCIC, ESS…);
- recycled content: in proportion to the share of recycled or reused material;
- transport: falls with the CO2 of carrying one tonne from the supplier to the delivery site.

Pure functions: plain facts in, an `EcoScore` out. The method is written up in
`docs/eco-score.md`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

DEFAULT_CONFIG = Path(__file__).with_name("data") / "eco_config.json"
EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), for great-circle distances."""

_SEPARATORS = re.compile(r"\s*(?:[,;/+&|]|\bet\b|\band\b)\s*")


class GeoPoint(NamedTuple):
    """A place in decimal degrees (WGS 84)."""

    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class LabelFact:
    """A label or certification as held: its name as written, and when it expires (if ever)."""

    name: str
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class OfferFacts:
    """What the score needs to know of an offer. `recycled_content` is a percentage (0–100);
    `weight_kg` (of one unit) only adds a per-unit CO2 figure to the evidence."""

    labels: tuple[LabelFact, ...] = ()
    recycled_content: Decimal | float | int | None = None
    weight_kg: Decimal | float | None = None

    @classmethod
    def from_label_text(
        cls,
        label: str | None,
        recycled_content: Decimal | float | int | None = None,
        weight_kg: Decimal | float | None = None,
    ) -> OfferFacts:
        """Facts from a catalog cell such as « FSC, Écolabel européen » (labels without expiry)."""
        return cls(split_labels(label), recycled_content, weight_kg)


@dataclass(frozen=True, slots=True)
class SupplierFacts:
    """What the score needs to know of a supplier."""

    labels: tuple[LabelFact, ...] = ()
    social_economy: str | None = None
    location: GeoPoint | None = None


@dataclass(frozen=True, slots=True)
class EcoPart:
    """One part of the score: its points out of `max_points`, and why (French)."""

    key: str
    name: str
    points: int
    max_points: int
    evidence: str


@dataclass(frozen=True, slots=True)
class EcoScore:
    """The score (0–100) and its breakdown; `total` is the sum of the parts' points."""

    total: int
    parts: tuple[EcoPart, ...]

    def part(self, key: str) -> EcoPart:
        """The part named `key`: `labels`, `social_economy`, `recycled_content` or `transport`."""
        return next(part for part in self.parts if part.key == key)


@dataclass(frozen=True, slots=True)
class EmissionFactor:
    """kg CO2e per tonne carried over one kilometre, with its public source."""

    value: float
    unit: str
    name: str
    source: str
    citation: str = ""
    identifier: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """A label or a social-economy status worth `points`, recognised by any of its aliases."""

    key: str
    name: str
    points: int
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EcoConfig:
    """The scoring table; see `suppliers/data/eco_config.json` for the values in force."""

    labels_max_points: int
    labels_best_count: int
    labels: tuple[Rule, ...]
    social_max_points: int
    statuses: tuple[Rule, ...]
    recycled_max_points: int
    transport_max_points: int
    zero_points_at_kg_per_tonne: float
    emission_factor: EmissionFactor

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EcoConfig:
        """Build and check a table: parts adding up to 100, positive factor, unique aliases."""
        parts = data["parts"]
        factor = EmissionFactor(**data["emission_factor"])
        config = cls(
            labels_max_points=int(parts["labels"]["max_points"]),
            labels_best_count=int(parts["labels"]["best_count"]),
            labels=_rules(data["labels"]),
            social_max_points=int(parts["social_economy"]["max_points"]),
            statuses=_rules(data["social_economy"]),
            recycled_max_points=int(parts["recycled_content"]["max_points"]),
            transport_max_points=int(parts["transport"]["max_points"]),
            zero_points_at_kg_per_tonne=float(
                parts["transport"]["zero_points_at_kg_co2e_per_tonne"]
            ),
            emission_factor=factor,
        )
        total = (
            config.labels_max_points
            + config.social_max_points
            + config.recycled_max_points
            + config.transport_max_points
        )
        if total != 100:
            raise ValueError(f"the parts' maximum points add up to {total}, not 100")
        if factor.value <= 0 or not factor.source.strip():
            raise ValueError("the emission factor needs a positive value and a cited source")
        if config.zero_points_at_kg_per_tonne <= 0 or config.labels_best_count < 1:
            raise ValueError("zero-points threshold and best-label count must be positive")
        return config

    def label(self, name: str) -> Rule | None:
        """The label a written name stands for (« Ecolabel européen », « EU Ecolabel »…)."""
        return _find(self.labels, name)

    def status(self, name: str) -> Rule | None:
        """The social-economy status a written name stands for (« SCOP », « ESAT »…)."""
        return _find(self.statuses, name)


def _rules(table: Mapping[str, Mapping[str, Any]]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for key, entry in table.items():
        aliases = tuple(fold(alias) for alias in (entry["name"], *entry.get("aliases", ())))
        for alias in aliases:
            if seen.setdefault(alias, key) != key:
                raise ValueError(f"alias {alias!r} names both {seen[alias]!r} and {key!r}")
        if int(entry["points"]) < 0:
            raise ValueError(f"{key!r} has negative points")
        rules.append(Rule(key, entry["name"], int(entry["points"]), aliases))
    return tuple(rules)


def _find(rules: Sequence[Rule], name: str) -> Rule | None:
    folded = fold(name)
    return next((rule for rule in rules if folded in rule.aliases), None)


@cache
def _default_config() -> EcoConfig:
    return load_eco_config(DEFAULT_CONFIG)


def load_eco_config(path: str | Path | None = None) -> EcoConfig:
    """The scoring table from a JSON file; the shipped table when `path` is None."""
    if path is None:
        return _default_config()
    return EcoConfig.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def fold(name: str) -> str:
    """Lower case, no accents, single spaces: « Imprim'Vert » → `imprim vert`."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.lower()).split())


def split_labels(text: str | None) -> tuple[LabelFact, ...]:
    """« FSC, PEFC / Écolabel européen » → three labels (separators: , ; / + & et and)."""
    names = (name.strip() for name in _SEPARATORS.split(text or ""))
    return tuple(LabelFact(name) for name in names if name)


def distance_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle (haversine) distance in km: the road is longer, but equally for everyone."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def transport_co2_kg(
    distance_km: float, weight_kg: float | Decimal, factor: float | EmissionFactor
) -> float:
    """kg CO2e of carrying `weight_kg` over `distance_km`: distance × tonnes × factor (per t·km)."""
    per_tonne_km = factor.value if isinstance(factor, EmissionFactor) else factor
    return distance_km * float(weight_kg) / 1000 * per_tonne_km


def eco_score(
    offer: OfferFacts,
    supplier: SupplierFacts,
    site: GeoPoint | None,
    on: date,
    config: EcoConfig | None = None,
) -> EcoScore:
    """The eco score of an offer delivered to `site`, with labels judged valid on `on`."""
    config = config or load_eco_config()
    distance = distance_km(supplier.location, site) if supplier.location and site else None
    return _score(offer, supplier, distance, "", on, config)


def offer_eco_score(
    offer: OfferFacts,
    supplier: SupplierFacts,
    sites: Sequence[GeoPoint],
    on: date,
    config: EcoConfig | None = None,
    site: GeoPoint | None = None,
) -> EcoScore:
    """One score per offer for the optimizer, whichever member it serves.

    With `site`, the score for that site. Otherwise the transport part uses the supplier's
    mean distance to the cooperative's delivery sites (list a site twice to weigh it twice):
    a mean of distances, not the distance to the sites' centroid, which would favour a
    supplier sitting between far-apart members.
    """
    if site is not None:
        return eco_score(offer, supplier, site, on, config)
    config = config or load_eco_config()
    distance, note = None, ""
    if supplier.location and sites:
        distance = sum(distance_km(supplier.location, s) for s in sites) / len(sites)
        note = f"distance moyenne aux {len(sites)} sites : " if len(sites) > 1 else ""
    return _score(offer, supplier, distance, note, on, config)


def _score(
    offer: OfferFacts,
    supplier: SupplierFacts,
    distance: float | None,
    distance_note: str,
    on: date,
    config: EcoConfig,
) -> EcoScore:
    parts = (
        _labels_part(offer, supplier, on, config),
        _social_part(supplier, config),
        _recycled_part(offer, config),
        _transport_part(offer, distance, distance_note, config),
    )
    return EcoScore(total=sum(part.points for part in parts), parts=parts)


def _labels_part(
    offer: OfferFacts, supplier: SupplierFacts, on: date, config: EcoConfig
) -> EcoPart:
    """Valid labels of the product and of the supplier count once each; the best
    `labels_best_count` are summed and capped. An expired label counts for nothing."""
    valid: dict[str, tuple[Rule, LabelFact, str]] = {}
    notes: list[str] = []
    held = [(fact, "produit") for fact in offer.labels]
    held += [(fact, "fournisseur") for fact in supplier.labels]
    for fact, holder in held:
        rule = config.label(fact.name)
        if rule is None:
            notes.append(f"« {fact.name} » ({holder}) : label non reconnu, 0 point")
        elif fact.expires_on is not None and fact.expires_on < on:
            notes.append(f"{rule.name} ({holder}) expiré le {fact.expires_on:%d/%m/%Y}, 0 point")
        elif rule.key not in valid or _until(fact) > _until(valid[rule.key][1]):
            valid[rule.key] = (rule, fact, holder)
    ranked = sorted(valid.values(), key=lambda item: (-item[0].points, item[0].name))
    counted, left_out = ranked[: config.labels_best_count], ranked[config.labels_best_count :]
    raw = sum(rule.points for rule, _, _ in counted)
    points = min(raw, config.labels_max_points)
    evidence = [
        f"{_held(rule, fact, holder)} : {_pts(rule.points)}" for rule, fact, holder in counted
    ]
    evidence += [
        f"{_held(rule, fact, holder)} : non compté, seuls les {len(counted)} meilleurs comptent"
        for rule, fact, holder in left_out
    ]
    if raw > points:
        evidence.append(f"plafonné à {_pts(points)}")
    evidence += notes
    return EcoPart(
        "labels",
        "Labels et certifications",
        points,
        config.labels_max_points,
        " ; ".join(evidence) or "aucun label",
    )


def _until(fact: LabelFact) -> date:
    return fact.expires_on or date.max


def _held(rule: Rule, fact: LabelFact, holder: str) -> str:
    """« FSC (produit), valable jusqu’au 31/12/2027 »."""
    if fact.expires_on is None:
        return f"{rule.name} ({holder}), sans date d’expiration"
    return f"{rule.name} ({holder}), valable jusqu’au {fact.expires_on:%d/%m/%Y}"


def _social_part(supplier: SupplierFacts, config: EcoConfig) -> EcoPart:
    """The supplier's best social-economy status (several may be written: « SCOP, ESUS »)."""
    named = [fact.name for fact in split_labels(supplier.social_economy)]
    known = [rule for name in named if (rule := config.status(name))]
    unknown = [name for name in named if config.status(name) is None]
    best = max(known, key=lambda rule: rule.points, default=None)
    points = min(best.points, config.social_max_points) if best else 0
    evidence = [f"{best.name} : {_pts(points)}"] if best else []
    evidence += [f"« {name} » : statut non reconnu, 0 point" for name in unknown]
    return EcoPart(
        "social_economy",
        "Économie sociale et solidaire",
        points,
        config.social_max_points,
        " ; ".join(evidence) or "aucun statut de l’économie sociale",
    )


def _recycled_part(offer: OfferFacts, config: EcoConfig) -> EcoPart:
    """Points in proportion to the recycled or reused share: 100 % earns the maximum."""
    name, top = "Matière recyclée ou réemployée", config.recycled_max_points
    if offer.recycled_content is None:
        return EcoPart("recycled_content", name, 0, top, "non renseigné, 0 point")
    share = min(max(float(offer.recycled_content), 0.0), 100.0)
    points = _round(top * share / 100)
    evidence = f"{_fr(share, 0)} % de matière recyclée : {_pts(points)}"
    return EcoPart("recycled_content", name, points, top, evidence)


def _transport_part(
    offer: OfferFacts, distance: float | None, note: str, config: EcoConfig
) -> EcoPart:
    """Full points for CO2-free delivery, none from `zero_points_at_kg_per_tonne` on, linear
    in between; the CO2 is that of one tonne carried from the supplier to the site."""
    name, top = "Transport", config.transport_max_points
    if distance is None:
        evidence = "distance inconnue (coordonnées du fournisseur ou du site manquantes), 0 point"
        return EcoPart("transport", name, 0, top, evidence)
    factor = config.emission_factor
    per_tonne = transport_co2_kg(distance, 1000, factor)
    points = _round(top * max(0.0, 1 - per_tonne / config.zero_points_at_kg_per_tonne))
    evidence = (
        f"{note}{_fr(distance, 0)} km × {_fr(factor.value, 4)} kg CO2e/t·km = "
        f"{_fr(per_tonne, 1)} kg CO2e par tonne livrée"
    )
    if offer.weight_kg:
        per_unit = transport_co2_kg(distance, offer.weight_kg, factor)
        evidence += f" (soit {_fr(per_unit, 3)} kg CO2e par unité de {_fr(offer.weight_kg, 3)} kg)"
    evidence += f" : {_pts(points)} (facteur « {factor.name} », {factor.citation or factor.source})"
    return EcoPart("transport", name, points, top, evidence)


def _round(value: float) -> int:
    """Half up, as people round: 27.5 → 28."""
    return math.floor(value + 0.5)


def _pts(points: int) -> str:
    return f"{points} point{'s' if abs(points) > 1 else ''}"


def _fr(value: float | Decimal, places: int) -> str:
    """French number: « 1 234,5 » with a no-break space between thousands."""
    written = f"{float(value):,.{places}f}".replace(",", "\u00a0").replace(".", ",")
    if "," in written:
        written = written.rstrip("0").rstrip(",")
    return written
