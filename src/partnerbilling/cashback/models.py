from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.states import CashbackStatus


class CashbackEntry(Base):
    __tablename__ = "cashback_entries"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(str(s)) for s in CashbackStatus)})", name="status"),
        CheckConstraint("amount >= 0", name="amount"),
        Index("ix_cashback_entries_partner_created", "partner_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    order_id: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
