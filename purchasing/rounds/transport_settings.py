"""How the cooperative counts transport CO2, set by the lead: the emission factor of a km
driven with its source (dataset, version, line), and the road-detour coefficient that turns
distances as the crow flies into road distances, with its source. Until the lead sets them,
the defaults are in force and every page says so.

Each batch's problem is built with the values in force when its round closes, so that a batch
keeps the basis it was computed with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

import optimizer
from optimizer.problem import CO2_SOURCE
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Invalid, Message
from purchasing.models import TransportSettings
from purchasing.parsing import parse_decimal
from purchasing.permissions import PLAN_ROUNDS, require

DEFAULT_FACTOR = Decimal("0.25")
"""The optimizer's own factor, which `CO2_SOURCE` describes."""

DEFAULT_DETOUR = Decimal("1.3")
"""Road km per km as the crow flies when the lead has set none (docs/optimizer.md says where
this order of magnitude comes from)."""

DEFAULT_DETOUR_SOURCE = N_(
    "order of magnitude of the road circuity factors measured between great-circle and road "
    "distances (Ballou, Rahardja and Sakai, Transportation Research Part A 36, 2002)"
)

MAX_FACTOR = Decimal(10)
MAX_DETOUR = Decimal(3)


@dataclass(frozen=True)
class TransportBasis:
    """The values in force: the factor and its source (the optimizer's note when the default
    is used), the road-detour coefficient and its source."""

    co2_kg_per_km: Decimal
    co2_source: str
    factor_is_default: bool
    road_detour: Decimal
    road_detour_source: str
    detour_is_default: bool


@dataclass(frozen=True)
class TransportValues:
    """What the lead types: the factor with its dataset, version and line (all empty to come
    back to the default), and the coefficient with its source (empty for the default)."""

    co2_kg_per_km: str = ""
    co2_dataset: str = ""
    co2_version: str = ""
    co2_line: str = ""
    road_detour: str = ""
    road_detour_source: str = ""


def transport_settings(session: Session) -> TransportSettings:
    """The cooperative's transport settings (created empty on first use: defaults in force)."""
    settings = session.scalar(select(TransportSettings).order_by(TransportSettings.id).limit(1))
    if settings is None:
        settings = TransportSettings()
        session.add(settings)
        session.flush()
    return settings


def factor_source(settings: TransportSettings) -> str:
    """The factor's source in one line: `dataset, version, line`."""
    return ", ".join(
        part for part in (settings.co2_dataset, settings.co2_version, settings.co2_line) if part
    )


def transport_basis(session: Session) -> TransportBasis:
    """The factor and the coefficient in force, with their sources."""
    settings = transport_settings(session)
    factor, detour = settings.co2_kg_per_km, settings.road_detour
    return TransportBasis(
        co2_kg_per_km=factor if factor is not None else DEFAULT_FACTOR,
        co2_source=factor_source(settings) if factor is not None else CO2_SOURCE,
        factor_is_default=factor is None,
        road_detour=detour if detour is not None else DEFAULT_DETOUR,
        road_detour_source=settings.road_detour_source
        if detour is not None
        else DEFAULT_DETOUR_SOURCE,
        detour_is_default=detour is None,
    )


def base_policy(session: Session, order_date: date) -> optimizer.Policy:
    """The optimizer's policy a batch's problem is built with: the order date and the transport
    basis in force."""
    basis = transport_basis(session)
    return optimizer.Policy(
        order_date=order_date,
        co2_kg_per_km=basis.co2_kg_per_km,
        co2_source=basis.co2_source,
        road_detour=basis.road_detour,
    )


def _number(
    errors: dict[str, Message], name: str, raw: str, low: Decimal, high: Decimal
) -> Decimal | None:
    if not raw.strip():
        return None
    value = parse_decimal(raw)
    if value is None or not value.is_finite():
        errors[name] = Message(N_("Type a number, such as 0,25."))
        return None
    if not low <= value <= high:
        errors[name] = Message(
            N_("Type a number from %(low)s to %(high)s."), {"low": str(low), "high": str(high)}
        )
        return None
    return value


def set_transport_settings(
    session: Session, values: TransportValues, *, actor: Actor | None
) -> TransportSettings:
    """The lead sets the emission factor with its source and the road-detour coefficient with
    its source. A factor needs its dataset, its version and its line; a coefficient needs its
    source; an empty value brings the default back. Raises `Invalid` and changes nothing
    otherwise. Batches already closed keep the basis they were computed with."""
    require(actor, PLAN_ROUNDS)
    errors: dict[str, Message] = {}
    dataset, version, line = (
        values.co2_dataset.strip(),
        values.co2_version.strip(),
        values.co2_line.strip(),
    )
    factor = _number(errors, "co2_kg_per_km", values.co2_kg_per_km, Decimal("0.0001"), MAX_FACTOR)
    if factor is not None:
        needed = N_("Name the source of the factor: dataset, version and line.")
        for name, text in (("co2_dataset", dataset), ("co2_version", version), ("co2_line", line)):
            if not text:
                errors[name] = Message(needed)
    detour = _number(errors, "road_detour", values.road_detour, Decimal(1), MAX_DETOUR)
    detour_source = values.road_detour_source.strip()
    if detour is not None and not detour_source:
        errors["road_detour_source"] = Message(N_("Name the source of the coefficient."))
    if factor is not None and factor != factor.quantize(Decimal("0.0001")):
        errors["co2_kg_per_km"] = Message(N_("Four decimals at most."))
    if detour is not None and detour != detour.quantize(Decimal("0.01")):
        errors["road_detour"] = Message(N_("Two decimals at most."))
    if errors:
        raise Invalid(errors)
    settings = transport_settings(session)
    settings.co2_kg_per_km = factor
    settings.co2_dataset, settings.co2_version, settings.co2_line = (
        (dataset, version, line) if factor is not None else ("", "", "")
    )
    settings.road_detour = detour
    settings.road_detour_source = detour_source if detour is not None else ""
    settings.updated_by_id = actor.id if actor is not None else None
    session.flush()
    record_event(
        session,
        "transport.settings",
        "transport_settings",
        settings.id,
        co2_kg_per_km=str(factor) if factor is not None else None,
        co2_source=factor_source(settings),
        road_detour=str(detour) if detour is not None else None,
        actor=actor,
    )
    return settings
