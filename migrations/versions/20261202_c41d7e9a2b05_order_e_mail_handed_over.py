"""order e-mails: when the message started to go to the SMTP server, and the uncertain state

Revision ID: c41d7e9a2b05
Revises: 8e2f61b7c3a9
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c41d7e9a2b05'
down_revision: str | None = '8e2f61b7c3a9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "status IN ('queued', 'waiting', 'sent', 'failed')"
AFTER = "status IN ('queued', 'waiting', 'sent', 'failed', 'uncertain')"


def upgrade() -> None:
    with op.batch_alter_table('order_email') as batch_op:
        batch_op.add_column(sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f('ck_order_email_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_order_email_status_known'), AFTER)


def downgrade() -> None:
    op.execute("UPDATE order_email SET status = 'failed' WHERE status = 'uncertain'")
    with op.batch_alter_table('order_email') as batch_op:
        batch_op.drop_constraint(op.f('ck_order_email_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_order_email_status_known'), BEFORE)
        batch_op.drop_column('handed_over_at')
