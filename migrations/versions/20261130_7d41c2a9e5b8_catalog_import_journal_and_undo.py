"""catalog import journal and undo

Revision ID: 7d41c2a9e5b8
Revises: 7c1e5a90d2b4
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7d41c2a9e5b8'
down_revision: str | None = '7c1e5a90d2b4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('analysing', 'ready', 'invalid', 'imported', 'failed')"
NEW_STATUSES = "status IN ('analysing', 'ready', 'invalid', 'imported', 'failed', 'undone')"


def upgrade() -> None:
    with op.batch_alter_table('catalog_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('journal', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_catalog_upload_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_catalog_upload_status_known'), NEW_STATUSES)


def downgrade() -> None:
    op.execute("UPDATE catalog_upload SET status = 'imported' WHERE status = 'undone'")
    with op.batch_alter_table('catalog_upload', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_catalog_upload_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_catalog_upload_status_known'), OLD_STATUSES)
        batch_op.drop_column('undone_at')
        batch_op.drop_column('journal')
