"""Paying suppliers, as stored: each supplier's bank details with who proposed and who confirmed
them, the credit-transfer runs (pain.001) the lead builds, and the payment each run makes to
each supplier, set against the supplier invoices it pays.

A run is kept as built, with its file; a payment is never edited: a transfer the bank returns
is marked returned, with the day, and posted back.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from money.supplier_invoice_models import SupplierInvoice
from persistence import Base, Money, UTCDateTime, utcnow
from suppliers.models import Supplier

BANK_DETAILS_STATES = ("proposed", "active", "superseded", "withdrawn")
SUPPLIER_PAYMENT_STATUSES = ("sent", "returned")


class SupplierBankAccount(Base):
    """A supplier's bank account as the cooperative pays it. Details are first `proposed`, and
    become `active` only once a second person confirms them; the active ones they replace are
    then `superseded`. A proposal may be `withdrawn` instead. A supplier has at most one active
    account and at most one proposal waiting; nothing is deleted, so the trail of changes stays."""

    __tablename__ = "supplier_bank_account"
    __table_args__ = (
        CheckConstraint(f"state IN {BANK_DETAILS_STATES!r}", name="state_known"),
        CheckConstraint(
            "state NOT IN ('active', 'superseded') OR confirmed_at IS NOT NULL",
            name="in_use_once_confirmed",
        ),
        Index(
            "ix_supplier_bank_account_one_active",
            "supplier_id",
            unique=True,
            sqlite_where=text("state = 'active'"),
            postgresql_where=text("state = 'active'"),
        ),
        Index(
            "ix_supplier_bank_account_one_proposed",
            "supplier_id",
            unique=True,
            sqlite_where=text("state = 'proposed'"),
            postgresql_where=text("state = 'proposed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11))
    # Where the details come from ("RIB joined to the invoice", "letter of 3 March"): what the
    # confirming person checks them against.
    source: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(12), default="proposed")
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    supplier: Mapped[Supplier] = relationship()


class TransferRun(Base):
    """A credit-transfer file (pain.001) built by the lead for the supplier invoices due by a
    date, kept as built, numbered without gaps per year (`VIR-2027-0001`)."""

    __tablename__ = "transfer_run"
    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("count > 0", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    due_by: Mapped[date] = mapped_column(Date)
    execution_date: Mapped[date] = mapped_column(Date)
    total: Mapped[Decimal] = mapped_column(Money())
    count: Mapped[int] = mapped_column(Integer)
    file: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    payments: Mapped[list[SupplierPayment]] = relationship(
        back_populates="run", order_by="SupplierPayment.id"
    )


class SupplierPayment(Base):
    """Money paid to one supplier: one credit transfer of a run (or, when the bank statement
    shows a transfer made outside coachat, the debit it read), to the account it was sent to,
    set against the invoices its remittance text names."""

    __tablename__ = "supplier_payment"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"status IN {SUPPLIER_PAYMENT_STATUSES!r}", name="status_known"),
        CheckConstraint("status = 'sent' OR returned_on IS NOT NULL", name="returned_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_run.id"), index=True)
    bank_account_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_bank_account.id"))
    iban: Mapped[str] = mapped_column(String(34), default="")
    amount: Mapped[Decimal] = mapped_column(Money())
    paid_on: Mapped[date] = mapped_column(Date)
    end_to_end_id: Mapped[str] = mapped_column(String(35), default="", index=True)
    remittance: Mapped[str] = mapped_column(String(140), default="")
    status: Mapped[str] = mapped_column(String(10), default="sent")
    returned_on: Mapped[date | None] = mapped_column(Date)
    # The bank statement line that shows it leaving the account, once imported.
    bank_line_id: Mapped[int | None] = mapped_column(ForeignKey("bank_line.id"))
    # Its entry in the bank journal: what it settled is read back from it.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    supplier: Mapped[Supplier] = relationship()
    run: Mapped[TransferRun | None] = relationship(back_populates="payments")
    allocations: Mapped[list[SupplierPaymentAllocation]] = relationship(
        back_populates="payment", order_by="SupplierPaymentAllocation.id"
    )


class SupplierPaymentAllocation(Base):
    """The part of a supplier payment that settles one supplier invoice."""

    __tablename__ = "supplier_payment_allocation"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("payment_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("supplier_payment.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("supplier_invoice.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())

    payment: Mapped[SupplierPayment] = relationship(back_populates="allocations")
    invoice: Mapped[SupplierInvoice] = relationship()
