"""localisation: the issuer's time zone, calendar dates, product names, invoice e-mails

Revision ID: f5d4e5f6a7b8
Revises: ab4f5c6d7e8f
Create Date: 2026-12-08 04:00:00.000000+00:00

Also records whether a profile gets its invoices by e-mail. ``issuer.time_zone`` is added with
raw SQL that is safe to run twice (another change adds the same column). Issued documents get
their issue and due dates as calendar dates in that zone, back-filled from ``issued_at`` and
``due_at`` in Europe/Zurich (the only zone there was); a row written without them reads as
those dates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "f5d4e5f6a7b8"
down_revision: str | None = "c2a1b2c3d4e5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE issuer ADD COLUMN IF NOT EXISTS time_zone text NOT NULL DEFAULT 'Europe/Zurich'")
    op.add_column("invoices", sa.Column("issue_date", sa.Date(), nullable=True))
    op.add_column("invoices", sa.Column("due_date", sa.Date(), nullable=True))
    op.execute(
        "UPDATE invoices SET issue_date = (issued_at AT TIME ZONE 'Europe/Zurich')::date, "
        "due_date = (due_at AT TIME ZONE 'Europe/Zurich')::date"
    )
    op.add_column(
        "products",
        sa.Column("names", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.add_column(
        "organizations",
        sa.Column("invoice_email", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_column("organizations", "invoice_email")
    op.drop_column("products", "names")
    op.drop_column("invoices", "due_date")
    op.drop_column("invoices", "issue_date")
    op.execute("ALTER TABLE issuer DROP COLUMN IF EXISTS time_zone")
