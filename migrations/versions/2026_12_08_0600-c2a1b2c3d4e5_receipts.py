"""receipts: bank credits by identity, unapplied receipts, top-up references

Every credit of an imported bank file once by its identity, unapplied receipts, top-up
references, and the ledger kinds ``receipt`` and ``top_up``.

Revision ID: c2a1b2c3d4e5
Revises: ab4f5c6d7e8f
Create Date: 2026-12-08 01:00:00.000000+00:00

Three new tables; the account entries' kind check takes two more kinds.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c2a1b2c3d4e5"
down_revision: str | None = "b1f0a1b2c3d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_KINDS = (
    "cashback", "cashback_reversal", "invoice_payment", "refund", "overpayment", "payout",
    "payout_returned", "adjustment",
)  # fmt: skip
_NEW_KINDS = ("receipt", "top_up")


def _kinds(kinds: Sequence[str]) -> None:
    op.drop_constraint(op.f("ck_account_entries_kind"), "account_entries", type_="check")
    op.create_check_constraint(
        op.f("ck_account_entries_kind"), "account_entries", f"kind IN ({', '.join(repr(k) for k in kinds)})"
    )


def _fk(table: str, column: str, target: str) -> sa.Column[str]:
    return sa.Column(
        column,
        sa.String(40),
        sa.ForeignKey(f"{target}.id", name=op.f(f"fk_{table}_{column}_{target}")),
        nullable=True,
    )


def upgrade() -> None:
    _kinds((*_KINDS, *_NEW_KINDS))
    op.create_table(
        "bank_credits",
        sa.Column("credit_id", sa.String(200), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("invoice_id", sa.String(40), nullable=True),
        sa.Column("payment_id", sa.String(40), nullable=True),
        sa.Column("receipt_id", sa.String(40), nullable=True),
        sa.Column("entry_id", sa.String(40), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint(
            "outcome IN ('payment', 'top_up', 'receipt')", name=op.f("ck_bank_credits_outcome")
        ),
        sa.PrimaryKeyConstraint("credit_id", name=op.f("pk_bank_credits")),
    )
    op.create_table(
        "receipts",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("credit_id", sa.String(200), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(140), nullable=True),
        sa.Column("debtor_name", sa.String(140), nullable=True),
        sa.Column("debtor_iban", sa.String(34), nullable=True),
        sa.Column("remittance", sa.String(500), nullable=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("file_message_id", sa.String(200), nullable=False),
        _fk("receipts", "invoice_id", "invoices"),
        _fk("receipts", "org_id", "organizations"),
        _fk("receipts", "payment_id", "payments"),
        _fk("receipts", "entry_id", "account_entries"),
        sa.Column("return_reason", sa.String(500), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_receipts_amount")),
        sa.CheckConstraint("status IN ('open', 'applied', 'returned')", name=op.f("ck_receipts_status")),
        sa.CheckConstraint(
            "(status = 'applied') = (payment_id IS NOT NULL OR entry_id IS NOT NULL)"
            " AND (payment_id IS NULL OR entry_id IS NULL)",
            name=op.f("ck_receipts_applied"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
    )
    op.create_index("ix_receipts_created", "receipts", ["created_at", "id"])
    op.create_index("ix_receipts_status_created", "receipts", ["status", "created_at", "id"])
    for column in ("credit_id", "payment_id", "entry_id"):
        op.create_index(f"uq_receipts_{column}", "receipts", [column], unique=True)
    op.create_table(
        "top_up_references",
        sa.Column(
            "org_id",
            sa.String(40),
            sa.ForeignKey("organizations.id", name=op.f("fk_top_up_references_org_id_organizations")),
            nullable=False,
        ),
        sa.Column("number", sa.BigInteger(), sa.Identity(start=1), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_top_up_references")),
    )
    op.create_index("uq_top_up_references_number", "top_up_references", ["number"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_top_up_references_number", table_name="top_up_references")
    op.drop_table("top_up_references")
    for column in ("entry_id", "payment_id", "credit_id"):
        op.drop_index(f"uq_receipts_{column}", table_name="receipts")
    op.drop_index("ix_receipts_status_created", table_name="receipts")
    op.drop_index("ix_receipts_created", table_name="receipts")
    op.drop_table("receipts")
    op.drop_table("bank_credits")
    _kinds(_KINDS)
