"""Importing a supplier's price list: a preview first, then all of it or nothing.

`plan_import` reads the file, checks every row, matches each line to a catalog product and says
what would be created, updated and deactivated; `apply_import` writes exactly that plan and keeps
a journal of it, from which `suppliers.import_undo` can undo it. A file with a single bad row gives
a plan that cannot be applied. A line whose price, unit or pack contradicts the product it matched
is never matched automatically (see `suppliers.import_safeguards`), and the offers missing from
the file are deactivated only when the lead says the file is the supplier's complete catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from persistence.audit import Actor, record_event
from suppliers.catalog_file import CatalogFile, CatalogRow, read_catalog
from suppliers.duplicates import find_duplicate_suppliers
from suppliers.errors import N_, Message
from suppliers.import_safeguards import ProductFacts, line_doubts, product_facts
from suppliers.import_undo import offer_state
from suppliers.matching import ProductMatcher, Verdict, classify
from suppliers.models import STANDING, Category, Offer, PriceTier, Product, ProductMatch, Supplier

DEFAULT_CATEGORY = "Divers"
PREVIEW_LINES = 500


@dataclass(frozen=True)
class ProductChoice:
    """Which catalog product an imported line is for, and how sure we are.

    `verdict`: `known` (the supplier reference is already in the catalog), `auto` (matched above
    the threshold), `review` (matched, but the lead should confirm), `new` (a new product);
    `reasons` say why a line is not matched automatically.
    """

    verdict: str
    product_id: int | None
    product_name: str
    score: float | None
    reasons: tuple[Message, ...]
    candidates: tuple[tuple[int, str, float], ...] = ()


@dataclass(frozen=True)
class PlannedLine:
    row: CatalogRow
    action: str  # "create" or "update"
    offer_id: int | None
    product: ProductChoice


@dataclass
class ImportPlan:
    """What importing the file would do; only an `ok` plan can be applied.

    `missing` lists the supplier's active offers the file does not have; they are in
    `deactivate` only when the plan was made for a complete catalog.
    """

    supplier_id: int
    catalog: CatalogFile
    lines: list[PlannedLine] = field(default_factory=list)
    missing: list[tuple[int, str, str]] = field(default_factory=list)
    complete: bool = False
    duplicates: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def deactivate(self) -> list[tuple[int, str, str]]:
        return self.missing if self.complete else []

    @property
    def ok(self) -> bool:
        return self.catalog.ok

    def counts(self) -> dict[str, int]:
        counts = {
            "create": 0,
            "update": 0,
            "missing": len(self.missing),
            "deactivate": len(self.deactivate),
        }
        for verdict in ("known", "auto", "review", "new"):
            counts[verdict] = 0
        for line in self.lines:
            counts[line.action] += 1
            counts[line.product.verdict] += 1
        return counts

    def summary(self) -> dict[str, Any]:
        """The plan as plain JSON data, for the preview page and the command line."""
        catalog = self.catalog
        columns = catalog.columns
        return {
            "ok": self.ok,
            "format": catalog.format,
            "encoding": catalog.encoding,
            "delimiter": catalog.delimiter,
            "sheet": catalog.sheet,
            "columns": {
                "headers": list(columns.headers) if columns else [],
                "fields": dict(columns.fields) if columns else {},
                "unmapped": list(columns.unmapped) if columns else [],
            },
            "messages": catalog.messages,
            "error_count": len(catalog.errors) + len(catalog.file_errors),
            "rows": len(catalog.rows),
            "counts": self.counts(),
            "lines": [
                {
                    "line": line.row.line,
                    "reference": line.row.reference,
                    "name": line.row.name,
                    "price": str(line.row.base_price),
                    "tiers": len(line.row.price_tiers),
                    "pack_size": str(line.row.pack_size),
                    "action": line.action,
                    "verdict": line.product.verdict,
                    "product": line.product.product_name,
                    "score": line.product.score,
                    "reasons": [reason.to_data() for reason in line.product.reasons],
                }
                for line in self.lines[:PREVIEW_LINES]
            ],
            "complete": self.complete,
            "missing": [
                {"offer_id": offer_id, "reference": ref, "name": name}
                for offer_id, ref, name in self.missing
            ],
            "duplicates": [
                {"supplier_id": supplier_id, "name": name, "reason": reason}
                for supplier_id, name, reason in self.duplicates
            ],
        }


@dataclass(frozen=True)
class ImportResult:
    """What an import did; `journal` is what undoing it needs (see `suppliers.import_undo`)."""

    created: int
    updated: int
    deactivated: int
    new_products: int
    to_review: int
    journal: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deactivated": self.deactivated,
            "new_products": self.new_products,
            "to_review": self.to_review,
        }


def product_matcher(session: Session) -> ProductMatcher:
    """A matcher over the active catalog products, keyed by product id."""
    rows = session.execute(
        select(Product.id, Product.name).where(Product.active.is_(True)).order_by(Product.id)
    ).all()
    return ProductMatcher((product_id, name) for product_id, name in rows)


def choose_product(
    matcher: ProductMatcher,
    text: str,
    row: CatalogRow | None = None,
    facts: Mapping[int, ProductFacts] | None = None,
) -> ProductChoice:
    """Auto-match, review or new product for a catalog line, with the candidates kept.

    With the line's `row` and the catalog's `facts`, a match whose price, unit or pack
    contradicts the product is never automatic: it goes to review with the reason.
    """
    matches = matcher.rank(text, top=5)
    decision = classify(matches, query=text)
    candidates = tuple((int(m.key), m.name, round(m.score, 1)) for m in matches)  # type: ignore[call-overload]
    if decision.verdict == Verdict.NEW or decision.match is None:
        return ProductChoice(
            "new",
            None,
            text,
            None,
            (Message(N_("no catalog product is close enough")),),
            candidates,
        )
    best = decision.match
    verdict = str(decision.verdict)
    reasons: tuple[Message, ...] = ()
    if verdict != "auto":
        reasons = (decision.reason,)
    known = facts.get(int(best.key)) if facts is not None and row is not None else None  # type: ignore[call-overload]
    if known is not None and row is not None:
        doubts = line_doubts(row, known)
        if doubts:
            verdict = "review"
            reasons = tuple(doubts)
    return ProductChoice(
        verdict,
        int(best.key),  # type: ignore[call-overload]
        best.name,
        round(best.score, 1),
        reasons,
        candidates,
    )


def plan_import(
    session: Session,
    supplier_id: int,
    data: bytes,
    filename: str,
    mapping: Mapping[str, str | None] | None = None,
    *,
    complete: bool = False,
    max_rows: int = 20_000,
    max_bytes: int = 5 * 1024 * 1024,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Reads and checks the file and decides, line by line, what importing it would do.

    `complete` says the file is the supplier's whole catalog: its active offers missing from
    the file are then deactivated; otherwise they are listed and left as they are.
    """
    catalog = read_catalog(
        data, filename, mapping, max_rows=max_rows, max_bytes=max_bytes, progress=progress
    )
    plan = ImportPlan(supplier_id, catalog, complete=complete)
    supplier = session.get(Supplier, supplier_id)
    if supplier is not None:
        # The same company entered twice would split its offers; the preview says so.
        plan.duplicates = [
            (other.id, other.name, reason.text)
            for other, reason in find_duplicate_suppliers(
                session, supplier.name, supplier.siret, supplier.town, exclude_id=supplier.id
            )
        ]
    if not catalog.ok:
        return plan
    existing = {
        offer.supplier_ref.casefold(): offer
        for offer in session.scalars(
            select(Offer)
            .where(Offer.supplier_id == supplier_id, STANDING)
            .options(selectinload(Offer.product))
        )
    }
    matcher = product_matcher(session)
    facts = product_facts(session)
    seen: set[str] = set()
    for row in catalog.rows:
        key = row.reference.casefold()
        seen.add(key)
        offer = existing.get(key)
        if offer is not None:
            choice = ProductChoice("known", offer.product_id, offer.product.name, None, ())
            plan.lines.append(PlannedLine(row, "update", offer.id, choice))
        else:
            choice = choose_product(matcher, row.name, row, facts)
            plan.lines.append(PlannedLine(row, "create", None, choice))
    plan.missing = [
        (offer.id, offer.supplier_ref, offer.product.name)
        for key, offer in sorted(existing.items())
        if key not in seen and offer.active
    ]
    return plan


def _category(session: Session, name: str | None, cache: dict[str, Category]) -> Category:
    label = (name or DEFAULT_CATEGORY).strip()[:120] or DEFAULT_CATEGORY
    found = cache.get(label.casefold())
    if found is None:
        found = session.scalar(select(Category).where(func.lower(Category.name) == label.lower()))
        if found is None:
            found = Category(name=label)
            session.add(found)
        cache[label.casefold()] = found
    return found


def _new_product(
    session: Session, row: CatalogRow, created: dict[str, Product], cache: dict[str, Category]
) -> Product:
    """A product for a line the catalog does not have; two lines with one name share it."""
    key = row.name.casefold()
    product = created.get(key)
    if product is None:
        product = session.scalar(
            select(Product).where(func.lower(Product.name) == row.name.lower())
        )
    if product is not None and not product.active:
        # an import undone left it inactive; the supplier sells it again
        product.active = True
    if product is None:
        product = Product(
            name=row.name[:200],
            unit=row.unit or "unit",
            category=_category(session, row.category, cache),
        )
        session.add(product)
    created[key] = product
    return product


def _fill(offer: Offer, row: CatalogRow) -> None:
    offer.description = row.name[:300]
    offer.pack_size = row.pack_size
    offer.min_order_quantity = row.min_order_quantity or Decimal(0)
    offer.capacity = row.capacity
    if row.lead_time_days is not None:
        offer.lead_time_days = row.lead_time_days
    offer.label = row.label
    offer.recycled_content = int(
        (row.recycled_content or Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    offer.vat_rate = row.vat_rate
    offer.valid_from = row.valid_from
    offer.valid_until = row.valid_until
    offer.active = True
    offer.tiers = [
        PriceTier(min_quantity=tier.min_quantity, unit_price=tier.unit_price)
        for tier in row.price_tiers
    ]


def apply_import(session: Session, plan: ImportPlan, *, actor: Actor | None) -> ImportResult:
    """Writes the plan: offers created or updated by supplier reference, missing ones deactivated
    when the plan is for a complete catalog, lines matched below the automatic threshold queued
    for the lead's review. The result's journal says what undoing it means. Flushes only."""
    if not plan.ok:
        raise ValueError("a plan with errors cannot be applied")
    supplier = session.get(Supplier, plan.supplier_id)
    if supplier is None:
        raise ValueError(f"no supplier {plan.supplier_id}")
    created_products: dict[str, Product] = {}
    categories: dict[str, Category] = {}
    products_before = session.scalar(select(func.count(Product.id))) or 0
    to_review = 0
    created: list[Offer] = []
    updated: list[dict[str, Any]] = []
    for line in plan.lines:
        if line.action == "update" and line.offer_id is not None:
            offer = session.get(Offer, line.offer_id)
            assert offer is not None
            updated.append(offer_state(offer))
            # Replacing the tiers: the old rows go before the new ones arrive.
            offer.tiers.clear()
            session.flush()
            _fill(offer, line.row)
            continue
        choice = line.product
        if choice.verdict == "new" or choice.product_id is None:
            product = _new_product(session, line.row, created_products, categories)
        else:
            product = session.get(Product, choice.product_id)  # type: ignore[assignment]
        offer = Offer(supplier=supplier, product=product, supplier_ref=line.row.reference[:60])
        _fill(offer, line.row)
        session.add(offer)
        created.append(offer)
        if choice.verdict == "review":
            to_review += 1
            session.add(
                ProductMatch(
                    offer=offer,
                    text=line.row.name[:300],
                    candidates=[
                        {"product_id": pid, "name": name, "score": score}
                        for pid, name, score in choice.candidates
                    ],
                    reasons=[reason.to_data() for reason in choice.reasons],
                )
            )
    deactivated = []
    for offer_id, _ref, _name in plan.deactivate:
        offer = session.get(Offer, offer_id)
        if offer is not None and offer.active:
            offer.active = False
            deactivated.append(offer_id)
    session.flush()
    new_products = (session.scalar(select(func.count(Product.id))) or 0) - products_before
    journal = {
        "created_offers": [offer.id for offer in created],
        "updated_offers": updated,
        "deactivated_offers": deactivated,
        "products": sorted({product.id for product in created_products.values()}),
    }
    result = ImportResult(
        len(created), len(updated), len(deactivated), new_products, to_review, journal
    )
    record_event(
        session,
        "catalog.import",
        "supplier",
        supplier.id,
        actor=actor,
        file=plan.catalog.filename,
        **result.counts(),
    )
    return result
