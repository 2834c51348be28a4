"""si_match: the match's tolerances; a line's reasons as text, who accepted it; a refusal's reason; credit notes found by the invoice they correct

Revision ID: si_match
Revises: si_receive
Create Date: 2026-12-13 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.base

revision: str = "si_match"
down_revision: str | None = "si_receive"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supplier_match_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("price_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("quantity_units", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("updated_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_supplier_match_settings_one_row")),
        sa.CheckConstraint(
            "price_percent >= 0 AND price_percent <= 50",
            name=op.f("ck_supplier_match_settings_price_percent_range"),
        ),
        sa.CheckConstraint(
            "quantity_units >= 0",
            name=op.f("ck_supplier_match_settings_quantity_units_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_match_settings_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_match_settings")),
    )
    # Nothing points at an invoice line: SQLite may rebuild the table to change a type.
    with op.batch_alter_table("supplier_invoice_line", schema=None) as batch_op:
        batch_op.alter_column(
            "reason", existing_type=sa.String(length=300), type_=sa.Text(), existing_nullable=True
        )
        batch_op.add_column(sa.Column("accepted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("accepted_at", persistence.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_supplier_invoice_line_accepted_by_id_user_account"),
            "user_account",
            ["accepted_by_id"],
            ["id"],
        )
    # Added in place: the invoice's lines and orders point at it.
    op.add_column(
        "supplier_invoice",
        sa.Column("refusal_reason", sa.Text(), server_default="", nullable=False),
    )
    op.create_index(
        op.f("ix_supplier_invoice_corrects_id"), "supplier_invoice", ["corrects_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_supplier_invoice_corrects_id"), table_name="supplier_invoice")
    op.drop_column("supplier_invoice", "refusal_reason")
    with op.batch_alter_table("supplier_invoice_line", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_supplier_invoice_line_accepted_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("accepted_at")
        batch_op.drop_column("accepted_by_id")
        batch_op.alter_column(
            "reason", existing_type=sa.Text(), type_=sa.String(length=300), existing_nullable=True
        )
    op.drop_table("supplier_match_settings")
