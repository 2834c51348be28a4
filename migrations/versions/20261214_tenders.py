"""tenders: requests for quotes on a batch's pooled lines, the quotes, and offers valid for
one tender only

Revision ID: tenders
Revises: si_pay
Create Date: 2026-12-11 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "tenders"
down_revision: str | None = "si_pay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tender",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wanted_date", sa.Date(), nullable=False),
        sa.Column("evidence_wanted", sa.JSON(), nullable=False),
        sa.Column("rules", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("problem", sa.JSON(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "rules IN ('per_line', 'whole_lot')", name=op.f("ck_tender_rules_known")
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_tender_status_known")),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"], name=op.f("fk_tender_batch_id_batch")),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user_account.id"], name=op.f("fk_tender_closed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_tender_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender")),
    )
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tender_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tender_status"), ["status"], unique=False)

    op.create_table(
        "tender_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("new_supplier", sa.Boolean(), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("email_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checked_by_id"],
            ["user_account.id"],
            name=op.f("fk_tender_invitation_checked_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["email_id"],
            ["outgoing_email.id"],
            name=op.f("fk_tender_invitation_email_id_outgoing_email"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["supplier.id"], name=op.f("fk_tender_invitation_supplier_id_supplier")
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_tender_invitation_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_invitation")),
        sa.UniqueConstraint(
            "tender_id", "email", name=op.f("uq_tender_invitation_tender_id_email")
        ),
        sa.UniqueConstraint(
            "tender_id", "supplier_id", name=op.f("uq_tender_invitation_tender_id_supplier_id")
        ),
    )
    with op.batch_alter_table("tender_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tender_invitation_supplier_id"), ["supplier_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tender_invitation_tender_id"), ["tender_id"], unique=False
        )

    op.create_table(
        "tender_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("towns", sa.JSON(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_tender_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_tender_line_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_tender_line_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_line")),
        sa.UniqueConstraint(
            "tender_id", "product_id", name=op.f("uq_tender_line_tender_id_product_id")
        ),
    )
    with op.batch_alter_table("tender_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tender_line_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "tender_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("baseline_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["baseline_id"],
            ["scenario.id"],
            name=op.f("fk_tender_scenario_baseline_id_scenario"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenario.id"],
            name=op.f("fk_tender_scenario_scenario_id_scenario"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_tender_scenario_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_scenario")),
        sa.UniqueConstraint("scenario_id", name=op.f("uq_tender_scenario_scenario_id")),
    )
    with op.batch_alter_table("tender_scenario", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tender_scenario_tender_id"), ["tender_id"], unique=False
        )

    op.create_table(
        "tender_quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("delivery_fee", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("fee_waived_above", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "delivery_fee >= 0", name=op.f("ck_tender_quote_delivery_fee_not_negative")
        ),
        sa.CheckConstraint(
            "fee_waived_above IS NULL OR fee_waived_above >= 0",
            name=op.f("ck_tender_quote_waiver_not_negative"),
        ),
        sa.CheckConstraint(
            "length(decline_reason) <= 1000", name=op.f("ck_tender_quote_reason_length")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["tender_invitation.id"],
            name=op.f("fk_tender_quote_invitation_id_tender_invitation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_quote")),
        sa.UniqueConstraint("invitation_id", name=op.f("uq_tender_quote_invitation_id")),
    )
    op.create_table(
        "tender_quote_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("tender_line_id", sa.Integer(), nullable=False),
        sa.Column("pack_size", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("min_order_quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("label_expires_on", sa.Date(), nullable=True),
        sa.Column("recycled_content", sa.Integer(), nullable=False),
        sa.Column("document_name", sa.String(length=255), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "lead_time_days >= 0", name=op.f("ck_tender_quote_line_lead_time_not_negative")
        ),
        sa.CheckConstraint(
            "min_order_quantity >= 0", name=op.f("ck_tender_quote_line_min_order_not_negative")
        ),
        sa.CheckConstraint("pack_size > 0", name=op.f("ck_tender_quote_line_pack_size_positive")),
        sa.CheckConstraint(
            "recycled_content BETWEEN 0 AND 100",
            name=op.f("ck_tender_quote_line_recycled_content_percent"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offer.id"], name=op.f("fk_tender_quote_line_offer_id_offer")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["tender_quote.id"],
            name=op.f("fk_tender_quote_line_quote_id_tender_quote"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tender_line_id"],
            ["tender_line.id"],
            name=op.f("fk_tender_quote_line_tender_line_id_tender_line"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_quote_line")),
        sa.UniqueConstraint(
            "quote_id", "tender_line_id", name=op.f("uq_tender_quote_line_quote_id_tender_line_id")
        ),
    )
    with op.batch_alter_table("tender_quote_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tender_quote_line_quote_id"), ["quote_id"], unique=False
        )

    op.create_table(
        "tender_quote_tier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("min_quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.CheckConstraint(
            "min_quantity >= 0", name=op.f("ck_tender_quote_tier_min_quantity_not_negative")
        ),
        sa.CheckConstraint(
            "unit_price >= 0", name=op.f("ck_tender_quote_tier_unit_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["tender_quote_line.id"],
            name=op.f("fk_tender_quote_tier_line_id_tender_quote_line"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_quote_tier")),
        sa.UniqueConstraint(
            "line_id", "min_quantity", name=op.f("uq_tender_quote_tier_line_id_min_quantity")
        ),
    )
    with op.batch_alter_table("tender_quote_tier", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tender_quote_tier_line_id"), ["line_id"], unique=False)

    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tender_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_offer_tender_id"), ["tender_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_tender_id"))
        batch_op.drop_column("tender_id")

    with op.batch_alter_table("tender_quote_tier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_quote_tier_line_id"))

    op.drop_table("tender_quote_tier")
    with op.batch_alter_table("tender_quote_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_quote_line_quote_id"))

    op.drop_table("tender_quote_line")
    op.drop_table("tender_quote")
    with op.batch_alter_table("tender_scenario", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_scenario_tender_id"))

    op.drop_table("tender_scenario")
    with op.batch_alter_table("tender_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_line_tender_id"))

    op.drop_table("tender_line")
    with op.batch_alter_table("tender_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_invitation_tender_id"))
        batch_op.drop_index(batch_op.f("ix_tender_invitation_supplier_id"))

    op.drop_table("tender_invitation")
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_status"))
        batch_op.drop_index(batch_op.f("ix_tender_batch_id"))

    op.drop_table("tender")
