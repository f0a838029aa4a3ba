"""balances: room for any balance (NUMERIC(20,2) for balances and ledger entries)

Revision ID: d3b2c3d4e5f6
Revises: ab4f5c6d7e8f
Create Date: 2026-12-08 02:00:00.000000+00:00

A balance may never refuse a credit for lack of room (SPEC §13: balances hold at least 10^15).
NUMERIC(14,2) stopped below 10^12, and one credit past it refused the whole bank file it came in.
Widening a numeric's precision at the same scale rewrites nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d3b2c3d4e5f6"
down_revision: str | None = "ab4f5c6d7e8f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("account_balances", "balance"), ("account_entries", "amount"))


def upgrade() -> None:
    for table, column in _COLUMNS:
        op.alter_column(table, column, type_=sa.Numeric(20, 2), existing_type=sa.Numeric(14, 2))


def downgrade() -> None:
    for table, column in _COLUMNS:
        op.alter_column(table, column, type_=sa.Numeric(14, 2), existing_type=sa.Numeric(20, 2))
