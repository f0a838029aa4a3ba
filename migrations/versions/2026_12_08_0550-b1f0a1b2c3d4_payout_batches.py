"""payout batches: payouts go to the bank in batches, from the issuer's payout accounts

Revision ID: b1f0a1b2c3d4
Revises: ab4f5c6d7e8f
Create Date: 2026-12-08 00:00:00.000000+00:00

A payout is requested, then in transit in one batch (its pain.001 file kept as written), then
completed or failed; or cancelled while requested. The issuer gets its payout accounts and its
time zone. Existing payouts keep their status (a completed one has no batch).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "b1f0a1b2c3d4"
down_revision: str | None = "a6e5f6a7b8c9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_STATUSES = "status IN ('requested', 'in_transit', 'completed', 'failed', 'cancelled')"
_BATCH = (
    "(status <> 'in_transit' OR batch_id IS NOT NULL)"
    " AND (status NOT IN ('requested', 'cancelled') OR batch_id IS NULL)"
)


def upgrade() -> None:
    op.execute("ALTER TABLE issuer ADD COLUMN IF NOT EXISTS time_zone text NOT NULL DEFAULT 'Europe/Zurich'")
    op.add_column(
        "issuer",
        sa.Column(
            "payout_accounts", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")
        ),
    )
    op.create_table(
        "payout_batches",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(18, 2), nullable=False),
        sa.Column("message_id", sa.String(35), nullable=False),
        sa.Column("execution_date", sa.Date(), nullable=False),
        sa.Column("debtor_iban", sa.String(34), nullable=False),
        sa.Column("debtor_bic", sa.String(11), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("count > 0", name=op.f("ck_payout_batches_count")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout_batches")),
    )
    op.create_index("ix_payout_batches_created", "payout_batches", ["created_at", "id"])
    op.create_index("uq_payout_batches_message_id", "payout_batches", ["message_id"], unique=True)

    op.add_column(
        "payouts",
        sa.Column(
            "batch_id",
            sa.String(40),
            sa.ForeignKey("payout_batches.id", name=op.f("fk_payouts_batch_id_payout_batches")),
            nullable=True,
        ),
    )
    op.drop_constraint(op.f("ck_payouts_status"), "payouts", type_="check")
    op.create_check_constraint(op.f("ck_payouts_status"), "payouts", _STATUSES)
    op.create_check_constraint(op.f("ck_payouts_batch"), "payouts", _BATCH)
    op.create_index("ix_payouts_batch_id", "payouts", ["batch_id"])
    op.create_index("ix_payouts_created", "payouts", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_payouts_created", table_name="payouts")
    op.drop_index("ix_payouts_batch_id", table_name="payouts")
    op.drop_constraint(op.f("ck_payouts_batch"), "payouts", type_="check")
    op.drop_constraint(op.f("ck_payouts_status"), "payouts", type_="check")
    # A payout in transit or cancelled has no status before batches: it is still requested, or
    # failed (its amount returned).
    op.execute("UPDATE payouts SET status = 'requested' WHERE status = 'in_transit'")
    op.execute("UPDATE payouts SET status = 'failed' WHERE status = 'cancelled'")
    op.create_check_constraint(
        op.f("ck_payouts_status"), "payouts", "status IN ('requested', 'completed', 'failed')"
    )
    op.drop_column("payouts", "batch_id")
    op.drop_index("uq_payout_batches_message_id", table_name="payout_batches")
    op.drop_index("ix_payout_batches_created", table_name="payout_batches")
    op.drop_table("payout_batches")
    op.drop_column("issuer", "payout_accounts")
    op.execute("ALTER TABLE issuer DROP COLUMN IF EXISTS time_zone")
