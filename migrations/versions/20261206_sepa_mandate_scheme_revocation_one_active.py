"""sepa: a mandate's scheme and revocation date, one active mandate per member

Revision ID: sepa
Revises: money_ledger
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sepa"
down_revision: str | None = "money_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sepa_mandate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scheme", sa.String(length=4), nullable=False, server_default="B2B")
        )
        batch_op.add_column(sa.Column("revoked_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_sepa_mandate_scheme_known"), "scheme = 'B2B'")
        batch_op.create_check_constraint(
            op.f("ck_sepa_mandate_revoked_has_date"), "active OR revoked_on IS NOT NULL"
        )
        batch_op.create_index(
            "ix_sepa_mandate_one_active",
            ["member_id"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )


def downgrade() -> None:
    with op.batch_alter_table("sepa_mandate", schema=None) as batch_op:
        batch_op.drop_index("ix_sepa_mandate_one_active")
        batch_op.drop_constraint(op.f("ck_sepa_mandate_revoked_has_date"), type_="check")
        batch_op.drop_constraint(op.f("ck_sepa_mandate_scheme_known"), type_="check")
        batch_op.drop_column("revoked_on")
        batch_op.drop_column("scheme")
