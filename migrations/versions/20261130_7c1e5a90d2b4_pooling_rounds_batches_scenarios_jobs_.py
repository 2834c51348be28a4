"""pooling rounds, batches, scenarios, jobs and notices

Revision ID: 7c1e5a90d2b4
Revises: 3b34b3fead8c
Create Date: 2026-11-30 01:01:55.179773
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7c1e5a90d2b4'
down_revision: str | None = '3b34b3fead8c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=120), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_job_status_known')),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_job_progress_percent')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_job_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_status'), ['status'], unique=False)

    op.create_table('pooling_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cron', sa.String(length=120), nullable=False),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_pooling_schedule_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pooling_schedule'))
    )
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("audience IN ('members', 'leads')", name=op.f('ck_notice_audience_known')),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_notice_batch_id_batch')),
    sa.ForeignKeyConstraint(['round_id'], ['pooling_round.id'], name=op.f('fk_notice_round_id_pooling_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('kind', 'round_id', 'batch_id', name=op.f('uq_notice_kind_round_id_batch_id'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.alter_column('packs', existing_type=sa.Integer(), type_=sa.Numeric(precision=14, scale=3), existing_nullable=False)

    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problem', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('awaiting_match', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('frontier', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standing', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('repeat_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_foreign_key(batch_op.f('fk_need_repeat_of_id_need'), 'need', ['repeat_of_id'], ['id'])

    with op.batch_alter_table('pooling_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('cutoff_at',
               existing_type=sa.DateTime(timezone=True),
               nullable=True)
        batch_op.create_index('uq_pooling_round_one_open', ['status'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.create_foreign_key(batch_op.f('fk_pooling_round_closed_by_id_user_account'), 'user_account', ['closed_by_id'], ['id'])

    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('policy_key', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_scenario_batch_id_number'), ['batch_id', 'number'])
        batch_op.create_unique_constraint(batch_op.f('uq_scenario_batch_id_policy_key'), ['batch_id', 'policy_key'])
        batch_op.create_foreign_key(batch_op.f('fk_scenario_job_id_job'), 'job', ['job_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_scenario_created_by_id_user_account'), 'user_account', ['created_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table("scenario", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_scenario_created_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_scenario_job_id_job'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_scenario_batch_id_policy_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_scenario_batch_id_number'), type_='unique')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('job_id')
        batch_op.drop_column('policy_key')
        batch_op.drop_column('number')

    with op.batch_alter_table('pooling_round', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pooling_round_closed_by_id_user_account'), type_='foreignkey')
        batch_op.drop_index('uq_pooling_round_one_open', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.alter_column('cutoff_at',
               existing_type=sa.DateTime(timezone=True),
               nullable=False)
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('closed_by_id')

    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_need_repeat_of_id_need'), type_='foreignkey')
        batch_op.drop_column('version')
        batch_op.drop_column('repeat_of_id')
        batch_op.drop_column('standing')

    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.alter_column('packs', existing_type=sa.Numeric(precision=14, scale=3), type_=sa.Integer(), existing_nullable=False, postgresql_using='packs::integer')

    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_column('frontier')
        batch_op.drop_column('awaiting_match')
        batch_op.drop_column('problem')

    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_round_id'))
        batch_op.drop_index(batch_op.f('ix_notice_created_at'))
        batch_op.drop_index(batch_op.f('ix_notice_batch_id'))

    op.drop_table('notice')
    op.drop_table('pooling_schedule')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_status'))
        batch_op.drop_index(batch_op.f('ix_job_kind'))

    op.drop_table('job')
