"""The money side as stored: billing settings, members' invoices and credit notes, the journal,
payments, SEPA mandates and direct-debit runs, and the bank statement lines read.

An issued document is never changed: its lines, totals and Factur-X bytes are written once, in
the transaction that takes its number. Balances are never stored: they are read from the
journal's lines.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

# The suppliers' bank details and payments are registered with the money side's too.
from money.payables_models import (  # noqa: F401
    SupplierBankAccount,
    SupplierPayment,
    SupplierPaymentAllocation,
    TransferRun,
)

# The supplier invoices' tables are registered with the money side's.
from money.supplier_invoice_models import (  # noqa: F401
    SupplierInvoice,
    SupplierInvoiceLine,
    SupplierInvoiceOrder,
    WaitingPdf,
)
from money.supplier_match_models import SupplierMatchSettings  # noqa: F401
from persistence import Base, Money, Quantity, UnitPrice, UTCDateTime, utcnow
from purchasing.models import Member

DOCUMENT_KINDS = ("invoice", "credit_note")
INVOICE_SUBJECTS = ("batch", "dues", "correction")
LINE_KINDS = ("goods", "shares", "fee", "dues", "correction")
PAYMENT_METHODS = ("transfer", "cheque", "cash", "direct_debit")
PAYMENT_STATUSES = ("received", "rejected")
BANK_LINE_STATUSES = ("matched", "waiting", "ignored", "known")
JOURNALS = {"VE": "Ventes", "BQ": "Banque", "OD": "Opérations diverses", "AC": "Achats"}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN {values!r}"


class BillingSettings(Base):
    """How the cooperative bills (one row, kept by the admin): its own fee, reminders, the
    direct-debit notice, the VAT-on-debits option, the fiscal year and the chart of accounts
    (French defaults). Payment terms, the late-penalty rate and the creditor identifier are
    the cooperative's own record's."""

    __tablename__ = "billing_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint("fee_percent >= 0 AND fee_percent <= 100", name="fee_percent_range"),
        CheckConstraint("fee_per_invoice >= 0", name="fee_per_invoice_not_negative"),
        CheckConstraint("reminder_days BETWEEN 1 AND 365", name="reminder_days_range"),
        CheckConstraint("prenotice_days BETWEEN 1 AND 60", name="prenotice_days_range"),
        CheckConstraint("fiscal_year_start BETWEEN 1 AND 12", name="fiscal_year_start_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    fee_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    fee_per_invoice: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    reminder_days: Mapped[int] = mapped_column(Integer, default=14)
    prenotice_days: Mapped[int] = mapped_column(Integer, default=14)
    vat_on_debits: Mapped[bool] = mapped_column(Boolean, default=False)
    fiscal_year_start: Mapped[int] = mapped_column(Integer, default=1)
    account_members: Mapped[str] = mapped_column(String(10), default="411")
    account_goods: Mapped[str] = mapped_column(String(10), default="707")
    account_services: Mapped[str] = mapped_column(String(10), default="706")
    account_fee: Mapped[str] = mapped_column(String(10), default="708")
    account_dues: Mapped[str] = mapped_column(String(10), default="756")
    account_vat_collected: Mapped[str] = mapped_column(String(10), default="44571")
    account_bank: Mapped[str] = mapped_column(String(10), default="512")
    account_suppliers: Mapped[str] = mapped_column(String(10), default="401")
    account_purchases: Mapped[str] = mapped_column(String(10), default="607")
    account_vat_deductible: Mapped[str] = mapped_column(String(10), default="44566")
    # Delivery fees a supplier invoices (transports sur achats).
    account_purchase_fees: Mapped[str] = mapped_column(
        String(10), default="6241", server_default="6241"
    )


class MemberDues(Base):
    """A member's annual membership dues (cotisation), set by the admin, with its VAT
    treatment: often outside the scope of VAT ("O")."""

    __tablename__ = "member_dues"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("vat_category IN ('O', 'S')", name="vat_category_known"),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    vat_category: Mapped[str] = mapped_column(String(1), default="O")
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))


class MemberInvoice(Base):
    """An invoice or a credit note to a member, numbered without gaps per series and year
    (`FA-2027-00001`, `AV-2027-00001`), never changed once issued."""

    __tablename__ = "member_invoice"
    __table_args__ = (
        CheckConstraint(_one_of("kind", DOCUMENT_KINDS), name="kind_known"),
        CheckConstraint(_one_of("subject", INVOICE_SUBJECTS), name="subject_known"),
        CheckConstraint("total_incl >= 0", name="total_not_negative"),
        CheckConstraint(
            "(kind = 'credit_note') = (corrects_id IS NOT NULL)", name="credit_note_corrects"
        ),
        UniqueConstraint("kind", "year", "sequence"),
        # One invoice per member and batch, one per member and dues year.
        Index(
            "ix_member_invoice_one_per_batch",
            "member_id",
            "batch_id",
            unique=True,
            sqlite_where=text("kind = 'invoice' AND batch_id IS NOT NULL"),
            postgresql_where=text("kind = 'invoice' AND batch_id IS NOT NULL"),
        ),
        Index(
            "ix_member_invoice_one_dues_a_year",
            "member_id",
            "dues_year",
            unique=True,
            sqlite_where=text("kind = 'invoice' AND dues_year IS NOT NULL"),
            postgresql_where=text("kind = 'invoice' AND dues_year IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(12))
    number: Mapped[str] = mapped_column(String(30), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"), index=True)
    dues_year: Mapped[int | None] = mapped_column(Integer)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("member_invoice.id"))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    total_excl: Mapped[Decimal] = mapped_column(Money())
    total_vat: Mapped[Decimal] = mapped_column(Money())
    total_incl: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(Text, default="")
    facturx: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[Member] = relationship()
    lines: Mapped[list[MemberInvoiceLine]] = relationship(
        back_populates="invoice", order_by="MemberInvoiceLine.position"
    )
    corrects: Mapped[MemberInvoice | None] = relationship(remote_side=[id])

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"


class MemberInvoiceLine(Base):
    """One line of a member's invoice or credit note, as issued."""

    __tablename__ = "member_invoice_line"
    __table_args__ = (
        CheckConstraint(_one_of("kind", LINE_KINDS), name="kind_known"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("invoice_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("member_invoice.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_code: Mapped[str] = mapped_column(String(3), default="C62")
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice())
    vat_category: Mapped[str] = mapped_column(String(2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    net: Mapped[Decimal] = mapped_column(Money())
    need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id"))
    # On a credit note: the line of the corrected invoice it gives back.
    corrects_position: Mapped[int | None] = mapped_column(Integer)

    invoice: Mapped[MemberInvoice] = relationship(back_populates="lines")


class JournalEntry(Base):
    """One balanced accounting entry, numbered without gaps per journal and fiscal year in
    the order it is posted, and never renumbered."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        UniqueConstraint("journal", "fiscal_year", "number"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journal: Mapped[str] = mapped_column(String(3))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    entry_date: Mapped[date] = mapped_column(Date, index=True)
    document_ref: Mapped[str] = mapped_column(String(40))
    document_date: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200))
    validated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.position"
    )


class JournalLine(Base):
    """A debit or a credit on one account (and a member's or supplier's sub-account).
    `invoice_ref` names the member invoice a receivable line belongs to, so that what is open
    on each invoice is read from the journal too."""

    __tablename__ = "journal_line"
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0", name="amounts_not_negative"),
        CheckConstraint("debit = 0 OR credit = 0", name="debit_or_credit"),
        CheckConstraint("debit > 0 OR credit > 0", name="something"),
        Index("ix_journal_line_account_member", "account", "member_id"),
        # What is open on invoices is read by account and invoice: without this index SQLite
        # reads every receivable line of the journal for each invoice asked about.
        Index("ix_journal_line_account_invoice", "account", "invoice_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(10))
    account_label: Mapped[str] = mapped_column(String(100))
    sub_account: Mapped[str] = mapped_column(String(20), default="")
    sub_account_label: Mapped[str] = mapped_column(String(100), default="")
    label: Mapped[str] = mapped_column(String(200))
    debit: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    credit: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"), index=True)
    invoice_ref: Mapped[str | None] = mapped_column(String(30), index=True)

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")


class Mandate(Base):
    """A member's SEPA B2B direct-debit mandate, signed with the cooperative as creditor. A
    member has at most one active mandate; a revoked one is kept (its collections name it)."""

    __tablename__ = "sepa_mandate"
    __table_args__ = (
        CheckConstraint("scheme = 'B2B'", name="scheme_known"),
        CheckConstraint("active OR revoked_on IS NOT NULL", name="revoked_has_date"),
        Index(
            "ix_sepa_mandate_one_active",
            "member_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    reference: Mapped[str] = mapped_column(String(35), unique=True)
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11))
    signed_on: Mapped[date] = mapped_column(Date)
    scheme: Mapped[str] = mapped_column(String(4), default="B2B", server_default="B2B")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    first_collected_on: Mapped[date | None] = mapped_column(Date)

    member: Mapped[Member] = relationship()


class DirectDebitRun(Base):
    """A pain.008 collection file built by the lead, kept as built."""

    __tablename__ = "direct_debit_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_date: Mapped[date] = mapped_column(Date)
    total: Mapped[Decimal] = mapped_column(Money())
    count: Mapped[int] = mapped_column(Integer)
    file: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Payment(Base):
    """Money received from a member (or collected by direct debit), allocated to invoices;
    what is left unallocated is the member's credit."""

    __tablename__ = "member_payment"
    __table_args__ = (
        CheckConstraint(_one_of("method", PAYMENT_METHODS), name="method_known"),
        CheckConstraint(_one_of("status", PAYMENT_STATUSES), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    method: Mapped[str] = mapped_column(String(12))
    amount: Mapped[Decimal] = mapped_column(Money())
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(140), default="")
    status: Mapped[str] = mapped_column(String(10), default="received")
    rejected_on: Mapped[date | None] = mapped_column(Date)
    reject_reason: Mapped[str] = mapped_column(String(140), default="")
    direct_debit_run_id: Mapped[int | None] = mapped_column(ForeignKey("direct_debit_run.id"))
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("sepa_mandate.id"))
    end_to_end_id: Mapped[str] = mapped_column(String(35), default="", index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    member: Mapped[Member] = relationship()
    allocations: Mapped[list[PaymentAllocation]] = relationship(back_populates="payment")


class PaymentAllocation(Base):
    """The part of a payment that settles one invoice."""

    __tablename__ = "payment_allocation"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("member_payment.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("member_invoice.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    invoice: Mapped[MemberInvoice] = relationship()


class BankLine(Base):
    """One entry of an imported bank statement (CAMT.053), recognised by its fingerprint so
    that importing a statement twice changes nothing."""

    __tablename__ = "bank_line"
    __table_args__ = (
        CheckConstraint(_one_of("status", BANK_LINE_STATUSES), name="status_known"),
        CheckConstraint("direction IN ('credit', 'debit')", name="direction_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(80), unique=True)
    statement_id: Mapped[str] = mapped_column(String(35))
    account_iban: Mapped[str] = mapped_column(String(34))
    booking_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    direction: Mapped[str] = mapped_column(String(6))
    remittance: Mapped[str] = mapped_column(String(500), default="")
    counterparty_name: Mapped[str] = mapped_column(String(140), default="")
    counterparty_iban: Mapped[str] = mapped_column(String(34), default="")
    end_to_end_id: Mapped[str] = mapped_column(String(35), default="")
    return_reason: Mapped[str] = mapped_column(String(10), default="")
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("member_payment.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
