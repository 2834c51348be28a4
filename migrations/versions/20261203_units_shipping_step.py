"""each product's shipping step: the smallest quantity a supplier ships of it

Every existing product ships in whole units (1), except one whose offers or needs already
count in fractions: it gets the thousandth, so that nothing stored stops being a multiple of
its step; the lead sets the right step on the product page. Problems stored with batches name
the thousandth for their products, the step the optimizer shared them in when they were
solved, so that they read back as they were computed.

Revision ID: units_shipping_step
Revises: identity_cooperative
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'units_shipping_step'
down_revision: str | None = 'identity_cooperative'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

THOUSANDTH = '0.001'


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch copy of the table: on SQLite the copy would drop a table
    # that needs and offers refer to.
    op.add_column(
        'product',
        sa.Column(
            'shipping_step',
            sa.Numeric(precision=14, scale=3),
            sa.CheckConstraint('shipping_step > 0', name=op.f('ck_product_shipping_step_positive')),
            server_default=sa.text('1'),
            nullable=False,
        ),
    )
    bind = op.get_bind()
    fractional = sa.text(
        'UPDATE product SET shipping_step = :step WHERE id IN ('
        ' SELECT product_id FROM offer WHERE pack_size <> ROUND(pack_size)'
        ' UNION SELECT product_id FROM need'
        '  WHERE product_id IS NOT NULL AND quantity <> ROUND(quantity))'
    )
    bind.execute(fractional, {'step': THOUSANDTH})
    batch = sa.table('batch', sa.column('id', sa.Integer), sa.column('problem', sa.JSON))
    for row in bind.execute(sa.select(batch.c.id, batch.c.problem)).all():
        problem = row.problem
        if not isinstance(problem, dict) or 'products' in problem:
            continue
        named = {need['product'] for need in problem.get('needs', [])}
        named |= {offer['product'] for offer in problem.get('offers', [])}
        problem = {
            **problem,
            'products': [{'id': p, 'shipping_step': THOUSANDTH} for p in sorted(named)],
        }
        bind.execute(batch.update().where(batch.c.id == row.id).values(problem=problem))


def downgrade() -> None:
    bind = op.get_bind()
    batch = sa.table('batch', sa.column('id', sa.Integer), sa.column('problem', sa.JSON))
    for row in bind.execute(sa.select(batch.c.id, batch.c.problem)).all():
        if isinstance(row.problem, dict) and 'products' in row.problem:
            problem = {k: v for k, v in row.problem.items() if k != 'products'}
            bind.execute(batch.update().where(batch.c.id == row.id).values(problem=problem))
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_product_shipping_step_positive'), type_='check')
        batch_op.drop_column('shipping_step')
