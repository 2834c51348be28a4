"""The demand side as stored: members, users, needs, rounds, batches, allocations, orders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mailing.models import EMAIL_STATUSES as EMAIL_STATUSES  # an order e-mail is an e-mail
from mailing.models import OutgoingEmail
from persistence import Base, Money, Quantity, UnitPrice, UTCDateTime, utcnow
from persistence.audit import AuditEvent as AuditEvent  # the trail is shared with the catalog
from persistence.jobs import Job
from suppliers.models import Offer, Product, Supplier

ROLES = ("member", "lead", "admin")
NEED_STATUSES = (
    "draft",
    "submitted",
    "pooled",
    "allocated",
    "ordered",
    "received",
    "cancelled",
    "unfulfilled",
)
EDITABLE_NEED_STATUSES = ("draft", "submitted")
ROUND_STATUSES = ("open", "closing", "closed")
BATCH_STATUSES = ("proposed", "approved", "ordered", "closed", "rejected")
NOTICE_AUDIENCES = ("members", "leads")
ORDER_STATUSES = ("draft", "sent", "confirmed", "received", "cancelled")
SUPPLIER_ANSWERS = ("", "confirmed", "changed", "change_accepted", "change_refused")
COMMENT_MAX = 2000
LOGO_TYPES = ("", "png", "jpeg")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN {values!r}"


class Member(Base):
    """A member company of the cooperative."""

    __tablename__ = "member"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    town: Mapped[str] = mapped_column(String(120))
    latitude: Mapped[float] = mapped_column()
    longitude: Mapped[float] = mapped_column()
    activity: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sites: Mapped[list[DeliverySite]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="DeliverySite.id"
    )
    users: Mapped[list[User]] = relationship(back_populates="member")


class DeliverySite(Base):
    """An address where a member takes deliveries.

    One site of the cooperative may be its collection point: shared premises where suppliers
    can deliver the whole batch and members fetch their goods (at most one, by the index)."""

    __tablename__ = "delivery_site"
    __table_args__ = (
        UniqueConstraint("member_id", "name"),
        Index(
            "uq_delivery_site_one_collection_point",
            "collection_point",
            unique=True,
            sqlite_where=text("collection_point"),
            postgresql_where=text("collection_point"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    town: Mapped[str] = mapped_column(String(120))
    latitude: Mapped[float] = mapped_column()
    longitude: Mapped[float] = mapped_column()
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    collection_point: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    member: Mapped[Member] = relationship(back_populates="sites")


class User(Base):
    """Someone who signs in; members' users belong to one member company."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role_known"),
        CheckConstraint("role <> 'member' OR member_id IS NOT NULL", name="member_user_has_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="member")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of every session's signed user id: raising it (sign-out, new password) ends them all.
    auth_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member | None] = relationship(back_populates="users")

    @property
    def is_lead(self) -> bool:
        return self.role in ("lead", "admin")

    # The four members a session manager expects of a signed-in account.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What a session keeps of the user: the id and the generation it was opened in."""
        return f"{self.id}.{self.auth_generation}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class ApiToken(Base):
    """A personal token for the JSON API: only a hash of the secret is kept, with the first
    characters of the secret so that its owner can tell tokens apart."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class Round(Base):
    """A pooling window: needs submitted before its cut-off are optimised together.

    At most one round is open at a time; its cut-off comes from the rhythm the lead set, or is
    set by hand (none: the round closes when the lead closes it)."""

    __tablename__ = "pooling_round"
    __table_args__ = (
        CheckConstraint(_one_of("status", ROUND_STATUSES), name="status_known"),
        CheckConstraint("cutoff_at > opens_at", name="cutoff_after_opening"),
        Index(
            "uq_pooling_round_one_open",
            "status",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cutoff_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    batch: Mapped[Batch | None] = relationship(back_populates="round", uselist=False)


class PoolingSchedule(Base):
    """The rhythm of the rounds (a cron expression in the cooperative's time zone) and the
    policy the first scenario of each batch is optimised with. One row."""

    __tablename__ = "pooling_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    cron: Mapped[str] = mapped_column(String(120), default="")
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class TransportSettings(Base):
    """How the lead counts transport CO2: the emission factor of a km driven with its source
    (dataset, version, line), and the road km per km as the crow flies with its source. A
    value left empty means the default is in force. One row."""

    __tablename__ = "transport_settings"
    __table_args__ = (
        CheckConstraint("co2_kg_per_km IS NULL OR co2_kg_per_km > 0", name="factor_positive"),
        CheckConstraint("road_detour IS NULL OR road_detour >= 1", name="detour_at_least_one"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    co2_kg_per_km: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    co2_dataset: Mapped[str] = mapped_column(String(200), default="")
    co2_version: Mapped[str] = mapped_column(String(60), default="")
    co2_line: Mapped[str] = mapped_column(String(200), default="")
    road_detour: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    road_detour_source: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Notice(Base):
    """A message on the dashboards: a cut-off coming (members), a batch waiting (leads)."""

    __tablename__ = "notice"
    __table_args__ = (
        CheckConstraint(_one_of("audience", NOTICE_AUDIENCES), name="audience_known"),
        UniqueConstraint("kind", "round_id", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(40))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("pooling_round.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Batch(Base):
    """What the optimizer proposes for a closed round, until the lead approves or rejects it.

    The batch keeps the problem as it stood at the close (needs, offers, eco scores), so that
    every scenario of the batch is computed on the same data."""

    __tablename__ = "batch"
    __table_args__ = (CheckConstraint(_one_of("status", BATCH_STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pooling_round.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    solver_report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    problem: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    awaiting_match: Mapped[list[int]] = mapped_column(JSON, default=list)
    frontier: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[Round] = relationship(back_populates="batch")
    decided_by: Mapped[User | None] = relationship()
    scenarios: Mapped[list[Scenario]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="Scenario.number"
    )
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="batch", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def chosen(self) -> Scenario | None:
        return next((scenario for scenario in self.scenarios if scenario.chosen), None)


class Scenario(Base):
    """One optimisation of a batch with given weights and rules, kept for comparison.

    Numbered from 1 within its batch; `policy_key` is the policy in canonical form, so the
    same policy asked twice gives the same scenario."""

    __tablename__ = "scenario"
    __table_args__ = (
        UniqueConstraint("batch_id", "name"),
        UniqueConstraint("batch_id", "number"),
        UniqueConstraint("batch_id", "policy_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    policy_key: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    batch: Mapped[Batch] = relationship(back_populates="scenarios")
    job: Mapped[Job | None] = relationship()

    @property
    def computed(self) -> bool:
        return bool(self.result)


class Need(Base):
    """A member's purchase need, from its draft to its delivery."""

    __tablename__ = "need"
    __table_args__ = (
        CheckConstraint(_one_of("status", NEED_STATUSES), name="status_known"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("tolerance_percent BETWEEN 0 AND 100", name="tolerance_percent"),
        CheckConstraint("price_ceiling IS NULL OR price_ceiling >= 0", name="ceiling_not_negative"),
        CheckConstraint("product_id IS NOT NULL OR free_text <> ''", name="product_or_text"),
        CheckConstraint(f"length(comment) <= {COMMENT_MAX}", name="comment_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    free_text: Mapped[str] = mapped_column(String(300), default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit: Mapped[str] = mapped_column(String(10), default="unit")
    tolerance_percent: Mapped[int] = mapped_column(Integer, default=0)
    needed_by: Mapped[date] = mapped_column(Date)
    delivery_site_id: Mapped[int] = mapped_column(ForeignKey("delivery_site.id"))
    price_ceiling: Mapped[Decimal | None] = mapped_column(UnitPrice())
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="submitted", index=True)
    status_reason: Mapped[str] = mapped_column(String(300), default="")
    round_id: Mapped[int | None] = mapped_column(ForeignKey("pooling_round.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"), index=True)
    standing: Mapped[bool] = mapped_column(Boolean, default=False)
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("need.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    member: Mapped[Member] = relationship()
    product: Mapped[Product | None] = relationship()
    delivery_site: Mapped[DeliverySite] = relationship()
    created_by: Mapped[User | None] = relationship()

    # A need changed by a member while a round closes is caught, not overwritten.
    __mapper_args__ = {"version_id_col": version}

    @property
    def editable(self) -> bool:
        """A need can be changed or cancelled until it is pooled."""
        return self.status in EDITABLE_NEED_STATUSES

    @property
    def label(self) -> str:
        return self.product.name if self.product is not None else self.free_text


class Allocation(Base):
    """Which offer serves how much of which need, at what price, with its share of fees."""

    __tablename__ = "allocation"
    __table_args__ = (
        UniqueConstraint("batch_id", "need_id", "offer_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("fee_share >= 0", name="fee_share_not_negative"),
        CheckConstraint("delivery_share >= 0", name="delivery_share_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    packs: Mapped[Decimal] = mapped_column(Quantity())  # the need's share of whole packs
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice())
    goods_total: Mapped[Decimal] = mapped_column(Money())
    fee_share: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    delivery_share: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    # Filled in as deliveries are recorded: the units this need received (substitutes
    # included), which is what the member pays for.
    received_quantity: Mapped[Decimal | None] = mapped_column(Quantity())

    batch: Mapped[Batch] = relationship(back_populates="allocations")
    need: Mapped[Need] = relationship()
    offer: Mapped[Offer] = relationship()


class PurchaseOrder(Base):
    """One order per supplier and batch, numbered without gaps per year, with its totals.

    `delivery_fee` is everything the supplier charges for delivering the order (its fixed fee
    and the transport); the members' allocations share it to the cent."""

    __tablename__ = "purchase_order"
    __table_args__ = (
        UniqueConstraint("batch_id", "supplier_id"),
        UniqueConstraint("year", "sequence"),
        CheckConstraint(_one_of("status", ORDER_STATUSES), name="status_known"),
        CheckConstraint(_one_of("supplier_answer", SUPPLIER_ANSWERS), name="answer_known"),
        CheckConstraint("total_excl_vat >= 0", name="total_not_negative"),
        CheckConstraint("total_incl_vat >= total_excl_vat", name="vat_not_negative"),
        CheckConstraint("sequence > 0", name="sequence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    ordered_on: Mapped[date] = mapped_column(Date)
    expected_on: Mapped[date] = mapped_column(Date)
    delivery_fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    total_excl_vat: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    total_incl_vat: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    supplier_answer: Mapped[str] = mapped_column(String(16), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    proposed_date: Mapped[date | None] = mapped_column(Date)
    supplier_note: Mapped[str] = mapped_column(Text, default="")
    link_nonce: Mapped[str] = mapped_column(String(32), default="")
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    batch: Mapped[Batch] = relationship()
    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="PurchaseOrderLine.id"
    )
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Delivery.id"
    )
    emails: Mapped[list[OrderEmail]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEmail.id"
    )
    issued: Mapped[IssuedOrder | None] = relationship(
        back_populates="order", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class IssuedOrder(Base):
    """A purchase order as it was issued (first sent by e-mail, or recorded as sent by hand):
    the buyer's identity at that moment and the very bytes of its PDF and CSV, which are handed
    out from then on, whatever changes later in the cooperative's record or the catalog."""

    __tablename__ = "issued_order"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order.id", ondelete="CASCADE"), primary_key=True
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    buyer: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    csv: Mapped[bytes] = mapped_column(LargeBinary)

    order: Mapped[PurchaseOrder] = relationship(back_populates="issued")


class PurchaseOrderLine(Base):
    """A line of a purchase order: one offer, a whole number of packs, and what the supplier
    said it can deliver when it changed the order."""

    __tablename__ = "purchase_order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "offer_id"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("packs >= 0", name="packs_not_negative"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("vat_rate >= 0 AND vat_rate < 1", name="vat_rate_range"),
        CheckConstraint(
            "proposed_quantity IS NULL OR proposed_quantity >= 0", name="proposal_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    packs: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice())
    vat_rate: Mapped[Decimal] = mapped_column(UnitPrice())
    line_total: Mapped[Decimal] = mapped_column(Money())
    proposed_quantity: Mapped[Decimal | None] = mapped_column(Quantity())

    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
    offer: Mapped[Offer] = relationship()


class OrderEmail(Base):
    """One sending of a purchase order by e-mail: the general e-mail (`outgoing`, whose state
    it shows) and the supplier's answer link it carries."""

    __tablename__ = "order_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order.id", ondelete="CASCADE"), index=True
    )
    email_id: Mapped[int] = mapped_column(ForeignKey("outgoing_email.id"), unique=True)
    link: Mapped[str] = mapped_column(String(1000), default="")

    order: Mapped[PurchaseOrder] = relationship(back_populates="emails")
    outgoing: Mapped[OutgoingEmail] = relationship(lazy="joined")

    # What the pages, the API and the command line show, read from the e-mail itself.
    @property
    def recipient(self) -> str:
        return self.outgoing.recipient

    @property
    def status(self) -> str:
        return self.outgoing.status

    @property
    def attempts(self) -> int:
        return self.outgoing.attempts

    @property
    def last_error(self) -> str:
        return self.outgoing.last_error

    @property
    def next_attempt_at(self) -> datetime | None:
        return self.outgoing.next_attempt_at

    @property
    def handed_over_at(self) -> datetime | None:
        return self.outgoing.handed_over_at

    @property
    def created_at(self) -> datetime:
        return self.outgoing.created_at

    @property
    def sent_at(self) -> datetime | None:
        return self.outgoing.sent_at


class Delivery(Base):
    """What arrived at one site for an order, recorded by the lead."""

    __tablename__ = "delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("delivery_site.id"))
    received_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[PurchaseOrder] = relationship(back_populates="deliveries")
    site: Mapped[DeliverySite] = relationship()
    lines: Mapped[list[DeliveryLine]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="DeliveryLine.id"
    )


class DeliveryLine(Base):
    """Units of one order line at a delivery: received in good order, missing, damaged, or
    replaced by a substitute the site accepted (paid like the units ordered)."""

    __tablename__ = "delivery_line"
    __table_args__ = (
        CheckConstraint(
            "received >= 0 AND missing >= 0 AND damaged >= 0 AND substituted >= 0",
            name="quantities_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("delivery.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(ForeignKey("purchase_order_line.id"), index=True)
    received: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("0"))
    missing: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("0"))
    damaged: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("0"))
    substituted: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("0"))
    note: Mapped[str] = mapped_column(Text, default="")

    delivery: Mapped[Delivery] = relationship(back_populates="lines")
    order_line: Mapped[PurchaseOrderLine] = relationship()


class Cooperative(Base):
    """The legal entity that buys in its own name and re-invoices its members: one row, kept by
    the admin, read by every document and e-mail. Identifiers are stored compact (digits, no
    spaces); `late_penalty_rate` is a yearly rate as a fraction (0.12 for 12 %)."""

    __tablename__ = "cooperative"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint(
            "payment_terms_days IS NULL OR payment_terms_days BETWEEN 0 AND 60",
            name="payment_terms_range",
        ),
        CheckConstraint(
            "late_penalty_rate IS NULL OR (late_penalty_rate > 0 AND late_penalty_rate <= 1)",
            name="late_penalty_rate_range",
        ),
        CheckConstraint(_one_of("logo_type", LOGO_TYPES), name="logo_type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(100), default="")
    siren: Mapped[str] = mapped_column(String(9), default="")
    siret: Mapped[str] = mapped_column(String(14), default="")
    vat_number: Mapped[str] = mapped_column(String(13), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    town: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="FR")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    iban: Mapped[str] = mapped_column(String(34), default="")
    bic: Mapped[str] = mapped_column(String(11), default="")
    sepa_creditor_id: Mapped[str] = mapped_column(String(35), default="")
    payment_terms_days: Mapped[int | None] = mapped_column(Integer)
    late_penalty_rate: Mapped[Decimal | None] = mapped_column(UnitPrice())
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str] = mapped_column(String(4), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
