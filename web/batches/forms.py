"""The lead's forms on a batch: the weights and rules of a new scenario, a rejection."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from purchasing.rounds.policies import ScenarioPolicy

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


def policy_form_data(policy: ScenarioPolicy) -> dict[str, Any]:
    """A policy as the form shows it: its weights as the percentages they counted for, so that
    a policy kept from before weights had to total 100 is offered as one that does."""
    cost, delay, eco = policy.percentages

    def text(value: object) -> str:
        return "" if value is None else str(value)

    return {
        "cost": str(cost),
        "delay": str(delay),
        "eco": str(eco),
        "min_average_eco": text(policy.min_average_eco),
        "budget_cap": text(policy.budget_cap),
        "max_suppliers_per_product": text(policy.max_suppliers_per_product),
        "min_local_share": text(policy.min_local_share),
        "min_social_economy_share": text(policy.min_social_economy_share),
        "single_supplier_per_need": policy.single_supplier_per_need,
        "time_limit": str(policy.time_limit),
        "deliver_to_collection_point": policy.deliver_to_collection_point,
        "delivery_cost_per_km": text(policy.delivery_cost_per_km),
    }


class RejectForm(FlaskForm):
    """Why the lead rejects the batch."""

    comment = TextAreaField(_l("Why is the batch rejected?"))
