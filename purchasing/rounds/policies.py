"""The lead's policy for one scenario: weights, hard rules and the solver's time limit.

Every policy typed anywhere (the batch page, the API, the command line) is read by
`read_policy`, with the defaults of `ScenarioPolicy`; a policy kept with its scenario as plain
JSON (``as_json``) is read back by `policy_from_json`. The canonical form (``key``) makes the
same batch and the same policy give the same scenario.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import optimizer
from purchasing.errors import N_, Invalid, Message
from purchasing.parsing import parse_decimal

DEFAULT_TIME_LIMIT = 30
MAX_TIME_LIMIT = 600
MAX_BUDGET = Decimal("100000000")
MAX_PER_KM = Decimal("100")
CENT = Decimal("0.01")


WEIGHTS = ("cost", "delay", "eco")


@dataclass(frozen=True)
class ScenarioPolicy:
    """Weights in percent totalling 100, the hard rules, a time limit, and how delivery is
    priced: to the collection point or to each site, and, when set, euros per km of each
    supplier's delivery tour (None: the cooperative's per-unit rates only).

    Its field defaults are the cooperative's defaults, written nowhere else. A policy kept
    from before weights had to total 100 keeps its weights as typed; their proportions are
    what the optimizer used (`percentages`)."""

    cost: int = 60
    delay: int = 10
    eco: int = 30
    min_average_eco: Decimal | None = None
    budget_cap: Decimal | None = None
    max_suppliers_per_product: int | None = None
    min_local_share: int | None = None
    min_social_economy_share: int | None = None
    single_supplier_per_need: bool = False
    time_limit: int = DEFAULT_TIME_LIMIT
    deliver_to_collection_point: bool = False
    delivery_cost_per_km: Decimal | None = None

    def as_json(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else f"{value.normalize():f}"

        rules: dict[str, Any] = {
            "min_average_eco": text(self.min_average_eco),
            "budget_cap": text(self.budget_cap),
            "max_suppliers_per_product": self.max_suppliers_per_product,
            "min_local_share": self.min_local_share,
            "min_social_economy_share": self.min_social_economy_share,
            "single_supplier_per_need": self.single_supplier_per_need,
        }
        # Only when asked, so that the policies kept before the option keep their keys.
        if self.deliver_to_collection_point:
            rules["deliver_to_collection_point"] = True
        if self.delivery_cost_per_km is not None:
            rules["delivery_cost_per_km"] = text(self.delivery_cost_per_km)
        return {
            "weights": {"cost": self.cost, "delay": self.delay, "eco": self.eco},
            "rules": rules,
            "time_limit": self.time_limit,
        }

    @property
    def weights(self) -> tuple[int, int, int]:
        """The weights as kept: cost, delay, eco."""
        return self.cost, self.delay, self.eco

    @property
    def percentages(self) -> tuple[int, int, int]:
        """The share of each weight in whole percent, totalling 100: what the optimizer weighed
        the scenario with (the weights themselves, unless kept from before they had to total
        100). Rounded by the largest remainder."""
        total = sum(self.weights)
        if total in (0, 100):
            return self.weights
        exact = [Decimal(100 * weight) / total for weight in self.weights]
        whole = [int(share) for share in exact]
        for i in sorted(range(3), key=lambda i: (whole[i] - exact[i], i))[: 100 - sum(whole)]:
            whole[i] += 1
        return whole[0], whole[1], whole[2]

    @property
    def key(self) -> str:
        """The policy in canonical form, hashed: equal policies have equal keys."""
        canonical = json.dumps(self.as_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def for_optimizer(self, order_date: date, base: optimizer.Policy) -> optimizer.Policy:
        """The optimizer's policy: these weights, rules and delivery choices with `base`'s rates
        (its price per km unless this policy sets one), emission factor and road detour."""
        return optimizer.Policy(
            order_date=order_date,
            weights=optimizer.Weights(float(self.cost), float(self.delay), float(self.eco)),
            rules=optimizer.Rules(
                min_average_eco=None
                if self.min_average_eco is None
                else float(self.min_average_eco),
                budget_cap=self.budget_cap,
                max_suppliers_per_product=self.max_suppliers_per_product,
                min_local_share=None
                if self.min_local_share is None
                else self.min_local_share / 100,
                min_social_economy_share=None
                if self.min_social_economy_share is None
                else self.min_social_economy_share / 100,
                single_supplier_per_need=self.single_supplier_per_need,
            ),
            delivery_cost_per_unit_km=base.delivery_cost_per_unit_km,
            co2_kg_per_km=base.co2_kg_per_km,
            co2_source=base.co2_source,
            road_detour=base.road_detour,
            deliver_to_collection_point=self.deliver_to_collection_point,
            delivery_cost_per_km=base.delivery_cost_per_km
            if self.delivery_cost_per_km is None
            else self.delivery_cost_per_km,
        )


def _whole(
    errors: dict[str, Message], name: str, raw: object, low: int, high: int, message: Message
) -> int | None:
    if raw in (None, ""):
        return None
    number = parse_decimal(raw)
    if number is None or number != number.to_integral_value() or not low <= number <= high:
        errors[name] = message
        return None
    return int(number)


def _flag(raw: object) -> bool:
    return raw is True or str(raw or "").strip().lower() in ("1", "true", "on", "yes", "y")


def read_policy(raw: Mapping[str, object]) -> ScenarioPolicy:
    """Checks the weights and rules the lead typed; raises `Invalid` naming each wrong field.

    `raw` holds strings as a form sends them (or numbers): cost, delay, eco (whole percentages
    that total 100; all three left out: the defaults, one left out or empty: 0),
    min_average_eco, budget_cap, max_suppliers_per_product, min_local_share,
    min_social_economy_share (percent), single_supplier_per_need, time_limit (seconds),
    deliver_to_collection_point (suppliers deliver to the cooperative's collection point),
    delivery_cost_per_km (euros per km of each supplier's delivery tour; empty: none)."""
    return _read(raw, must_total_100=True)


def _read(raw: Mapping[str, object], *, must_total_100: bool) -> ScenarioPolicy:
    errors: dict[str, Message] = {}
    weight_message = Message(N_("A weight is a whole number from 0 to 100."))
    typed = {name: raw.get(name) for name in WEIGHTS}
    if all(value is None for value in typed.values()):
        typed = {name: getattr(DEFAULT, name) for name in WEIGHTS}
    weights = {
        name: _whole(errors, name, typed[name] or "0", 0, 100, weight_message) for name in WEIGHTS
    }
    total = sum(weight or 0 for weight in weights.values())
    if not errors and total == 0:
        errors["cost"] = Message(N_("At least one weight must be above zero."))
    elif not errors and must_total_100 and total != 100:
        errors["cost"] = Message(
            N_("The weights are percentages and must total 100; these total %(total)d."),
            {"total": total},
        )

    floor: Decimal | None = None
    if raw.get("min_average_eco") not in (None, ""):
        floor = parse_decimal(raw.get("min_average_eco"))
        if floor is None or not 0 <= floor <= 100:
            errors["min_average_eco"] = Message(
                N_("The minimum eco score is a number from 0 to 100.")
            )
            floor = None

    budget: Decimal | None = None
    if raw.get("budget_cap") not in (None, ""):
        budget = parse_decimal(raw.get("budget_cap"))
        if budget is None or budget < 0 or budget > MAX_BUDGET:
            errors["budget_cap"] = Message(
                N_("The budget cap is an amount in euros, zero or more.")
            )
            budget = None

    per_km: Decimal | None = None
    if raw.get("delivery_cost_per_km") not in (None, ""):
        per_km = parse_decimal(raw.get("delivery_cost_per_km"))
        if per_km is None or not 0 <= per_km <= MAX_PER_KM or per_km != per_km.quantize(CENT):
            errors["delivery_cost_per_km"] = Message(
                N_("The price per km is an amount in euros from 0 to %(maximum)s, to the cent."),
                {"maximum": f"{MAX_PER_KM}"},
            )
            per_km = None

    max_suppliers = _whole(
        errors,
        "max_suppliers_per_product",
        raw.get("max_suppliers_per_product"),
        1,
        1000,
        Message(N_("The number of suppliers per product is a whole number from 1.")),
    )
    share_message = Message(N_("A share is a whole percentage from 0 to 100."))
    local = _whole(errors, "min_local_share", raw.get("min_local_share"), 0, 100, share_message)
    social = _whole(
        errors,
        "min_social_economy_share",
        raw.get("min_social_economy_share"),
        0,
        100,
        share_message,
    )
    time_limit = _whole(
        errors,
        "time_limit",
        raw.get("time_limit") or DEFAULT_TIME_LIMIT,
        1,
        MAX_TIME_LIMIT,
        Message(
            N_("The time limit is a whole number of seconds from 1 to %(maximum)d."),
            {"maximum": MAX_TIME_LIMIT},
        ),
    )
    if errors:
        raise Invalid(errors)
    return ScenarioPolicy(
        cost=weights["cost"] or 0,
        delay=weights["delay"] or 0,
        eco=weights["eco"] or 0,
        min_average_eco=floor,
        budget_cap=budget,
        max_suppliers_per_product=max_suppliers,
        min_local_share=local,
        min_social_economy_share=social,
        single_supplier_per_need=_flag(raw.get("single_supplier_per_need")),
        time_limit=time_limit or DEFAULT_TIME_LIMIT,
        deliver_to_collection_point=_flag(raw.get("deliver_to_collection_point")),
        delivery_cost_per_km=per_km,
    )


def policy_from_json(data: Mapping[str, Any]) -> ScenarioPolicy:
    """A kept policy read back (the inverse of `ScenarioPolicy.as_json`). Its weights are read
    as kept, even from before they had to total 100, so that the scenario keeps what it was
    computed with."""
    weights = data.get("weights") or {}
    rules = data.get("rules") or {}
    return _read(
        {
            **{name: weights.get(name) for name in WEIGHTS},
            "min_average_eco": rules.get("min_average_eco"),
            "budget_cap": rules.get("budget_cap"),
            "max_suppliers_per_product": rules.get("max_suppliers_per_product"),
            "min_local_share": rules.get("min_local_share"),
            "min_social_economy_share": rules.get("min_social_economy_share"),
            "single_supplier_per_need": rules.get("single_supplier_per_need", False),
            "time_limit": data.get("time_limit"),
            "deliver_to_collection_point": rules.get("deliver_to_collection_point", False),
            "delivery_cost_per_km": rules.get("delivery_cost_per_km"),
        },
        must_total_100=False,
    )


DEFAULT = ScenarioPolicy()
"""The cooperative's default policy (60 % cost, 10 % delay, 30 % ecology)."""
