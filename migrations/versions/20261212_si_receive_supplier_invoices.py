"""si_receive: supplier invoices, their lines and orders, plain PDFs waiting to be typed in;
suppliers' SIREN and VAT number

Revision ID: si_receive
Revises: sepa
Create Date: 2026-12-12 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.base

revision: str = "si_receive"
down_revision: str | None = "sepa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("supplier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("siren", sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column("vat_number", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_supplier_siren"), ["siren"], unique=False)
        batch_op.create_index(batch_op.f("ix_supplier_vat_number"), ["vat_number"], unique=True)
    # A SIRET was checked when it was saved: its first nine digits are the company's SIREN.
    op.execute("UPDATE supplier SET siren = substr(siret, 1, 9) WHERE siret IS NOT NULL")

    op.create_table(
        "supplier_invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("buyer_reference", sa.String(length=200), nullable=False),
        sa.Column("order_references", sa.String(length=400), nullable=False),
        sa.Column("corrected_number", sa.String(length=60), nullable=False),
        sa.Column("total_without_tax", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("tax_total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("grand_total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("amount_due", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("payee_iban", sa.String(length=34), nullable=False),
        sa.Column("payment_reference", sa.String(length=140), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("profile", sa.String(length=200), nullable=False),
        sa.Column("file", sa.LargeBinary(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("received_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "due_date IS NULL OR due_date >= issue_date",
            name=op.f("ck_supplier_invoice_due_after_issue"),
        ),
        sa.CheckConstraint(
            "kind IN ('invoice', 'credit_note')", name=op.f("ck_supplier_invoice_kind_known")
        ),
        sa.CheckConstraint(
            "source IN ('facturx', 'cii', 'ubl', 'manual')",
            name=op.f("ck_supplier_invoice_source_known"),
        ),
        sa.CheckConstraint(
            "status IN ('received', 'to_pay', 'exception', 'refused', 'paid')",
            name=op.f("ck_supplier_invoice_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["supplier_invoice.id"],
            name=op.f("fk_supplier_invoice_corrects_id_supplier_invoice"),
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_invoice_received_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["supplier.id"], name=op.f("fk_supplier_invoice_supplier_id_supplier")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_invoice")),
        sa.UniqueConstraint(
            "supplier_id",
            "number",
            "kind",
            name=op.f("uq_supplier_invoice_supplier_id_number_kind"),
        ),
    )
    with op.batch_alter_table("supplier_invoice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_invoice_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "supplier_invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("seller_ref", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("unit_code", sa.String(length=3), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("vat_category", sa.String(length=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("line_total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("order_line_ref", sa.String(length=60), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "kind IN ('goods', 'charge', 'allowance')",
            name=op.f("ck_supplier_invoice_line_kind_known"),
        ),
        sa.CheckConstraint(
            "vat_rate >= 0 AND vat_rate < 1", name=op.f("ck_supplier_invoice_line_vat_rate_range")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["supplier_invoice.id"],
            name=op.f("fk_supplier_invoice_line_invoice_id_supplier_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["purchase_order_line.id"],
            name=op.f("fk_supplier_invoice_line_order_line_id_purchase_order_line"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_invoice_line")),
        sa.UniqueConstraint(
            "invoice_id", "position", name=op.f("uq_supplier_invoice_line_invoice_id_position")
        ),
    )
    with op.batch_alter_table("supplier_invoice_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_invoice_line_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supplier_invoice_line_order_line_id"), ["order_line_id"], unique=False
        )

    op.create_table(
        "supplier_invoice_order",
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["supplier_invoice.id"],
            name=op.f("fk_supplier_invoice_order_invoice_id_supplier_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["purchase_order.id"],
            name=op.f("fk_supplier_invoice_order_order_id_purchase_order"),
        ),
        sa.PrimaryKeyConstraint("invoice_id", "order_id", name=op.f("pk_supplier_invoice_order")),
    )
    with op.batch_alter_table("supplier_invoice_order", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_invoice_order_order_id"), ["order_id"], unique=False
        )

    op.create_table(
        "supplier_invoice_pdf",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file", sa.LargeBinary(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_invoice_pdf_uploaded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_invoice_pdf")),
    )


def downgrade() -> None:
    op.drop_table("supplier_invoice_pdf")
    with op.batch_alter_table("supplier_invoice_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_invoice_order_order_id"))
    op.drop_table("supplier_invoice_order")
    with op.batch_alter_table("supplier_invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_invoice_line_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_supplier_invoice_line_invoice_id"))
    op.drop_table("supplier_invoice_line")
    with op.batch_alter_table("supplier_invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_invoice_supplier_id"))
    op.drop_table("supplier_invoice")
    # Dropped in place (SQLite 3.35 and later drop a column without rebuilding the table, which
    # the offers and orders that point at the suppliers would forbid).
    op.drop_index(op.f("ix_supplier_vat_number"), table_name="supplier")
    op.drop_index(op.f("ix_supplier_siren"), table_name="supplier")
    op.drop_column("supplier", "vat_number")
    op.drop_column("supplier", "siren")
