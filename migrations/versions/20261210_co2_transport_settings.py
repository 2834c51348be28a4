"""the lead's transport settings: emission factor with its source, road detour coefficient

Revision ID: co2_transport_settings
Revises: jobs_b_outgoing_email
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'co2_transport_settings'
down_revision: str | None = 'jobs_b_outgoing_email'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'transport_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('co2_kg_per_km', sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column('co2_dataset', sa.String(length=200), nullable=False),
        sa.Column('co2_version', sa.String(length=60), nullable=False),
        sa.Column('co2_line', sa.String(length=200), nullable=False),
        sa.Column('road_detour', sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column('road_detour_source', sa.String(length=300), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(
            'co2_kg_per_km IS NULL OR co2_kg_per_km > 0',
            name=op.f('ck_transport_settings_factor_positive'),
        ),
        sa.CheckConstraint(
            'road_detour IS NULL OR road_detour >= 1',
            name=op.f('ck_transport_settings_detour_at_least_one'),
        ),
        sa.ForeignKeyConstraint(
            ['updated_by_id'],
            ['user_account.id'],
            name=op.f('fk_transport_settings_updated_by_id_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transport_settings')),
    )


def downgrade() -> None:
    op.drop_table('transport_settings')
