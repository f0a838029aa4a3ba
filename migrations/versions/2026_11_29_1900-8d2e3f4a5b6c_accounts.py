"""accounts: each organisation's ledger, payments, payouts, and what an invoice has been paid

Revision ID: 8d2e3f4a5b6c
Revises: 7c1d2e3f4a5b
Create Date: 2026-11-29 19:00:00.000000+00:00

Invoices paid before it (status ``paid``) are taken as paid in full (``amount_paid`` = total),
without a payment row: nothing records how that money came. Cashback that was already
``available`` is credited to its partner's account, one ``cashback`` entry each, so that every
available cashback is on an account exactly once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d2e3f4a5b6c"
down_revision: str | None = "7c1d2e3f4a5b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_MONEY = sa.Numeric(14, 2)
_KINDS = (
    "cashback", "cashback_reversal", "invoice_payment", "refund", "overpayment", "payout",
    "payout_returned", "adjustment",
)  # fmt: skip


def upgrade() -> None:
    op.add_column("invoices", sa.Column("amount_paid", _MONEY, nullable=False, server_default="0"))
    op.execute("UPDATE invoices SET amount_paid = total WHERE status = 'paid'")
    op.create_check_constraint(
        "amount_paid", "invoices", "amount_paid >= 0 AND (kind <> 'invoice' OR amount_paid <= total)"
    )

    op.create_table(
        "payments",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "invoice_id",
            sa.String(40),
            sa.ForeignKey("invoices.id", name=op.f("fk_payments_invoice_id_invoices")),
            nullable=False,
        ),
        sa.Column(
            "payer_id",
            sa.String(40),
            sa.ForeignKey("organizations.id", name=op.f("fk_payments_payer_id_organizations")),
            nullable=False,
        ),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("applied", _MONEY, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("reference", sa.String(40), nullable=True),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount")),
        sa.CheckConstraint("applied >= 0 AND applied <= amount", name=op.f("ck_payments_applied")),
        sa.CheckConstraint(
            "method IN ('bank_transfer', 'card', 'other', 'balance')", name=op.f("ck_payments_method")
        ),
    )
    op.create_index("ix_payments_invoice_id", "payments", ["invoice_id"])
    op.create_index("ix_payments_payer_created", "payments", ["payer_id", "created_at", "id"])
    op.create_index("uq_payments_external_id", "payments", ["external_id"], unique=True)

    op.create_table(
        "payouts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "org_id",
            sa.String(40),
            sa.ForeignKey("organizations.id", name=op.f("fk_payouts_org_id_organizations")),
            nullable=False,
        ),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("account_holder", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payouts_amount")),
        sa.CheckConstraint("status IN ('requested', 'completed', 'failed')", name=op.f("ck_payouts_status")),
    )
    op.create_index("ix_payouts_org_created", "payouts", ["org_id", "created_at", "id"])
    op.create_index("ix_payouts_status_created", "payouts", ["status", "created_at", "id"])

    op.create_table(
        "account_balances",
        sa.Column(
            "org_id",
            sa.String(40),
            sa.ForeignKey("organizations.id", name=op.f("fk_account_balances_org_id_organizations")),
            primary_key=True,
        ),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("balance", _MONEY, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "account_entries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "org_id",
            sa.String(40),
            sa.ForeignKey("organizations.id", name=op.f("fk_account_entries_org_id_organizations")),
            nullable=False,
        ),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column(
            "invoice_id",
            sa.String(40),
            sa.ForeignKey("invoices.id", name=op.f("fk_account_entries_invoice_id_invoices")),
            nullable=True,
        ),
        sa.Column(
            "cashback_entry_id",
            sa.String(40),
            sa.ForeignKey(
                "cashback_entries.id", name=op.f("fk_account_entries_cashback_entry_id_cashback_entries")
            ),
            nullable=True,
        ),
        sa.Column(
            "payment_id",
            sa.String(40),
            sa.ForeignKey("payments.id", name=op.f("fk_account_entries_payment_id_payments")),
            nullable=True,
        ),
        sa.Column(
            "payout_id",
            sa.String(40),
            sa.ForeignKey("payouts.id", name=op.f("fk_account_entries_payout_id_payouts")),
            nullable=True,
        ),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_account_entries_amount")),
        sa.CheckConstraint(
            f"kind IN ({', '.join(repr(k) for k in _KINDS)})", name=op.f("ck_account_entries_kind")
        ),
    )
    op.create_index("ix_account_entries_org_created", "account_entries", ["org_id", "created_at", "id"])
    # What may happen only once: a cashback credited, or reversed; a payout paid out, or returned;
    # a credit note's refund.
    for kind, column in (
        ("cashback", "cashback_entry_id"),
        ("cashback_reversal", "cashback_entry_id"),
        ("payout", "payout_id"),
        ("payout_returned", "payout_id"),
        ("refund", "invoice_id"),
    ):
        op.create_index(
            f"uq_account_entries_{kind}", "account_entries", [column], unique=True,
            postgresql_where=sa.text(f"kind = '{kind}'"),
        )  # fmt: skip

    # Available cashback, credited to its partner's account once.
    op.execute(
        """
        INSERT INTO account_entries (id, org_id, currency, amount, kind, invoice_id, cashback_entry_id,
                                     description, created_at)
        SELECT 'acc_' || replace(gen_random_uuid()::text, '-', ''), cb.partner_id, cb.currency, cb.amount,
               'cashback', o.invoice_id, cb.id, 'Cashback on order ' || cb.order_id, cb.updated_at
        FROM cashback_entries cb JOIN orders o ON o.id = cb.order_id
        WHERE cb.status = 'available' AND cb.amount > 0
        """
    )
    op.execute(
        """
        INSERT INTO account_balances (org_id, currency, balance, updated_at)
        SELECT org_id, currency, sum(amount), max(created_at) FROM account_entries GROUP BY org_id, currency
        """
    )


def downgrade() -> None:
    op.drop_table("account_entries")
    op.drop_table("account_balances")
    op.drop_table("payouts")
    op.drop_table("payments")
    op.drop_constraint(op.f("ck_invoices_amount_paid"), "invoices", type_="check")
    op.drop_column("invoices", "amount_paid")
