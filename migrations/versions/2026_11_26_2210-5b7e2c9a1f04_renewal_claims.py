"""renewal claims: a lease on subscriptions taken by the renewal runner

Revision ID: 5b7e2c9a1f04
Revises: d63c54d7355d
Create Date: 2026-11-26 22:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7e2c9a1f04"
down_revision: str | None = "d63c54d7355d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DUE = sa.text("status = 'active' AND auto_renew")


def upgrade() -> None:
    op.add_column(
        "subscriptions",
        sa.Column("renewal_claimed_until", sa.DateTime(timezone=True), nullable=True),
    )
    # The runner walks due subscriptions in (current_period_end, id) order, a keyset.
    op.drop_index("ix_subscriptions_due", table_name="subscriptions", postgresql_where=_DUE)
    op.create_index(
        "ix_subscriptions_due",
        "subscriptions",
        ["current_period_end", "id"],
        unique=False,
        postgresql_where=_DUE,
    )


def downgrade() -> None:
    op.drop_index("ix_subscriptions_due", table_name="subscriptions", postgresql_where=_DUE)
    op.create_index(
        "ix_subscriptions_due",
        "subscriptions",
        ["current_period_end"],
        unique=False,
        postgresql_where=_DUE,
    )
    op.drop_column("subscriptions", "renewal_claimed_until")
