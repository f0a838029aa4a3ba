from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.states import PaymentMethod


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
