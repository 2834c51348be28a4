"""The journal's receivable lines found by account and invoice

Revision ID: journal_line_account_invoice
Revises: tenders
Create Date: 2026-12-12 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "journal_line_account_invoice"
down_revision: str | None = "tenders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_journal_line_account_invoice", "journal_line", ["account", "invoice_ref"])


def downgrade() -> None:
    op.drop_index("ix_journal_line_account_invoice", table_name="journal_line")
