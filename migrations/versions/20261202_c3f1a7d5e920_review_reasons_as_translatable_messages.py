"""review reasons as translatable messages

Revision ID: c3f1a7d5e920
Revises: c4d8e2a61f35
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c3f1a7d5e920'
down_revision: str | None = 'c4d8e2a61f35'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MATCHES = sa.table(
    'product_match',
    sa.column('id', sa.Integer),
    sa.column('reason', sa.String),
    sa.column('reasons', sa.JSON),
)


def _render(message: dict) -> str:
    """A stored message in English, its parameters rendered (a message, an amount in euros)."""
    params = {}
    for name, value in message.get('params', {}).items():
        if isinstance(value, dict) and 'message' in value:
            value = _render(value['message'])
        elif isinstance(value, dict) and 'euros' in value:
            value = f"{value['euros']} €"
        params[name] = value
    return message['text'] % params if params else message['text']


def upgrade() -> None:
    with op.batch_alter_table('product_match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reasons', sa.JSON(), nullable=True))
    connection = op.get_bind()
    # A reason written before is kept as a message without parameters: shown as it was written.
    for match_id, reason in connection.execute(sa.select(MATCHES.c.id, MATCHES.c.reason)):
        reasons = [{'text': part, 'params': {}} for part in reason.split('; ') if part]
        connection.execute(
            MATCHES.update().where(MATCHES.c.id == match_id).values(reasons=reasons)
        )
    with op.batch_alter_table('product_match', schema=None) as batch_op:
        batch_op.alter_column('reasons', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('reason')


def downgrade() -> None:
    with op.batch_alter_table('product_match', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('reason', sa.String(length=300), nullable=False, server_default='')
        )
    connection = op.get_bind()
    for match_id, reasons in connection.execute(sa.select(MATCHES.c.id, MATCHES.c.reasons)):
        text = '; '.join(_render(reason) for reason in reasons or [])
        connection.execute(
            MATCHES.update().where(MATCHES.c.id == match_id).values(reason=text[:300])
        )
    with op.batch_alter_table('product_match', schema=None) as batch_op:
        batch_op.alter_column('reason', existing_type=sa.String(length=300), server_default=None)
        batch_op.drop_column('reasons')
