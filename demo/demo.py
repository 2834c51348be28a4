"""The demo cooperative: twenty-one member companies around Nancy, their suppliers and needs.

Loading is deterministic (a fixed random seed, dates counted from the day of loading) and
idempotent: a database that already holds the demo is left as it is. The cooperative comes with
its history (`demo.demo_history`): a round taken through the whole loop (its envelopes bought
on a tender's quote), a batch waiting for approval with four scenarios and a tender open on
one of its lines, and the open round. The ressourcerie's premises in Vandœuvre, near the middle
of the cooperative, are its collection point.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.demo_billing import bill_history
from demo.demo_data import (
    CATEGORIES,
    FREE_TEXT_NEEDS,
    MEMBERS,
    PRODUCTS,
    SHIPPING_STEPS,
    SUPPLIERS,
)
from demo.demo_history import past_needs, play_history
from demo.demo_supplier_invoices import settle_supplier_invoices
from demo.demo_tenders import demo_quote_link
from persistence.audit import DEMO_LOADER, record_event
from purchasing.models import DeliverySite, Member, Need, User
from purchasing.people.collection_point import declare_collection_point
from purchasing.people.cooperative import read_cooperative, update_cooperative
from purchasing.people.passwords import hash_password
from purchasing.rounds.rounds import set_rhythm
from purchasing.tenders.values import QuoteLinkFor
from suppliers.models import Category, Offer, PriceTier, Product, Supplier, SupplierLabel
from suppliers.siret import french_vat_number

DEMO_PASSWORD = "coachat-demo"
DEMO_ACCOUNTS = (
    ("admin", "admin@demo.coachat.fr", "Awa Diallo"),
    ("lead", "achats@demo.coachat.fr", "Julien Marchal"),
    ("member", "membre@demo.coachat.fr", "Claire Thiébaut"),
)
SEED = 54
COLLECTION_POINT_MEMBER = "Recyclerie du Plateau"  # in Vandœuvre-lès-Nancy
DEMO_RHYTHM = "0 10 * * 1"
# A cooperative society of collective interest in Nancy; its numbers carry valid check digits
# (the phone number is in a range ARCEP keeps for fiction).
DEMO_COOPERATIVE = {
    "name": "Coachat Grand Nancy",
    "legal_form": "SCIC SAS à capital variable",
    "siren": "894 127 653",
    "siret": "894 127 653 00018",
    "vat_number": "FR67894127653",
    "address": "18 rue de la Visitation",
    "postcode": "54000",
    "town": "Nancy",
    "country": "FR",
    "contact_name": "Julien Marchal",
    "email": "achats@demo.coachat.fr",
    "phone": "03 53 48 20 54",
    "iban": "FR76 4255 9100 0008 0041 2765 091",
    "bic": "CCOPFRPPXXX",
    "sepa_creditor_id": "FR06ZZZ8F3A21",
    "payment_terms_days": "30",
    "late_penalty_rate": "12",
}


@dataclass(frozen=True)
class DemoReport:
    loaded: bool
    members: int = 0
    suppliers: int = 0
    products: int = 0
    offers: int = 0
    needs: int = 0


def _siret(index: int, prefix: int) -> str:
    """A valid-looking SIRET that is the same at every load: a SIREN (8 digits and its Luhn
    check digit), the head office's establishment number 0001, the SIRET's Luhn check digit."""
    from stdnum import luhn

    body = f"{prefix:03d}{index:05d}"
    establishment = body + luhn.calc_check_digit(body) + "0001"
    return establishment + luhn.calc_check_digit(establishment)


def _money(value: float) -> Decimal:
    """A price as suppliers print them: to the cent, or to the tenth of a cent below 1 €."""
    step = Decimal("0.001") if value < 1 else Decimal("0.01")
    return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)


def is_loaded(session: Session) -> bool:
    return session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0][1])) is not None


def database_is_empty(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is None


def load_demo(
    session: Session, today: date, *, quote_link_for: QuoteLinkFor | None = None
) -> DemoReport:
    """Adds the demo cooperative unless it is there already; flushes, the caller commits.
    `quote_link_for` signs the links the demo's tender invitations carry (the application's
    base URL and secret, so that the open tender's links work where the demo is served)."""
    if is_loaded(session):
        return DemoReport(loaded=False)
    rng = random.Random(SEED)

    # Food for events is sold at the reduced rate; everything else at the standard rate.
    categories = [
        Category(
            name=name,
            vat_rate=Decimal("0.055") if name.startswith("Alimentation") else Decimal("0.20"),
        )
        for name in CATEGORIES
    ]
    session.add_all(categories)
    products = [
        Product(
            name=name,
            category=categories[cat],
            unit=unit,
            shipping_step=Decimal(SHIPPING_STEPS.get(name, "1")),
            description="",
        )
        for cat, name, unit, *_ in PRODUCTS
    ]
    session.add_all(products)

    members = []
    for index, (name, activity, address, postcode, town, lat, lon) in enumerate(MEMBERS):
        member = Member(
            name=name,
            siret=_siret(index + 1, 812),
            activity=activity,
            address=address,
            postcode=postcode,
            town=town,
            latitude=lat,
            longitude=lon,
        )
        member.sites.append(
            DeliverySite(
                name="Siège",
                address=address,
                postcode=postcode,
                town=town,
                latitude=lat,
                longitude=lon,
            )
        )
        members.append(member)
    # Two members also take deliveries at a second site.
    members[0].sites.append(
        DeliverySite(
            name="Atelier mobile",
            address="Parc de la Pépinière",
            postcode="54000",
            town="Nancy",
            latitude=48.6975,
            longitude=6.1850,
        )
    )
    members[13].sites.append(
        DeliverySite(
            name="Parcelles de Foug",
            address="Chemin des Jardins",
            postcode="54570",
            town="Foug",
            latitude=48.6833,
            longitude=5.7833,
        )
    )
    session.add_all(members)

    suppliers = []
    for index, row in enumerate(SUPPLIERS):
        name, town, postcode, lat, lon, _cats, ess, labels, fee, waiver, _factor, _lead = row
        siret = _siret(index + 1, 433)
        supplier = Supplier(
            name=name,
            siret=siret,
            # Fictitious, but valid: the demo's e-invoices name their seller by these.
            siren=siret[:9],
            vat_number=french_vat_number(siret[:9]),
            town=town,
            postcode=postcode,
            address=f"{rng.randint(1, 120)} rue de l'Industrie",
            latitude=lat,
            longitude=lon,
            social_economy=ess,
            contact_name="Service commercial",
            contact_email=f"commandes@{_slug(name)}.example",
            phone=f"03 83 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            delivery_fee=_money(fee).quantize(Decimal("0.01")),
            fee_waived_above=_money(waiver).quantize(Decimal("0.01")),
            delivery_cost_per_km=Decimal("0.0001"),
        )
        for label in labels:
            supplier.labels.append(
                SupplierLabel(name=label, expires_on=today + timedelta(days=rng.randint(120, 900)))
            )
        suppliers.append(supplier)
    session.add_all(suppliers)

    offers = _offers(rng, products, suppliers, today)
    session.add_all(offers)

    users = _users(members)
    session.add_all(users)
    session.flush()
    # Before the history: the orders it sends name the cooperative as its record does.
    update_cooperative(session, read_cooperative(DEMO_COOPERATIVE), actor=DEMO_LOADER)
    # The ressourcerie has room: suppliers may deliver there and members fetch their goods.
    depot = next(member for member in members if member.name == COLLECTION_POINT_MEMBER)
    declare_collection_point(session, depot.sites[0].id, actor=DEMO_LOADER)

    needs = _needs(rng, members, products, users, today)
    # Everyday needs went through the whole loop three weeks ago, a third of these wait in a
    # batch for the lead's approval; the others are in the open round.
    lead = next(user for user in users if user.role == "lead")
    past = past_needs(random.Random(SEED + 1), members, products, today)
    waiting = [n for i, n in enumerate(needs) if i % 3 == 1 and n.product is not None]
    play_history(session, lead, past, waiting, today, quote_link_for or demo_quote_link)
    bill_history(session, lead, today)
    admin = next(user for user in users if user.role == "admin")
    settle_supplier_invoices(session, lead, admin, today)
    still_open = [n for n in needs if n not in waiting]
    session.add_all(still_open)
    session.flush()
    # The cooperative pools every Monday at 10:00; the first round is open.
    set_rhythm(session, DEMO_RHYTHM, actor=DEMO_LOADER)
    record_event(session, "demo.load", "cooperative", None, actor=DEMO_LOADER, members=len(members))
    return DemoReport(
        loaded=True,
        members=len(members),
        suppliers=len(suppliers),
        products=len(products),
        offers=len(offers),
        needs=len(still_open),
    )


def _slug(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_name.lower()).split())


def _offers(
    rng: random.Random, products: list[Product], suppliers: list[Supplier], today: date
) -> list[Offer]:
    """About four offers a product, from the suppliers of its category, with volume tiers."""
    offers = []
    for product_index, (cat, _name, _unit, base, pack, label, recycled) in enumerate(PRODUCTS):
        sellers = [s for s, row in zip(suppliers, SUPPLIERS, strict=True) if cat in row[5]]
        rng.shuffle(sellers)
        for seller_rank, supplier in enumerate(sellers[: rng.randint(3, 5)]):
            row = SUPPLIERS[suppliers.index(supplier)]
            factor = row[10] * rng.uniform(0.93, 1.09)
            price = _money(base * factor)
            tiers = [PriceTier(min_quantity=Decimal(1), unit_price=price)]
            step = max(pack, 1) * rng.choice((5, 10, 20))
            for discount in (0.94, 0.88)[: rng.randint(0, 2)]:
                tiers.append(
                    PriceTier(
                        min_quantity=Decimal(step), unit_price=_money(float(price) * discount)
                    )
                )
                step *= 4
            has_label = label is not None and rng.random() < 0.7
            reference = f"{_slug(row[0])[:3].upper()}-{product_index + 1:03d}-{seller_rank}"
            offers.append(
                Offer(
                    supplier=supplier,
                    product=products[product_index],
                    supplier_ref=reference,
                    description=products[product_index].name,
                    pack_size=Decimal(pack),
                    min_order_quantity=Decimal(pack * rng.choice((1, 1, 2, 5))),
                    capacity=Decimal(pack * rng.choice((200, 500, 1000)))
                    if rng.random() < 0.3
                    else None,
                    lead_time_days=max(1, row[11] + rng.randint(-1, 3)),
                    label=label if has_label else None,
                    recycled_content=recycled if has_label else int(recycled * rng.random() * 0.5),
                    vat_rate=Decimal("0.055") if cat == 6 else Decimal("0.20"),
                    valid_from=today - timedelta(days=30),
                    valid_until=today + timedelta(days=rng.randint(180, 540)),
                    tiers=tiers,
                )
            )
    return offers


def _users(members: list[Member]) -> list[User]:
    """One account per role, and one for each member company's purchasing contact."""
    password = hash_password(DEMO_PASSWORD)
    users = []
    for role, email, name in DEMO_ACCOUNTS:
        users.append(
            User(
                email=email,
                name=name,
                role=role,
                member=members[0] if role == "member" else None,
                password_hash=password,
            )
        )
    for index, member in enumerate(members[1:], start=2):
        users.append(
            User(
                email=f"membre{index}@demo.coachat.fr",
                name=f"Contact {member.name}",
                role="member",
                member=member,
                password_hash=password,
            )
        )
    return users


def _needs(
    rng: random.Random,
    members: list[Member],
    products: list[Product],
    users: list[User],
    today: date,
) -> list[Need]:
    """Eighty open needs, a few of them still free text awaiting a catalog match."""
    by_member = {user.member_id: user for user in users if user.member_id is not None}
    needs = []
    for index in range(80):
        member = members[index % len(members)]
        site = member.sites[rng.randrange(len(member.sites))]
        if index % 16 == 5:
            product = None
            quantity = Decimal(rng.choice((2, 5, 10, 20)))
            unit = "unit"
        else:
            product_index = rng.randrange(len(products))
            product = products[product_index]
            pack = PRODUCTS[product_index][4]
            # Small packs get odd quantities, so that tolerances and whole packs matter.
            odd = rng.choice((0, 0, -1, 3)) if pack <= 10 else 0
            quantity = Decimal(max(1, pack * rng.choice((1, 2, 3, 4, 6, 10)) + odd))
            # what a member asks is shipped in whole steps (5 L cans): rounded up to one
            step = product.shipping_step
            quantity = (quantity / step).to_integral_value(ROUND_CEILING) * step
            unit = product.unit
        needs.append(
            Need(
                member=member,
                product=product,
                free_text="" if product else FREE_TEXT_NEEDS[(index // 16) % len(FREE_TEXT_NEEDS)],
                quantity=quantity,
                unit=unit,
                tolerance_percent=rng.choice((0, 0, 5, 10, 20)),
                needed_by=today + timedelta(days=rng.randint(10, 60)),
                delivery_site=site,
                price_ceiling=None,
                comment="",
                status="submitted",
                created_by=by_member.get(member.id),
            )
        )
    return needs
