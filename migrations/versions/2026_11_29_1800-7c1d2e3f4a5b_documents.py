"""documents: billing profiles, the issuer, and what an issued document copies onto itself

Revision ID: 7c1d2e3f4a5b
Revises: 5b7e2c9a1f04
Create Date: 2026-11-29 18:00:00.000000+00:00

Existing documents get what can be known: the buyer is the payer as it is named today (no
address, no VAT number), there is no seller (``seller`` null: no issuer existed), the due date is
30 days after issue (the default terms; a credit note is due when issued), each line names the
customer and the supply period of its order, and an invoice's payment reference is the ISO 11649
creditor reference derived from its number.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7c1d2e3f4a5b"
down_revision: str | None = "5b7e2c9a1f04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("organizations", sa.Column("legal_name", sa.String(200), nullable=True))
    op.add_column("organizations", sa.Column("address", postgresql.JSONB(), nullable=True))
    op.add_column("organizations", sa.Column("vat_id", sa.String(32), nullable=True))
    op.add_column("organizations", sa.Column("language", sa.String(2), nullable=False, server_default="en"))
    op.add_column("organizations", sa.Column("payout_iban", sa.String(34), nullable=True))
    op.add_column(
        "organizations",
        sa.Column("auto_pay_from_balance", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "organizations",
        sa.Column("reverse_charge", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_check_constraint("language", "organizations", "language IN ('de', 'fr', 'it', 'en')")

    op.create_table(
        "issuer",
        sa.Column("id", sa.SmallInteger(), primary_key=True),
        sa.Column("legal_name", sa.String(200), nullable=False),
        sa.Column("address", postgresql.JSONB(), nullable=False),
        sa.Column("vat_id", sa.String(32), nullable=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("bank_accounts", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_issuer_one_row")),
        sa.CheckConstraint("payment_terms_days BETWEEN 0 AND 365", name=op.f("ck_issuer_payment_terms_days")),
    )

    op.add_column("invoices", sa.Column("seller", postgresql.JSONB(), nullable=True))
    op.add_column("invoices", sa.Column("buyer", postgresql.JSONB(), nullable=True))
    op.add_column("invoices", sa.Column("due_at", _TS, nullable=True))
    op.add_column("invoices", sa.Column("payment_reference", sa.String(32), nullable=True))
    op.execute(
        """
        UPDATE invoices SET
            buyer = jsonb_build_object(
                'legal_name', o.name, 'address', NULL, 'vat_id', NULL, 'language', 'en',
                'reverse_charge', false),
            due_at = CASE WHEN invoices.kind = 'invoice' THEN invoices.issued_at + interval '30 days'
                          ELSE invoices.issued_at END
        FROM organizations o WHERE o.id = invoices.payer_id
        """
    )
    # Each line names its customer and the supply period (its order's period).
    op.execute(
        """
        UPDATE invoices SET lines = (
            SELECT jsonb_agg(line || jsonb_build_object(
                'customer_id', c.id, 'customer_name', c.name,
                'period_start', to_char(ord.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                'period_end', to_char(ord.period_end AT TIME ZONE 'UTC', 'YYYY-MM-DD')))
            FROM jsonb_array_elements(invoices.lines) AS line)
        FROM orders ord JOIN organizations c ON c.id = ord.customer_id
        WHERE ord.id = invoices.order_id
        """
    )
    # RF + check digits + the number's digits (ISO 11649: the reference with "RF00" moved to
    # its end, letters as numbers, R = 27 and F = 15; check = 98 - that mod 97).
    op.execute(
        """
        UPDATE invoices SET payment_reference =
            'RF' || lpad((98 - mod((replace(number, '-', '') || '271500')::numeric, 97))::text, 2, '0')
            || replace(number, '-', '')
        WHERE kind = 'invoice'
        """
    )
    op.alter_column("invoices", "due_at", nullable=False)
    op.create_index(
        "ix_invoices_payment_reference",
        "invoices",
        ["payment_reference"],
        unique=True,
        postgresql_where=sa.text("payment_reference IS NOT NULL"),
    )

    # Events the platform alone records (organization.updated, issuer.updated) have no recipient.
    op.alter_column("events", "org_id", nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM events WHERE org_id IS NULL")
    op.alter_column("events", "org_id", nullable=False)
    op.drop_index("ix_invoices_payment_reference", table_name="invoices")
    op.execute(
        """
        UPDATE invoices SET lines = (
            SELECT jsonb_agg(line - 'customer_id' - 'customer_name' - 'period_start' - 'period_end')
            FROM jsonb_array_elements(invoices.lines) AS line)
        """
    )
    for column in ("payment_reference", "due_at", "buyer", "seller"):
        op.drop_column("invoices", column)
    op.drop_table("issuer")
    op.drop_constraint(op.f("ck_organizations_language"), "organizations", type_="check")
    for column in (
        "reverse_charge",
        "auto_pay_from_balance",
        "payout_iban",
        "language",
        "vat_id",
        "address",
        "legal_name",
    ):
        op.drop_column("organizations", column)
