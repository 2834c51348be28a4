"""scheduler heartbeat

Revision ID: 6b2d8f4a1c57
Revises: 4e8f1b6c2a93
Create Date: 2026-11-30 02:49:45.641702
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6b2d8f4a1c57'
down_revision: str | None = '4e8f1b6c2a93'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('process_heartbeat',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_process_heartbeat'))
    )


def downgrade() -> None:
    op.drop_table('process_heartbeat')
