"""The lead sets how transport CO2 is counted: the emission factor with its source and the
road-detour coefficient with its source; until then the defaults are in force and say so."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from optimizer.problem import CO2_SOURCE
from persistence.audit import AuditEvent
from purchasing.errors import Invalid, NotAllowed
from purchasing.models import Batch, TransportSettings
from purchasing.rounds.rounds import close_round
from purchasing.rounds.transport_settings import (
    DEFAULT_DETOUR,
    DEFAULT_DETOUR_SOURCE,
    TransportValues,
    set_transport_settings,
    transport_basis,
)

SET = TransportValues(
    co2_kg_per_km="0,31",
    co2_dataset="ADEME Base Empreinte",
    co2_version="23.11",
    co2_line="Véhicule utilitaire léger, gazole, 28000",
    road_detour="1,25",
    road_detour_source="relevé sur nos tournées de 2026",
)


def test_until_set_the_defaults_are_in_force_and_say_so(session):
    basis = transport_basis(session)
    assert basis.factor_is_default and basis.detour_is_default
    assert (basis.co2_kg_per_km, basis.co2_source) == (Decimal("0.25"), CO2_SOURCE)
    assert (basis.road_detour, basis.road_detour_source) == (DEFAULT_DETOUR, DEFAULT_DETOUR_SOURCE)
    assert Decimal("1.3") == DEFAULT_DETOUR


def test_the_lead_sets_the_factor_with_its_source_and_rounds_closed_then_use_it(session, make):
    set_transport_settings(session, SET, actor=None)
    basis = transport_basis(session)
    assert not basis.factor_is_default and not basis.detour_is_default
    assert basis.co2_kg_per_km == Decimal("0.31") and basis.road_detour == Decimal("1.25")
    assert (
        basis.co2_source == "ADEME Base Empreinte, 23.11, Véhicule utilitaire léger, gazole, 28000"
    )
    member, supplier, paper = make.member(), make.supplier(), make.product()
    make.offer(paper, supplier)
    make.need(member, paper, quantity="10")
    closed = close_round(session, actor=None)
    policy = session.get(Batch, closed.batch_id).problem["policy"]
    assert (policy["co2_kg_per_km"], policy["road_detour"]) == ("0.31", "1.25")
    assert policy["co2_source"] == basis.co2_source
    assert session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "transport.settings")
    )
    # empty values bring the defaults back
    set_transport_settings(session, TransportValues(), actor=None)
    assert transport_basis(session).factor_is_default


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (TransportValues(co2_kg_per_km="0,3"), "co2_dataset"),
        (TransportValues(co2_kg_per_km="beaucoup", co2_dataset="a", co2_version="b", co2_line="c"),
         "co2_kg_per_km"),
        (TransportValues(co2_kg_per_km="0", co2_dataset="a", co2_version="b", co2_line="c"),
         "co2_kg_per_km"),
        (TransportValues(road_detour="0,9", road_detour_source="x"), "road_detour"),
        (TransportValues(road_detour="1,3"), "road_detour_source"),
        (TransportValues(road_detour="1,333", road_detour_source="x"), "road_detour"),
    ],
)  # fmt: skip
def test_a_value_without_its_source_or_out_of_range_is_refused_and_nothing_changes(
    session, values, field
):
    with pytest.raises(Invalid) as refused:
        set_transport_settings(session, values, actor=None)
    assert field in refused.value.errors
    assert transport_basis(session).factor_is_default
    assert session.scalar(select(func.count(TransportSettings.id))) <= 1
    assert transport_basis(session).detour_is_default


def test_only_a_lead_sets_how_transport_co2_is_counted(session, make):
    member_user = make.user("member", member=make.member())
    with pytest.raises(NotAllowed):
        set_transport_settings(session, SET, actor=member_user)
    assert transport_basis(session).factor_is_default
    set_transport_settings(session, SET, actor=make.user("lead"))
    assert not transport_basis(session).factor_is_default
