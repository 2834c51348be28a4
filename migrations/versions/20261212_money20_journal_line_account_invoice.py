"""money20: the journal's receivable lines found by account and invoice

Revision ID: money20
Revises: sepa
Create Date: 2026-12-12 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "money20"
down_revision: str | None = "sepa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_journal_line_account_invoice", "journal_line", ["account", "invoice_ref"])


def downgrade() -> None:
    op.drop_index("ix_journal_line_account_invoice", table_name="journal_line")
