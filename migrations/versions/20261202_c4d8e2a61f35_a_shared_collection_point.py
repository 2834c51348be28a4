"""a shared collection point: one delivery site of the cooperative, at most

Revision ID: c4d8e2a61f35
Revises: c41d7e9a2b05
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c4d8e2a61f35'
down_revision: str | None = 'c41d7e9a2b05'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delivery_site', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('collection_point', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            'uq_delivery_site_one_collection_point',
            ['collection_point'],
            unique=True,
            sqlite_where=sa.text('collection_point'),
            postgresql_where=sa.text('collection_point'),
        )


def downgrade() -> None:
    with op.batch_alter_table('delivery_site', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_delivery_site_one_collection_point',
            sqlite_where=sa.text('collection_point'),
            postgresql_where=sa.text('collection_point'),
        )
        batch_op.drop_column('collection_point')
