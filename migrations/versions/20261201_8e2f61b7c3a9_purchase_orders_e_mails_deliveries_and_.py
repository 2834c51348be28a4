"""purchase orders, e-mails, deliveries and category VAT rates

Revision ID: 8e2f61b7c3a9
Revises: 6b2d8f4a1c57
Create Date: 2026-11-30 01:51:25.512944
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8e2f61b7c3a9'
down_revision: str | None = '6b2d8f4a1c57'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The order tables were never used before: they are made again in their full shape.
    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_line_order_id'))
    op.drop_table('purchase_order_line')
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_batch_id'))
    op.drop_table('purchase_order')
    op.create_table('order_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_number >= 0', name=op.f('ck_order_counter_last_number_not_negative')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_order_counter'))
    )
    op.create_table('purchase_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('expected_on', sa.Date(), nullable=False),
    sa.Column('delivery_fee', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('total_excl_vat', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('total_incl_vat', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('supplier_answer', sa.String(length=16), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('proposed_date', sa.Date(), nullable=True),
    sa.Column('supplier_note', sa.Text(), nullable=False),
    sa.Column('link_nonce', sa.String(length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'sent', 'confirmed', 'received', 'cancelled')", name=op.f('ck_purchase_order_status_known')),
    sa.CheckConstraint("supplier_answer IN ('', 'confirmed', 'changed', 'change_accepted', 'change_refused')", name=op.f('ck_purchase_order_answer_known')),
    sa.CheckConstraint('sequence > 0', name=op.f('ck_purchase_order_sequence_positive')),
    sa.CheckConstraint('total_excl_vat >= 0', name=op.f('ck_purchase_order_total_not_negative')),
    sa.CheckConstraint('total_incl_vat >= total_excl_vat', name=op.f('ck_purchase_order_vat_not_negative')),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_purchase_order_batch_id_batch')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_purchase_order_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['user_account.id'], name=op.f('fk_purchase_order_sent_by_id_user_account')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_purchase_order_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order')),
    sa.UniqueConstraint('batch_id', 'supplier_id', name=op.f('uq_purchase_order_batch_id_supplier_id')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_order_number')),
    sa.UniqueConstraint('year', 'sequence', name=op.f('uq_purchase_order_year_sequence'))
    )
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_batch_id'), ['batch_id'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_delivery_order_id_purchase_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_delivery_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['site_id'], ['delivery_site.id'], name=op.f('fk_delivery_site_id_delivery_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_order_id'), ['order_id'], unique=False)

    op.create_table('order_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('link', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'waiting', 'sent', 'failed')", name=op.f('ck_order_email_status_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_order_email_attempts_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_order_email_order_id_purchase_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_order_email_requested_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_email'))
    )
    with op.batch_alter_table('order_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_email_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_email_status'), ['status'], unique=False)

    op.create_table('purchase_order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('packs', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('line_total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('proposed_quantity', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.CheckConstraint('packs >= 0', name=op.f('ck_purchase_order_line_packs_not_negative')),
    sa.CheckConstraint('proposed_quantity IS NULL OR proposed_quantity >= 0', name=op.f('ck_purchase_order_line_proposal_not_negative')),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_purchase_order_line_quantity_not_negative')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_purchase_order_line_unit_price_not_negative')),
    sa.CheckConstraint('vat_rate >= 0 AND vat_rate < 1', name=op.f('ck_purchase_order_line_vat_rate_range')),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_purchase_order_line_offer_id_offer')),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_purchase_order_line_order_id_purchase_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_line')),
    sa.UniqueConstraint('order_id', 'offer_id', name=op.f('uq_purchase_order_line_order_id_offer_id'))
    )
    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_line_order_id'), ['order_id'], unique=False)

    op.create_table('delivery_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('received', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('missing', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('damaged', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('substituted', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('received >= 0 AND missing >= 0 AND damaged >= 0 AND substituted >= 0', name=op.f('ck_delivery_line_quantities_not_negative')),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_delivery_line_delivery_id_delivery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_line_id'], ['purchase_order_line.id'], name=op.f('fk_delivery_line_order_line_id_purchase_order_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_line'))
    )
    with op.batch_alter_table('delivery_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_line_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_line_order_line_id'), ['order_line_id'], unique=False)

    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_quantity', sa.Numeric(precision=14, scale=3), nullable=True))

    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vat_rate', sa.Numeric(precision=12, scale=4), nullable=False, server_default='0.20'))
        batch_op.create_check_constraint(op.f('ck_category_vat_rate_range'), 'vat_rate >= 0 AND vat_rate < 1')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.alter_column('vat_rate', server_default=None)



def downgrade() -> None:
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_category_vat_rate_range'), type_='check')
        batch_op.drop_column('vat_rate')

    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.drop_column('received_quantity')

    with op.batch_alter_table('delivery_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_line_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_line_delivery_id'))

    op.drop_table('delivery_line')
    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_line_order_id'))

    op.drop_table('purchase_order_line')
    with op.batch_alter_table('order_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_email_status'))
        batch_op.drop_index(batch_op.f('ix_order_email_order_id'))

    op.drop_table('order_email')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_order_id'))

    op.drop_table('delivery')
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_batch_id'))

    op.drop_table('purchase_order')
    op.drop_table('order_counter')

    op.create_table('purchase_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('delivery_fee', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('total_excl_vat', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('total_incl_vat', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'sent', 'confirmed', 'received', 'cancelled')", name=op.f('ck_purchase_order_status_known')),
    sa.CheckConstraint('total_excl_vat >= 0', name=op.f('ck_purchase_order_total_not_negative')),
    sa.CheckConstraint('total_incl_vat >= total_excl_vat', name=op.f('ck_purchase_order_vat_not_negative')),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_purchase_order_batch_id_batch')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_purchase_order_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order')),
    sa.UniqueConstraint('batch_id', 'supplier_id', name=op.f('uq_purchase_order_batch_id_supplier_id')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_order_number'))
    )
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_batch_id'), ['batch_id'], unique=False)

    op.create_table('purchase_order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('packs', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('line_total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.CheckConstraint('packs > 0', name=op.f('ck_purchase_order_line_packs_positive')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_purchase_order_line_quantity_positive')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_purchase_order_line_unit_price_not_negative')),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_purchase_order_line_offer_id_offer')),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_purchase_order_line_order_id_purchase_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_line'))
    )
    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_line_order_id'), ['order_id'], unique=False)
