"""the cooperative's record, seeded from the COACHAT_COOPERATIVE_* settings, and issued orders

Revision ID: identity_cooperative
Revises: c3f1a7d5e920
Create Date: 2026-12-05 06:05:14.070741

The cooperative's identity lived in environment variables; it becomes one row kept by the
admin. The row is seeded from those variables when they are set (read once, here), else with a
generic name the admin replaces on the cooperative's page.
"""

import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = 'identity_cooperative'
down_revision: str | None = 'c3f1a7d5e920'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_NAME = "Coopérative d'achats coachat"
SETTINGS = {  # column: (variable, longest value)
    'name': ('COACHAT_COOPERATIVE_NAME', 200),
    'address': ('COACHAT_COOPERATIVE_ADDRESS', 300),
    'postcode': ('COACHAT_COOPERATIVE_POSTCODE', 10),
    'town': ('COACHAT_COOPERATIVE_TOWN', 120),
    'contact_name': ('COACHAT_COOPERATIVE_CONTACT', 120),
    'email': ('COACHAT_COOPERATIVE_EMAIL', 254),
    'phone': ('COACHAT_COOPERATIVE_PHONE', 30),
}


def seed() -> dict[str, object]:
    """The first record, from the settings the documents read until now."""
    row: dict[str, object] = {
        column: ' '.join(os.environ.get(variable, '').split())[:longest]
        for column, (variable, longest) in SETTINGS.items()
    }
    row['name'] = row['name'] or DEFAULT_NAME
    siret = re.sub(r'\s', '', os.environ.get('COACHAT_COOPERATIVE_SIRET', ''))[:14]
    row['siret'] = siret
    # The SIREN is the SIRET's head; a wrong SIRET is kept for the admin to see and correct.
    row['siren'] = siret[:9] if len(siret) == 14 and siret.isdigit() else ''
    row.update(
        id=1,
        legal_form='',
        vat_number='',
        country='FR',
        iban='',
        bic='',
        sepa_creditor_id='',
        payment_terms_days=None,
        late_penalty_rate=None,
        logo=None,
        logo_type='',
        updated_at=datetime.now(UTC),
    )
    return row


def upgrade() -> None:
    cooperative = op.create_table(
        'cooperative',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('legal_form', sa.String(length=100), nullable=False),
        sa.Column('siren', sa.String(length=9), nullable=False),
        sa.Column('siret', sa.String(length=14), nullable=False),
        sa.Column('vat_number', sa.String(length=13), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=False),
        sa.Column('postcode', sa.String(length=10), nullable=False),
        sa.Column('town', sa.String(length=120), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('contact_name', sa.String(length=120), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=30), nullable=False),
        sa.Column('iban', sa.String(length=34), nullable=False),
        sa.Column('bic', sa.String(length=11), nullable=False),
        sa.Column('sepa_creditor_id', sa.String(length=35), nullable=False),
        sa.Column('payment_terms_days', sa.Integer(), nullable=True),
        sa.Column('late_penalty_rate', sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column('logo', sa.LargeBinary(), nullable=True),
        sa.Column('logo_type', sa.String(length=4), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "logo_type IN ('', 'png', 'jpeg')", name=op.f('ck_cooperative_logo_type_known')
        ),
        sa.CheckConstraint('id = 1', name=op.f('ck_cooperative_one_row')),
        sa.CheckConstraint(
            'late_penalty_rate IS NULL OR (late_penalty_rate > 0 AND late_penalty_rate <= 1)',
            name=op.f('ck_cooperative_late_penalty_rate_range'),
        ),
        sa.CheckConstraint(
            'payment_terms_days IS NULL OR payment_terms_days BETWEEN 0 AND 60',
            name=op.f('ck_cooperative_payment_terms_range'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperative')),
    )
    op.bulk_insert(cooperative, [seed()])
    op.create_table(
        'issued_order',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('buyer', sa.JSON(), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('csv', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['order_id'],
            ['purchase_order.id'],
            name=op.f('fk_issued_order_order_id_purchase_order'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('order_id', name=op.f('pk_issued_order')),
    )


def downgrade() -> None:
    op.drop_table('issued_order')
    op.drop_table('cooperative')
