"""sessions end on sign-out and password change: the user's auth generation

Revision ID: a5e2c7d9f013
Revises: 9a3c6e1f2b70
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a5e2c7d9f013'
down_revision: str | None = '9a3c6e1f2b70'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(
            sa.Column('auth_generation', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('auth_generation')
