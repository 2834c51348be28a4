"""si_pay: suppliers' bank details, transfer runs and supplier payments

Revision ID: si_pay
Revises: si_match
Create Date: 2026-12-12 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.base

revision: str = "si_pay"
down_revision: str | None = "si_match"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supplier_bank_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("bic", sa.String(length=11), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("proposed_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", persistence.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", persistence.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "state IN ('proposed', 'active', 'superseded', 'withdrawn')",
            name=op.f("ck_supplier_bank_account_state_known"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('active', 'superseded') OR confirmed_at IS NOT NULL",
            name=op.f("ck_supplier_bank_account_in_use_once_confirmed"),
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_bank_account_confirmed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_bank_account_ended_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_bank_account_proposed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name=op.f("fk_supplier_bank_account_supplier_id_supplier"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_bank_account")),
    )
    with op.batch_alter_table("supplier_bank_account", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supplier_bank_account_one_active",
            ["supplier_id"],
            unique=True,
            sqlite_where=sa.text("state = 'active'"),
            postgresql_where=sa.text("state = 'active'"),
        )
        batch_op.create_index(
            "ix_supplier_bank_account_one_proposed",
            ["supplier_id"],
            unique=True,
            sqlite_where=sa.text("state = 'proposed'"),
            postgresql_where=sa.text("state = 'proposed'"),
        )
        batch_op.create_index(
            batch_op.f("ix_supplier_bank_account_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "transfer_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("execution_date", sa.Date(), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("file", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("count > 0", name=op.f("ck_transfer_run_count_positive")),
        sa.CheckConstraint("total > 0", name=op.f("ck_transfer_run_total_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_transfer_run_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_run")),
        sa.UniqueConstraint("number", name=op.f("uq_transfer_run_number")),
        sa.UniqueConstraint("year", "sequence", name=op.f("uq_transfer_run_year_sequence")),
    )
    op.create_table(
        "supplier_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("bank_account_id", sa.Integer(), nullable=True),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=35), nullable=False),
        sa.Column("remittance", sa.String(length=140), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("bank_line_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status = 'sent' OR returned_on IS NOT NULL",
            name=op.f("ck_supplier_payment_returned_has_date"),
        ),
        sa.CheckConstraint(
            "status IN ('sent', 'returned')", name=op.f("ck_supplier_payment_status_known")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_supplier_payment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["bank_account_id"],
            ["supplier_bank_account.id"],
            name=op.f("fk_supplier_payment_bank_account_id_supplier_bank_account"),
        ),
        sa.ForeignKeyConstraint(
            ["bank_line_id"],
            ["bank_line.id"],
            name=op.f("fk_supplier_payment_bank_line_id_bank_line"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_supplier_payment_entry_id_journal_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_payment_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["transfer_run.id"], name=op.f("fk_supplier_payment_run_id_transfer_run")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["supplier.id"], name=op.f("fk_supplier_payment_supplier_id_supplier")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_payment")),
    )
    with op.batch_alter_table("supplier_payment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_payment_end_to_end_id"), ["end_to_end_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_supplier_payment_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supplier_payment_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "supplier_payment_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.CheckConstraint(
            "amount > 0", name=op.f("ck_supplier_payment_allocation_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["supplier_invoice.id"],
            name=op.f("fk_supplier_payment_allocation_invoice_id_supplier_invoice"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["supplier_payment.id"],
            name=op.f("fk_supplier_payment_allocation_payment_id_supplier_payment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_payment_allocation")),
        sa.UniqueConstraint(
            "payment_id",
            "invoice_id",
            name=op.f("uq_supplier_payment_allocation_payment_id_invoice_id"),
        ),
    )
    with op.batch_alter_table("supplier_payment_allocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_payment_allocation_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supplier_payment_allocation_payment_id"), ["payment_id"], unique=False
        )

    with op.batch_alter_table("billing_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "account_purchase_fees", sa.String(length=10), server_default="6241", nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("billing_settings", schema=None) as batch_op:
        batch_op.drop_column("account_purchase_fees")

    with op.batch_alter_table("supplier_payment_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_payment_allocation_payment_id"))
        batch_op.drop_index(batch_op.f("ix_supplier_payment_allocation_invoice_id"))

    op.drop_table("supplier_payment_allocation")
    with op.batch_alter_table("supplier_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_payment_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_supplier_payment_run_id"))
        batch_op.drop_index(batch_op.f("ix_supplier_payment_end_to_end_id"))

    op.drop_table("supplier_payment")
    op.drop_table("transfer_run")
    with op.batch_alter_table("supplier_bank_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_bank_account_supplier_id"))
        batch_op.drop_index(
            "ix_supplier_bank_account_one_proposed",
            sqlite_where=sa.text("state = 'proposed'"),
            postgresql_where=sa.text("state = 'proposed'"),
        )
        batch_op.drop_index(
            "ix_supplier_bank_account_one_active",
            sqlite_where=sa.text("state = 'active'"),
            postgresql_where=sa.text("state = 'active'"),
        )

    op.drop_table("supplier_bank_account")
