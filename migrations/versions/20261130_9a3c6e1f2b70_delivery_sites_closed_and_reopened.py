"""delivery sites closed and reopened

Revision ID: 9a3c6e1f2b70
Revises: 7d41c2a9e5b8
Create Date: 2026-11-30 02:26:52.152479
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9a3c6e1f2b70'
down_revision: str | None = '7d41c2a9e5b8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delivery_site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))



def downgrade() -> None:
    with op.batch_alter_table('delivery_site', schema=None) as batch_op:
        batch_op.drop_column('active')

