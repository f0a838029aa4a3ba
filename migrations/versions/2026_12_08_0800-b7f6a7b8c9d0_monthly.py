"""monthly: one invoice a month (SPEC §15)

Revision ID: b7f6a7b8c9d0
Revises: f5d4e5f6a7b8
Create Date: 2026-12-08 06:00:00.000000+00:00

A payer's profile says how it is invoiced (``per_charge`` | ``monthly``); an order to a monthly
payer waits unbilled (no invoice yet) for the monthly close, a job of the kind ``close`` (which
the journal's revision already allows).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7f6a7b8c9d0"
down_revision: str | None = "f5d4e5f6a7b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "organizations", sa.Column("invoicing", sa.String(16), server_default="per_charge", nullable=False)
    )
    op.create_check_constraint(
        op.f("ck_organizations_invoicing"), "organizations", "invoicing IN ('per_charge', 'monthly')"
    )
    op.add_column(
        "orders", sa.Column("billing_status", sa.String(16), server_default="billed", nullable=False)
    )
    op.create_check_constraint(
        op.f("ck_orders_billing_status"),
        "orders",
        "(billing_status = 'billed' AND invoice_id IS NOT NULL)"
        " OR (billing_status = 'unbilled' AND invoice_id IS NULL)",
    )
    op.alter_column("orders", "invoice_id", existing_type=sa.String(40), nullable=True)
    op.create_index(
        "ix_orders_unbilled",
        "orders",
        ["payer_id", "currency", "created_at", "id"],
        postgresql_where=sa.text("billing_status = 'unbilled'"),
    )
    op.create_index("ix_orders_invoice_id", "orders", ["invoice_id"])


def downgrade() -> None:
    op.execute("DELETE FROM orders WHERE billing_status = 'unbilled'")  # no invoice to point at
    op.drop_index("ix_orders_invoice_id", "orders")
    op.drop_index("ix_orders_unbilled", "orders")
    op.alter_column("orders", "invoice_id", existing_type=sa.String(40), nullable=False)
    op.drop_constraint(op.f("ck_orders_billing_status"), "orders", type_="check")
    op.drop_column("orders", "billing_status")
    op.drop_constraint(op.f("ck_organizations_invoicing"), "organizations", type_="check")
    op.drop_column("organizations", "invoicing")
