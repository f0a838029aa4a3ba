"""order explanation: the route and rate facts an order was priced with

Revision ID: ae4f5a6b7c8d
Revises: 9e3f4a5b6c7d
Create Date: 2026-12-01 10:00:00.000000+00:00

An order's explanation (SPEC §11) is drawn from the values stored on it. Orders placed before
this revision have nulls here: the explanation derives what the rest of the order implies and
says "unknown" otherwise.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ae4f5a6b7c8d"
down_revision: str | None = "9e3f4a5b6c7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("access", sa.String(16), nullable=True))
    op.add_column("orders", sa.Column("billing_mode", sa.String(16), nullable=True))
    op.add_column("orders", sa.Column("tier_code", sa.String(64), nullable=True))
    op.add_column("orders", sa.Column("category", sa.String(64), nullable=True))
    op.add_column("orders", sa.Column("rate_source", sa.String(16), nullable=True))
    op.create_check_constraint("access", "orders", "access IN ('full', 'limited')")
    op.create_check_constraint("billing_mode", "orders", "billing_mode IN ('customer', 'partner')")
    op.create_check_constraint("rate_source", "orders", "rate_source IN ('category', 'default', 'no_tier')")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_orders_rate_source"), "orders", type_="check")
    op.drop_constraint(op.f("ck_orders_billing_mode"), "orders", type_="check")
    op.drop_constraint(op.f("ck_orders_access"), "orders", type_="check")
    for column in ("rate_source", "category", "tier_code", "billing_mode", "access"):
        op.drop_column("orders", column)
