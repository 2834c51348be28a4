"""What a scenario's transport CO2 is made of, with names instead of ids, so that anyone can
check it: the emission factor and its source, the collection point if suppliers deliver there,
each round trip (who drives, from where, the stops in visiting order, km, CO2), and the same
purchase bought alone.

For the lead, every tour of the batch. For a member, the tours that carry its goods with its
share of each (a supplier's tour is shared among the members it serves in proportion to each
one's own round trip from that supplier, as the optimizer shares the tour's CO2 and price), its
own pick-ups at the collection point, and the round trips each supplier would have made to it
alone. A member's figures are computed once (`member_co2`) and read by its statement's page,
PDF, CSV and API. Other members' stops are shown by their town only: a member sees the road,
not who else bought.

It reads and changes nothing; the result is read with `purchasing.results.read_result`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from optimizer.solution import Solution, TransportBasis
from optimizer.tours import Tour as PlannedTour
from optimizer.tours import tour_co2_shares
from purchasing.errors import N_
from purchasing.models import DeliverySite, Member
from purchasing.results import as_id, read_result
from suppliers.models import Supplier

ZERO = Decimal(0)

DEFAULT_SOURCE = N_(
    "order of magnitude for a diesel light commercial van (about 0.25 kg CO2e per km); "
    "set it from ADEME Base Empreinte for your vehicles"
)
"""The optimizer's own note on its default factor (`optimizer.problem.CO2_SOURCE`), here to be
translated."""


@dataclass(frozen=True)
class Place:
    """A delivery site on a tour: its name, its member's, its town; `own` when the reader may
    see its name: the reader's own site or the collection point (every site, for the lead)."""

    site_id: int
    site: str
    member: str
    town: str
    own: bool = True


@dataclass(frozen=True)
class Tour:
    """One round trip: a supplier's delivery (from the supplier) or a member's pick-up (from
    one of its sites to the collection point). `share_kg` is the reader's part of its CO2 on
    a member's statement (None on the lead's page)."""

    kind: str
    by: str
    start: str
    start_town: str
    stops: tuple[Place, ...]
    km: Decimal
    co2_kg: Decimal
    share_kg: Decimal | None = None
    cost: Decimal = ZERO


class _Counted:
    """What the lead's and a member's view of the transport both tell."""

    source: str
    co2_kg: Decimal
    alone_co2_kg: Decimal
    delivery_cost_per_km: Decimal
    road_detour: Decimal

    @property
    def tours_priced(self) -> bool:
        """Whether each delivery round trip has a price (the lead's price per km)."""
        return self.delivery_cost_per_km > 0

    @property
    def co2_avoided_kg(self) -> Decimal:
        return self.alone_co2_kg - self.co2_kg

    @property
    def source_is_default(self) -> bool:
        """Whether the source is the optimizer's own note, which the interface translates."""
        return self.source == DEFAULT_SOURCE


@dataclass(frozen=True)
class Transport(_Counted):
    """How a scenario's transport CO2 is counted. `source` is the factor's source as the
    optimizer gave it (`DEFAULT_SOURCE`, translated by the interface, unless set otherwise);
    `delivery_cost_per_km` the price of a km of a supplier's round trip (0: delivery priced per
    unit only)."""

    co2_kg_per_km: Decimal
    source: str
    collection_point: Place | None
    tours: tuple[Tour, ...]
    km: Decimal
    co2_kg: Decimal
    alone_km: Decimal
    alone_co2_kg: Decimal
    delivery_cost_per_km: Decimal = ZERO
    road_detour: Decimal = Decimal(1)


@dataclass(frozen=True)
class MemberTransport(_Counted):
    """One member's part of a scenario's transport: its share of the tours that carry its
    goods, its pick-ups, and the tours of the same purchase bought alone."""

    co2_kg_per_km: Decimal
    source: str
    collection_point: Place | None
    tours: tuple[Tour, ...]
    alone_tours: tuple[Tour, ...]
    co2_kg: Decimal
    alone_co2_kg: Decimal
    delivery_cost_per_km: Decimal = ZERO
    road_detour: Decimal = Decimal(1)
    reason: Co2Reason | None = None


@dataclass
class _Names:
    sites: dict[int, DeliverySite]
    suppliers: dict[int, Supplier]
    members: dict[int, str]
    point: int | None


def _names(session: Session, tours: Iterable[PlannedTour], point: str | None) -> _Names:
    site_ids: set[int] = set()
    supplier_ids: set[int] = set()
    member_ids: set[int] = set()
    for tour in tours:
        site_ids |= {n for stop in tour.stops if (n := as_id(stop)) is not None}
        by, start = as_id(tour.by), as_id(tour.start)
        if tour.kind == "pickup":
            member_ids |= {by} if by is not None else set()
            site_ids |= {start} if start is not None else set()
        else:
            supplier_ids |= {by} if by is not None else set()
    point_id = as_id(point) if point else None
    if point_id is not None:
        site_ids.add(point_id)
    sites = {
        site.id: site
        for site in session.scalars(
            select(DeliverySite)
            .where(DeliverySite.id.in_(site_ids))
            .options(selectinload(DeliverySite.member))
        )
    }
    suppliers = {
        supplier.id: supplier
        for supplier in session.scalars(select(Supplier).where(Supplier.id.in_(supplier_ids)))
    }
    members = dict(
        session.execute(select(Member.id, Member.name).where(Member.id.in_(member_ids))).all()
    )
    return _Names(sites, suppliers, {number: name for number, name in members.items()}, point_id)


def _place(names: _Names, key: str, reader: int | None = None) -> Place:
    site = names.sites.get(as_id(key) or 0)
    if site is None:
        return Place(0, f"#{key}", "", "", reader is None)
    own = reader is None or site.member_id == reader or site.id == names.point
    return Place(site.id, site.name, site.member.name, site.town, own)


def _tour(
    names: _Names, planned: PlannedTour, reader: int | None, share: Decimal | None = None
) -> Tour:
    stops = tuple(_place(names, stop, reader) for stop in planned.stops)
    if planned.kind == "pickup":
        start = _place(names, planned.start, reader)
        by = names.members.get(as_id(planned.by) or 0, f"#{planned.by}")
        start_name, start_town = start.site, start.town
    else:
        supplier = names.suppliers.get(as_id(planned.by) or 0)
        by = supplier.name if supplier is not None else f"#{planned.by}"
        start_name, start_town = by, supplier.town if supplier is not None else ""
    return Tour(
        kind=planned.kind,
        by=by,
        start=start_name,
        start_town=start_town,
        stops=stops,
        km=planned.km,
        co2_kg=planned.co2_kg,
        share_kg=share,
        cost=planned.cost,
    )


def _in_order(tours: Sequence[Tour]) -> tuple[Tour, ...]:
    """Deliveries first, by supplier, then pick-ups, by member."""
    return tuple(sorted(tours, key=lambda t: (t.kind != "delivery", t.by.casefold(), t.start)))


def _counted(result: Mapping[str, Any]) -> Solution | None:
    """The result read back; None for one kept before transport was counted (it has no
    transport section at all, which is not the same as a transport of no tours)."""
    if not isinstance(result.get("transport"), Mapping):
        return None
    return read_result(result)


def _source(basis: TransportBasis) -> str:
    return basis.co2_source or DEFAULT_SOURCE


def _detour(basis: TransportBasis) -> Decimal:
    """The road km counted per km as the crow flies (1 in results computed before it)."""
    return max(basis.road_detour, Decimal(1))


def transport_of(session: Session, result: Mapping[str, Any]) -> Transport | None:
    """The scenario's transport for the lead; None for a result that has none."""
    solution = _counted(result)
    if solution is None:
        return None
    basis, indicators = solution.transport, solution.indicators
    point = basis.collection_point
    names = _names(session, solution.tours, point)
    return Transport(
        co2_kg_per_km=basis.co2_kg_per_km,
        source=_source(basis),
        collection_point=_place(names, point) if point else None,
        tours=_in_order([_tour(names, tour, None) for tour in solution.tours]),
        km=indicators.transport_km,
        co2_kg=indicators.transport_co2_kg,
        alone_km=indicators.alone_km,
        alone_co2_kg=indicators.alone_co2_kg,
        delivery_cost_per_km=basis.delivery_cost_per_km,
        road_detour=_detour(basis),
    )


def _shares(solution: Solution) -> dict[tuple[str, str], Decimal]:
    alone = {member.member: member.alone_tours for member in solution.members}
    return {
        (supplier, member): kg
        for supplier, by_member in tour_co2_shares(list(solution.tours), alone).items()
        for member, kg in by_member.items()
    }


def tour_shares(result: Mapping[str, Any]) -> dict[tuple[str, str], Decimal]:
    """Each member's share of each supplier's delivery tour, by (supplier, member) ids: the
    tour's CO2 shared in proportion to the CO2 of each member's own round trip from that
    supplier, to the gram, by the optimizer's own rule (`optimizer.tours.tour_co2_shares`)."""
    return _shares(read_result(result))


class Co2Reason(enum.Enum):
    """Why pooling takes more CO2 for a member than buying alone, when it does."""

    COLLECTION_POINT = "collection_point"
    """Suppliers deliver to the collection point: their round trips there and the member's
    pick-ups from it are not the suppliers' round trips to the member's own site."""
    LONGER_TOUR = "longer_tour"
    """A supplier's round trip through every member's sites is longer than the members' own
    round trips from it together (the tour found is a good one, not always the shortest)."""


@dataclass(frozen=True)
class MemberCo2:
    """A member's transport CO2 for a scenario, computed once and read by every page and file
    of its statement: its share of each tour (`tours`: the optimizer's tour with the member's
    share in kg, pick-ups whole), the round trips it would have made alone, their totals and,
    when pooling emits more for it than alone, why."""

    tours: tuple[tuple[PlannedTour, Decimal], ...]
    alone_tours: tuple[PlannedTour, ...]
    co2_kg: Decimal
    alone_co2_kg: Decimal
    reason: Co2Reason | None

    @property
    def co2_avoided_kg(self) -> Decimal:
        """Negative when pooling emits more for the member than buying alone."""
        return self.alone_co2_kg - self.co2_kg


def _member_co2(solution: Solution, member_id: int) -> MemberCo2 | None:
    key = str(member_id)
    member = next((row for row in solution.members if row.member == key), None)
    if member is None:
        return None
    shares = _shares(solution)
    mine: list[tuple[PlannedTour, Decimal]] = []
    for tour in solution.tours:
        if tour.kind == "pickup" and tour.by == key:
            mine.append((tour, tour.co2_kg))  # a pick-up is the member's own
        elif tour.kind == "delivery" and (tour.by, key) in shares:
            mine.append((tour, shares[(tour.by, key)]))
    co2 = sum((share for _, share in mine), ZERO)
    alone_co2 = sum((tour.co2_kg for tour in member.alone_tours), ZERO)
    reason = None
    if co2 > alone_co2:
        reason = (
            Co2Reason.COLLECTION_POINT
            if solution.transport.collection_point
            else Co2Reason.LONGER_TOUR
        )
    return MemberCo2(tuple(mine), member.alone_tours, co2, alone_co2, reason)


def member_co2(result: Mapping[str, Any], member_id: int) -> MemberCo2 | None:
    """The member's transport CO2 in the scenario `result`; None when the result has no
    transport or does not concern the member. The totals are the sums of the tours shown:
    pooled, the member's shares; alone, its own round trips."""
    solution = _counted(result)
    return _member_co2(solution, member_id) if solution is not None else None


def member_transport(
    session: Session, result: Mapping[str, Any], member_id: int
) -> MemberTransport | None:
    """The member's part of the scenario's transport, with names (`member_co2`'s figures);
    None when the result has no transport or does not concern the member."""
    solution = _counted(result)
    co2 = _member_co2(solution, member_id) if solution is not None else None
    if solution is None or co2 is None:
        return None
    basis = solution.transport
    point = basis.collection_point
    names = _names(session, [tour for tour, _ in co2.tours] + list(co2.alone_tours), point)
    return MemberTransport(
        co2_kg_per_km=basis.co2_kg_per_km,
        source=_source(basis),
        collection_point=_place(names, point) if point else None,
        tours=_in_order([_tour(names, tour, member_id, share) for tour, share in co2.tours]),
        alone_tours=_in_order([_tour(names, tour, member_id) for tour in co2.alone_tours]),
        co2_kg=co2.co2_kg,
        alone_co2_kg=co2.alone_co2_kg,
        delivery_cost_per_km=basis.delivery_cost_per_km,
        road_detour=_detour(basis),
        reason=co2.reason,
    )


def closed_with_point(session: Session, problem: Mapping[str, Any]) -> Place | None:
    """The collection point a batch was closed with (its stored problem's), if any: the one
    its scenarios can have suppliers deliver to."""
    point = problem.get("collection_point")
    if not point:
        return None
    return _place(_names(session, [], str(point)), str(point))
