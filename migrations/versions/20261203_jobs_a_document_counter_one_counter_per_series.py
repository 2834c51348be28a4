"""document counter: one counter per series and year; the purchase orders' counts move to `BC`

Revision ID: jobs_a_document_counter
Revises: units_shipping_step
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'jobs_a_document_counter'
down_revision: str | None = 'units_shipping_step'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'document_counter',
        sa.Column('series', sa.String(length=10), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.CheckConstraint(
            'last_number >= 0', name=op.f('ck_document_counter_last_number_not_negative')
        ),
        sa.CheckConstraint("series <> ''", name=op.f('ck_document_counter_series_named')),
        sa.PrimaryKeyConstraint('series', 'year', name=op.f('pk_document_counter')),
    )
    op.execute(
        "INSERT INTO document_counter (series, year, last_number) "
        "SELECT 'BC', year, last_number FROM order_counter"
    )
    op.drop_table('order_counter')


def downgrade() -> None:
    op.create_table(
        'order_counter',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.CheckConstraint(
            'last_number >= 0', name=op.f('ck_order_counter_last_number_not_negative')
        ),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_order_counter')),
    )
    op.execute(
        "INSERT INTO order_counter (year, last_number) "
        "SELECT year, last_number FROM document_counter WHERE series = 'BC'"
    )
    op.drop_table('document_counter')
