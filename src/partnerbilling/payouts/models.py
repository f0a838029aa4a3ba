from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.states import PayoutStatus


class PayoutBatch(Base):
    """The requested payouts of one currency, sent to the bank in one ``pain.001`` file: the
    file as written (so every download is byte-identical) and the account it debits."""

    __tablename__ = "payout_batches"
    __table_args__ = (
        CheckConstraint("count > 0", name="count"),
        Index("ix_payout_batches_created", "created_at", "id"),
        Index("uq_payout_batches_message_id", "message_id", unique=True),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    count: Mapped[int]
    total: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    message_id: Mapped[str] = mapped_column(String(35))
    execution_date: Mapped[date]
    debtor_iban: Mapped[str] = mapped_column(String(34))
    debtor_bic: Mapped[str | None] = mapped_column(String(11))
    document: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class Payout(Base):
    """A withdrawal to the organisation's payout IBAN (copied when requested, with the holder's
    legal name); in one batch at most once it is in transit."""

    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint(f"status IN ({', '.join(repr(str(s)) for s in PayoutStatus)})", name="status"),
        # In transit only in a batch; never in one before it is sent (or once cancelled).
        CheckConstraint(
            "(status <> 'in_transit' OR batch_id IS NOT NULL)"
            " AND (status NOT IN ('requested', 'cancelled') OR batch_id IS NULL)",
            name="batch",
        ),
        Index("ix_payouts_org_created", "org_id", "created_at", "id"),
        Index("ix_payouts_status_created", "status", "created_at", "id"),
        Index("ix_payouts_batch_id", "batch_id"),
        Index("ix_payouts_created", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    iban: Mapped[str] = mapped_column(String(34))
    account_holder: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    batch_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("payout_batches.id"))
