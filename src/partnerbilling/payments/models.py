from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.states import PaymentMethod, ReceiptStatus


class Payment(Base):
    """Money received for an invoice: ``amount`` as received, ``applied`` the part that paid the
    invoice (the rest went to the payer's account as an overpayment)."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("applied >= 0 AND applied <= amount", name="applied"),
        CheckConstraint(f"method IN ({', '.join(repr(str(m)) for m in PaymentMethod)})", name="method"),
        Index("ix_payments_invoice_id", "invoice_id"),
        Index("ix_payments_payer_created", "payer_id", "created_at", "id"),
        Index("uq_payments_external_id", "external_id", unique=True),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(String(40), ForeignKey("invoices.id"))
    payer_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    applied: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    method: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(200))  # unique: the same one is one payment
    reference: Mapped[str | None] = mapped_column(String(40))  # the structured reference it quoted
    received_at: Mapped[datetime]
    created_at: Mapped[datetime]


class BankCredit(Base):
    """Every credit of an imported bank file, once, by its identity (SPEC §13): what it became
    (a payment, a top-up entry or a receipt). A second import of it finds it here."""

    __tablename__ = "bank_credits"
    __table_args__ = (CheckConstraint("outcome IN ('payment', 'top_up', 'receipt')", name="outcome"),)

    credit_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(16))  # NULL only inside the importing transaction
    invoice_id: Mapped[str | None] = mapped_column(String(40))
    payment_id: Mapped[str | None] = mapped_column(String(40))
    receipt_id: Mapped[str | None] = mapped_column(String(40))
    entry_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]


class Receipt(Base):
    """Money received that paid none of our invoices, until it is applied or returned, once."""

    __tablename__ = "receipts"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint(f"status IN ({', '.join(repr(str(s)) for s in ReceiptStatus)})", name="status"),
        CheckConstraint(
            "(status = 'applied') = (payment_id IS NOT NULL OR entry_id IS NOT NULL)"
            " AND (payment_id IS NULL OR entry_id IS NULL)",
            name="applied",
        ),
        Index("ix_receipts_created", "created_at", "id"),
        Index("ix_receipts_status_created", "status", "created_at", "id"),
        Index("uq_receipts_credit_id", "credit_id", unique=True),
        Index("uq_receipts_payment_id", "payment_id", unique=True),
        Index("uq_receipts_entry_id", "entry_id", unique=True),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    credit_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime]
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(140))
    debtor_name: Mapped[str | None] = mapped_column(String(140))
    debtor_iban: Mapped[str | None] = mapped_column(String(34))
    remittance: Mapped[str | None] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    file_message_id: Mapped[str] = mapped_column(String(200))
    invoice_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("invoices.id"))
    org_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("organizations.id"))
    payment_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("payments.id"))
    entry_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("account_entries.id"))
    return_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TopUpReference(Base):
    """An organisation's top-up number, from which its top-up references are derived (SPEC §13):
    given on first use, never changed."""

    __tablename__ = "top_up_references"
    __table_args__ = (Index("uq_top_up_references_number", "number", unique=True),)

    org_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"), primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, Identity(start=1))
    created_at: Mapped[datetime]
