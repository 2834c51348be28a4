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

from optimizer.groups import Reason
from optimizer.jsonfields import Fields
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
    Product,
    Rules,
    Site,
    Supplier,
    Weights,
)
from optimizer.solution import (
    Allocation,
    Indicators,
    MemberTotal,
    NeedResult,
    OrderLine,
    RunnerUp,
    Solution,
    SupplierOrder,
    TransportBasis,
)
from optimizer.solve import SolverReport, Status
from optimizer.tours import Tour

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


def _product(d: Json, place: str) -> Product:
    return Product(d["id"], _decimal(d["shipping_step"]))


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
        products=_each("products", d.get("products", []), _product),
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


# Reading a result back ---------------------------------------------------------------------


def _tour_read(d: Fields) -> Tour:
    return Tour(
        kind=d.one_of("kind", ("delivery", "pickup")),
        by=d.id("by"),
        start=d.id("start"),
        stops=d.ids("stops"),
        km=d.decimal("km"),
        co2_kg=d.decimal("co2_kg"),
        cost=d.decimal("cost"),
    )


def _runner_up_read(d: Fields | None) -> RunnerUp | None:
    if d is None:
        return None
    return RunnerUp(
        offer=d.id("offer"),
        supplier=d.id("supplier"),
        unit_price=d.decimal("unit_price"),
        money=d.decimal("money"),
        days=d.whole("days"),
        eco=d.decimal("eco"),
    )


def _allocation_read(d: Fields) -> Allocation:
    return Allocation(
        need=d.id("need"),
        member=d.id("member"),
        offer=d.id("offer"),
        supplier=d.id("supplier"),
        quantity=d.decimal("quantity"),
        packs=d.decimal("packs"),
        unit_price=d.decimal("unit_price"),
        tier=d.whole("tier"),
        goods=d.decimal("goods"),
        fee_share=d.decimal("fee_share"),
        delivery=d.decimal("delivery"),
        runner_up=_runner_up_read(d.object("runner_up")),
    )


def _order_read(d: Fields) -> SupplierOrder:
    lines = tuple(
        OrderLine(
            offer=line.id("offer"),
            product=line.id("product"),
            packs=line.whole("packs"),
            quantity=line.decimal("quantity"),
            tier=line.whole("tier"),
            unit_price=line.decimal("unit_price"),
            goods=line.decimal("goods"),
        )
        for line in d.objects("lines")
    )
    return SupplierOrder(
        supplier=d.id("supplier"),
        lines=lines,
        goods=d.decimal("goods"),
        fee=d.decimal("fee"),
        delivery=d.decimal("delivery"),
    )


def _need_read(d: Fields) -> NeedResult:
    return NeedResult(
        need=d.id("need"),
        member=d.id("member"),
        status=d.one_of("status", ("served", "partial", "unmet")),
        served=d.decimal("served"),
        received=d.decimal("received"),
        unmet=d.decimal("unmet"),
        reason=None if d.data.get("reason") is None else d.choice("reason", Reason),
    )


def _member_read(d: Fields) -> MemberTotal:
    return MemberTotal(
        member=d.id("member"),
        goods=d.decimal("goods"),
        fees=d.decimal("fees"),
        delivery=d.decimal("delivery"),
        alone=d.decimal("alone_total"),
        co2_kg=d.decimal("co2_kg"),
        alone_co2_kg=d.decimal("alone_co2_kg"),
        fully_served=d.flag("fully_served"),
        alone_tours=tuple(_tour_read(t) for t in d.objects("alone_tours")),
    )


def _indicators_read(d: Fields, suppliers: int) -> Indicators:
    return Indicators(
        goods=d.decimal("goods"),
        fees=d.decimal("fees"),
        delivery=d.decimal("delivery"),
        eco_score=d.optional_decimal("eco_score"),
        average_lead_days=d.optional_decimal("average_lead_days"),
        transport_co2_kg=d.decimal("transport_co2_kg"),
        alone_total=d.decimal("alone_total"),
        alone_co2_kg=d.decimal("alone_co2_kg"),
        needs_served=d.whole("needs_served"),
        needs_partial=d.whole("needs_partial"),
        needs_unmet=d.whole("needs_unmet"),
        transport_km=d.decimal("transport_km"),
        alone_km=d.decimal("alone_km"),
        suppliers_used=d.whole("suppliers_used") if "suppliers_used" in d.data else suppliers,
    )


def _report_read(d: Fields, status: Status) -> SolverReport:
    return SolverReport(
        status=status,
        solver=d.text("solver"),
        objective=d.optional_float("objective"),
        bound=d.optional_float("bound"),
        gap=d.optional_float("gap"),
        build_seconds=d.optional_float("build_seconds") or 0.0,
        solve_seconds=d.optional_float("solve_seconds") or 0.0,
        variables=d.whole("variables"),
        integer_variables=d.whole("integer_variables"),
        constraints=d.whole("constraints"),
        groups=d.whole("groups"),
        message=d.text("message"),
    )


def result_from_dict(data: object) -> Solution:
    """A :class:`Solution` from a result in the documented JSON format, as written by
    :func:`optimizer.jsonout.result_to_dict` and kept since.

    Ids and statuses must be there and well formed; a figure left out reads as zero (or as
    absent where the format allows null), a list left out as empty, and keys it does not know
    are ignored, so that results kept before a key was added still read. Anything else raises
    :class:`InvalidResult` naming the place, e.g. ``allocations[2].quantity``."""
    d = Fields(data, "")
    status = d.choice("status", Status)
    orders = tuple(_order_read(o) for o in d.objects("orders"))
    allocations = tuple(_allocation_read(a) for a in d.objects("allocations"))
    transport = d.object("transport") or Fields({}, "transport")
    suppliers = len({o.supplier for o in orders} | {a.supplier for a in allocations})
    return Solution(
        report=_report_read(d.object("report") or Fields({}, "report"), status),
        orders=orders,
        allocations=allocations,
        needs=tuple(_need_read(n) for n in d.objects("needs")),
        members=tuple(_member_read(m) for m in d.objects("members")),
        indicators=_indicators_read(d.object("indicators") or Fields({}, "indicators"), suppliers),
        tours=tuple(_tour_read(t) for t in transport.objects("tours")),
        transport=TransportBasis(
            co2_kg_per_km=transport.decimal("co2_kg_per_km"),
            co2_source=transport.text("co2_source"),
            collection_point=transport.text("collection_point") or None,
            delivery_cost_per_km=transport.decimal("delivery_cost_per_km"),
            road_detour=transport.optional_decimal("road_detour") or Decimal(1),  # 1 in older ones
        ),
    )
