"""The JSON formats of problem and result (documented in docs/optimizer.md), with their schemas."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, cast

import fastjsonschema
import jsonschema

from optimizer.problem import (
    CO2_SOURCE,
    DeliveryCost,
    InvalidProblem,
    Location,
    Need,
    Offer,
    Policy,
    PriceTier,
    Problem,
    Rules,
    Site,
    Supplier,
    Weights,
)

Json = dict[str, Any]


@cache
def schema(name: str) -> Json:
    """The JSON Schema ``problem`` or ``result``."""
    text = resources.files("optimizer").joinpath("schema", f"{name}.schema.json").read_text()
    return cast(Json, json.loads(text))


def _place(path: Iterable[object]) -> str:
    place = ""
    for part in path:
        place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else str(part))
    return place or "(document)"


@cache
def _compiled(name: str) -> Callable[[object], object]:
    """The schema compiled to Python by fastjsonschema (which knows drafts up to 7; the
    schema uses nothing of 2020-12 that draft 7 lacks)."""
    document = dict(schema(name))
    document["$schema"] = "http://json-schema.org/draft-07/schema#"
    return cast(Callable[[object], object], fastjsonschema.compile(document))


_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_DELIVERY_KEYS = {"supplier", "site", "cost_per_unit"}


def _plain_delivery_costs(items: object) -> bool:
    """Whether every delivery cost is a plain, valid item (the array can hold a cost per
    supplier and site: 100,000 items and more, checked here in one tight loop)."""
    if not isinstance(items, list):
        return False
    for item in items:
        if type(item) is not dict or item.keys() != _DELIVERY_KEYS:
            return False
        supplier, site, cost = item["supplier"], item["site"], item["cost_per_unit"]
        if type(supplier) is not str or type(site) is not str or not supplier or not site:
            return False
        if type(cost) is str:
            if not _DECIMAL.match(cost):
                return False
        elif type(cost) not in (int, Decimal, float):
            return False
    return True


def check_schema(data: object, name: str = "problem") -> None:
    """Raises :class:`InvalidProblem` at the first place ``data`` breaks the schema.

    A valid document is checked by the compiled schema (and the delivery costs by a tight
    loop); only an invalid one goes through jsonschema's validator, whose messages name the
    place and the reason."""
    checked = data
    if isinstance(data, dict) and _plain_delivery_costs(data.get("delivery_costs")):
        checked = {**data, "delivery_costs": []}
    with suppress(fastjsonschema.JsonSchemaException):
        _compiled(name)(checked)
        return
    validator = jsonschema.Draft202012Validator(schema(name))
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise InvalidProblem(_place(error.absolute_path), error.message)


def _decimal(value: object) -> Decimal:
    return Decimal(str(value)) if isinstance(value, str | int | float) else cast(Decimal, value)


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else _decimal(value)


def _date(place: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidProblem(place, f"not a valid date, got {value!r}") from None


def _location(data: Mapping[str, Any] | None) -> Location | None:
    if data is None:
        return None
    return Location(float(data["lat"]), float(data["lon"]))


def _each(kind: str, items: list[Json], build: Any) -> tuple[Any, ...]:
    built = []
    for i, item in enumerate(items):
        try:
            built.append(build(item, f"{kind}[{i}]"))
        except InvalidProblem as error:
            raise error if error.path.startswith(kind) else error.within(f"{kind}[{i}]") from None
    return tuple(built)


def _site(d: Json, place: str) -> Site:
    try:
        location = _location(d.get("location"))
    except InvalidProblem as error:
        raise error.within("location") from None
    return Site(d["id"], location)


def _supplier(d: Json, place: str) -> Supplier:
    try:
        location = _location(d.get("location"))
    except InvalidProblem as error:
        raise error.within("location") from None
    return Supplier(
        id=d["id"],
        delivery_fee=_decimal(d.get("delivery_fee", 0)),
        fee_waived_above=_optional_decimal(d.get("fee_waived_above")),
        location=location,
        local=d.get("local", False),
        social_economy=d.get("social_economy", False),
    )


def _offer(d: Json, place: str) -> Offer:
    tiers = []
    for i, t in enumerate(d["tiers"]):
        try:
            tiers.append(PriceTier(_decimal(t["from"]), _decimal(t["unit_price"])))
        except InvalidProblem as error:
            raise error.within(f"tiers[{i}]") from None
    return Offer(
        id=d["id"],
        supplier=d["supplier"],
        product=d["product"],
        pack_size=_decimal(d["pack_size"]),
        tiers=tuple(tiers),
        minimum_quantity=_decimal(d.get("minimum_quantity", 0)),
        capacity=_optional_decimal(d.get("capacity")),
        lead_time_days=d.get("lead_time_days", 0),
        eco_score=_decimal(d.get("eco_score", 50)),
    )


def _need(d: Json, place: str) -> Need:
    return Need(
        id=d["id"],
        member=d["member"],
        product=d["product"],
        quantity=_decimal(d["quantity"]),
        needed_by=_date(f"{place}.needed_by", d["needed_by"]),
        site=d["site"],
        tolerance=_decimal(d.get("tolerance", 0)),
        price_ceiling=_optional_decimal(d.get("price_ceiling")),
    )


def _delivery_cost(d: Json, place: str) -> DeliveryCost:
    return DeliveryCost(d["supplier"], d["site"], _decimal(d["cost_per_unit"]))


def _policy(d: Json) -> Policy:
    w, r = d.get("weights", {}), d.get("rules", {})
    try:
        weights = Weights(
            float(w.get("cost", 1.0)), float(w.get("delay", 0.0)), float(w.get("eco", 0.0))
        )
    except InvalidProblem as error:
        raise error.within("policy.weights") from None
    try:
        eco = r.get("min_average_eco")
        rules = Rules(
            min_average_eco=None if eco is None else float(eco),
            budget_cap=_optional_decimal(r.get("budget_cap")),
            max_suppliers_per_product=r.get("max_suppliers_per_product"),
            min_local_share=_optional_float(r.get("min_local_share")),
            min_social_economy_share=_optional_float(r.get("min_social_economy_share")),
            single_supplier_per_need=r.get("single_supplier_per_need", False),
        )
    except InvalidProblem as error:
        raise error.within("policy.rules") from None
    try:
        return Policy(
            order_date=_date("order_date", d["order_date"]),
            weights=weights,
            rules=rules,
            delivery_cost_per_unit_km=_decimal(d.get("delivery_cost_per_unit_km", 0)),
            co2_kg_per_km=_decimal(d.get("co2_kg_per_km", "0.25")),
            co2_source=d.get("co2_source", CO2_SOURCE),
            deliver_to_collection_point=d.get("deliver_to_collection_point", False),
            delivery_cost_per_km=_decimal(d.get("delivery_cost_per_km", 0)),
            road_detour=_decimal(d.get("road_detour", 1)),
        )
    except InvalidProblem as error:
        raise error.within("policy") from None


def _optional_float(value: object) -> float | None:
    return None if value is None else float(cast(Decimal, value))


def problem_from_dict(data: object) -> Problem:
    """A :class:`Problem` from parsed JSON, checked against the schema and then the rules of the
    dataclasses; errors name the JSON place, e.g. ``needs[3].quantity``."""
    check_schema(data, "problem")
    d = cast(Json, data)
    return Problem(
        needs=_each("needs", d["needs"], _need),
        offers=_each("offers", d["offers"], _offer),
        suppliers=_each("suppliers", d["suppliers"], _supplier),
        policy=_policy(d["policy"]),
        sites=_each("sites", d["sites"], _site),
        delivery_costs=_each("delivery_costs", d.get("delivery_costs", []), _delivery_cost),
        collection_point=d.get("collection_point"),
    )


def load_problem(text: str) -> Problem:
    """A :class:`Problem` from JSON text (numbers are read as exact decimals)."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InvalidProblem(
            f"line {error.lineno} column {error.colno}", f"not valid JSON: {error.msg}"
        ) from None
    return problem_from_dict(data)
