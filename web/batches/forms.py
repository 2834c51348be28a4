"""The lead's forms on a batch: the weights and rules of a new scenario, a rejection."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

POLICY_FIELDS = (
    "cost",
    "delay",
    "eco",
    "min_average_eco",
    "budget_cap",
    "max_suppliers_per_product",
    "min_local_share",
    "min_social_economy_share",
    "time_limit",
    "delivery_cost_per_km",
)


class ScenarioForm(FlaskForm):
    """Weights and hard rules of a scenario; `purchasing.rounds.policies.read_policy` checks
    them."""

    cost = StringField(_l("Cost weight (%)"))
    delay = StringField(_l("Delay weight (%)"))
    eco = StringField(_l("Ecology weight (%)"))
    min_average_eco = StringField(_l("Minimum average eco score (0–100)"))
    budget_cap = StringField(_l("Budget cap, excl. VAT (€)"))
    max_suppliers_per_product = StringField(_l("At most this many suppliers per product"))
    min_local_share = StringField(_l("Minimum share from local suppliers (%)"))
    min_social_economy_share = StringField(_l("Minimum share from the social economy (%)"))
    single_supplier_per_need = BooleanField(_l("One supplier per need"))
    time_limit = StringField(_l("Time limit (seconds)"))
    deliver_to_collection_point = BooleanField(_l("Suppliers deliver to the collection point"))
    delivery_cost_per_km = StringField(_l("Price of a delivery round trip (€ per km)"))

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: (self[name].data or "") for name in POLICY_FIELDS}
        values["single_supplier_per_need"] = bool(self.single_supplier_per_need.data)
        values["deliver_to_collection_point"] = bool(self.deliver_to_collection_point.data)
        return values


def policy_form_data(policy: dict[str, Any]) -> dict[str, Any]:
    """A stored policy (`ScenarioPolicy.as_json()`) as the form shows it."""
    weights = policy.get("weights") or {}
    rules = policy.get("rules") or {}

    def text(value: object) -> str:
        return "" if value is None else str(value)

    return {
        "cost": text(weights.get("cost", 60)),
        "delay": text(weights.get("delay", 10)),
        "eco": text(weights.get("eco", 30)),
        "min_average_eco": text(rules.get("min_average_eco")),
        "budget_cap": text(rules.get("budget_cap")),
        "max_suppliers_per_product": text(rules.get("max_suppliers_per_product")),
        "min_local_share": text(rules.get("min_local_share")),
        "min_social_economy_share": text(rules.get("min_social_economy_share")),
        "single_supplier_per_need": bool(rules.get("single_supplier_per_need")),
        "time_limit": text(policy.get("time_limit", 30)),
        "deliver_to_collection_point": bool(rules.get("deliver_to_collection_point")),
        "delivery_cost_per_km": text(rules.get("delivery_cost_per_km")),
    }


class RejectForm(FlaskForm):
    """Why the lead rejects the batch."""

    comment = TextAreaField(_l("Why is the batch rejected?"))
