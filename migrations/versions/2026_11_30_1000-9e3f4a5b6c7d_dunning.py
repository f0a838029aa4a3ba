"""dunning: invoices overdue with a dunning level, subscriptions suspended or at risk

Revision ID: 9e3f4a5b6c7d
Revises: 8d2e3f4a5b6c
Create Date: 2026-11-30 10:00:00.000000+00:00

Every invoice starts at dunning level 0 (no step taken); no subscription is at risk.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e3f4a5b6c7d"
down_revision: str | None = "8d2e3f4a5b6c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # A reminder of a CHF invoice carries the invoice's PDF (with its QR-bill), drawn when sent.
    op.add_column("outbox_mails", sa.Column("attach_invoice_id", sa.String(40), nullable=True))
    op.add_column("invoices", sa.Column("dunning_level", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("invoices", sa.Column("dunning_step_at", _TS, nullable=True))
    op.add_column("invoices", sa.Column("dunning_claimed_until", _TS, nullable=True))
    op.drop_constraint(op.f("ck_invoices_status"), "invoices", type_="check")
    op.create_check_constraint("status", "invoices", "status IN ('issued', 'overdue', 'paid', 'credited')")
    op.create_check_constraint("dunning_level", "invoices", "dunning_level BETWEEN 0 AND 4")
    op.create_index(
        "ix_invoices_dunning_due",
        "invoices",
        ["due_at", "id"],
        postgresql_where=sa.text(
            "kind = 'invoice' AND status IN ('issued', 'overdue') AND dunning_level < 4"
        ),
    )

    op.add_column("subscriptions", sa.Column("at_risk_since", _TS, nullable=True))
    op.add_column("subscriptions", sa.Column("suspends_at", _TS, nullable=True))
    op.drop_constraint(op.f("ck_subscriptions_status"), "subscriptions", type_="check")
    op.create_check_constraint("status", "subscriptions", "status IN ('active', 'suspended', 'cancelled')")


def downgrade() -> None:
    op.drop_column("outbox_mails", "attach_invoice_id")
    op.execute("UPDATE subscriptions SET status = 'active' WHERE status = 'suspended'")
    op.drop_constraint(op.f("ck_subscriptions_status"), "subscriptions", type_="check")
    op.create_check_constraint("status", "subscriptions", "status IN ('active', 'cancelled')")
    op.drop_column("subscriptions", "suspends_at")
    op.drop_column("subscriptions", "at_risk_since")
    op.execute("UPDATE invoices SET status = 'issued' WHERE status = 'overdue'")
    op.drop_index("ix_invoices_dunning_due", table_name="invoices")
    op.drop_constraint(op.f("ck_invoices_dunning_level"), "invoices", type_="check")
    op.drop_constraint(op.f("ck_invoices_status"), "invoices", type_="check")
    op.create_check_constraint("status", "invoices", "status IN ('issued', 'paid', 'credited')")
    op.drop_column("invoices", "dunning_claimed_until")
    op.drop_column("invoices", "dunning_step_at")
    op.drop_column("invoices", "dunning_level")
