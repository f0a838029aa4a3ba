from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.states import EntryKind

# What may happen only once: (kind, the column it is once per).
ONCE_PER = (
    (EntryKind.CASHBACK, "cashback_entry_id"),
    (EntryKind.CASHBACK_REVERSAL, "cashback_entry_id"),
    (EntryKind.PAYOUT, "payout_id"),
    (EntryKind.PAYOUT_RETURNED, "payout_id"),
    (EntryKind.REFUND, "invoice_id"),
)


class AccountEntry(Base):
    """An immutable ledger entry: ``amount`` signed, never zero."""

    __tablename__ = "account_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount"),
        CheckConstraint(f"kind IN ({', '.join(repr(str(k)) for k in EntryKind)})", name="kind"),
        Index("ix_account_entries_org_created", "org_id", "created_at", "id"),
        *(
            Index(
                f"uq_account_entries_{kind}", column, unique=True, postgresql_where=text(f"kind = '{kind}'")
            )
            for kind, column in ONCE_PER
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    kind: Mapped[str] = mapped_column(String(24))
    invoice_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("invoices.id"))
    cashback_entry_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("cashback_entries.id"))
    payment_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("payments.id"))
    payout_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("payouts.id"))
    description: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]


class AccountBalance(Base):
    """The sum of an account's entries, kept by the statement that adds each entry (and locked
    by it, so that two debits of one balance are serialised)."""

    __tablename__ = "account_balances"

    org_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    updated_at: Mapped[datetime]
