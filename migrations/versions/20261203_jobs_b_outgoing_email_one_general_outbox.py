"""outgoing email: one general outbox; each order e-mail keeps its state there

Revision ID: jobs_b_outgoing_email
Revises: jobs_a_document_counter
Create Date: 2026-12-03 09:30:00.000000

Each `order_email` row becomes an `outgoing_email` row of the same id, with its state (queued,
waiting, sent, failed, uncertain), attempts, error, dates and whether it was handed over; the
order e-mail keeps its order and link and points to it. The content of an e-mail still queued
or waiting was never stored: the order's purpose composes it as it goes. Queued sending jobs
become jobs of the general kind.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'jobs_b_outgoing_email'
down_revision: str | None = 'jobs_a_document_counter'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "status IN ('queued', 'waiting', 'sent', 'failed', 'uncertain')"
MOVED = (
    'recipient',
    'status',
    'attempts',
    'last_error',
    'next_attempt_at',
    'message_id',
    'handed_over_at',
    'requested_by_id',
    'created_at',
    'sent_at',
)


def upgrade() -> None:
    op.create_table(
        'outgoing_email',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('idempotency_key', sa.String(length=200), nullable=False),
        sa.Column('purpose', sa.String(length=40), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('reply_to', sa.String(length=254), nullable=False),
        sa.Column('sender_name', sa.String(length=200), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(STATUSES, name=op.f('ck_outgoing_email_status_known')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_outgoing_email_attempts_not_negative')),
        sa.CheckConstraint(
            "idempotency_key <> ''", name=op.f('ck_outgoing_email_idempotency_key_given')
        ),
        sa.ForeignKeyConstraint(
            ['requested_by_id'],
            ['user_account.id'],
            name=op.f('fk_outgoing_email_requested_by_id_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_email')),
        sa.UniqueConstraint('idempotency_key', name=op.f('uq_outgoing_email_idempotency_key')),
    )
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_email_purpose'), ['purpose'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_email_status'), ['status'], unique=False)
    op.create_table(
        'outgoing_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('mime_type', sa.String(length=100), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['email_id'],
            ['outgoing_email.id'],
            name=op.f('fk_outgoing_attachment_email_id_outgoing_email'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_attachment')),
        sa.UniqueConstraint(
            'email_id', 'position', name=op.f('uq_outgoing_attachment_email_id_position')
        ),
    )
    with op.batch_alter_table('outgoing_attachment', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_outgoing_attachment_email_id'), ['email_id'], unique=False
        )

    # The n-th e-mail of an order has the key the application gives its n-th sending.
    op.execute(
        "INSERT INTO outgoing_email (id, idempotency_key, purpose, recipient, reply_to, "
        "sender_name, subject, body, status, attempts, last_error, next_attempt_at, message_id, "
        "handed_over_at, requested_by_id, created_at, sent_at) "
        "SELECT id, 'purchase_order/' || order_id || '/' || "
        "ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY id), 'purchase_order', recipient, "
        "'', '', '', NULL, status, attempts, last_error, next_attempt_at, message_id, "
        "handed_over_at, requested_by_id, created_at, sent_at FROM order_email"
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "SELECT setval(pg_get_serial_sequence('outgoing_email', 'id'), "
            "COALESCE(MAX(id), 0) + 1, false) FROM outgoing_email"
        )
    with op.batch_alter_table('order_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_id', sa.Integer(), nullable=True))
    op.execute("UPDATE order_email SET email_id = id")
    with op.batch_alter_table('order_email', schema=None) as batch_op:
        batch_op.alter_column('email_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_order_email_email_id'), ['email_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_order_email_email_id_outgoing_email'),
            'outgoing_email',
            ['email_id'],
            ['id'],
        )
        batch_op.drop_index(batch_op.f('ix_order_email_status'))
        batch_op.drop_constraint(op.f('ck_order_email_status_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_order_email_attempts_not_negative'), type_='check')
        batch_op.drop_constraint(
            op.f('fk_order_email_requested_by_id_user_account'), type_='foreignkey'
        )
        for column in MOVED:
            batch_op.drop_column(column)
    op.execute("UPDATE job SET kind = 'send_email' WHERE kind = 'send_order_email'")


def downgrade() -> None:
    op.execute("UPDATE job SET kind = 'send_order_email' WHERE kind = 'send_email'")
    with op.batch_alter_table('order_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('message_id', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
    for column in MOVED:
        op.execute(
            f"UPDATE order_email SET {column} = (SELECT outgoing_email.{column} "
            "FROM outgoing_email WHERE outgoing_email.id = order_email.email_id)"
        )
    with op.batch_alter_table('order_email', schema=None) as batch_op:
        for column in ('recipient', 'status', 'attempts', 'last_error', 'message_id'):
            batch_op.alter_column(column, nullable=False)
        batch_op.alter_column('created_at', nullable=False)
        batch_op.create_check_constraint(op.f('ck_order_email_status_known'), STATUSES)
        batch_op.create_check_constraint(
            op.f('ck_order_email_attempts_not_negative'), 'attempts >= 0'
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_order_email_requested_by_id_user_account'),
            'user_account',
            ['requested_by_id'],
            ['id'],
        )
        batch_op.create_index(batch_op.f('ix_order_email_status'), ['status'], unique=False)
        batch_op.drop_constraint(
            batch_op.f('fk_order_email_email_id_outgoing_email'), type_='foreignkey'
        )
        batch_op.drop_constraint(batch_op.f('uq_order_email_email_id'), type_='unique')
        batch_op.drop_column('email_id')
    with op.batch_alter_table('outgoing_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_attachment_email_id'))
    op.drop_table('outgoing_attachment')
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_email_status'))
        batch_op.drop_index(batch_op.f('ix_outgoing_email_purpose'))
    op.drop_table('outgoing_email')
