from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'suspended', 'cancelled')", name="status"),
        CheckConstraint("origin_channel IN ('partner', 'direct')", name="origin_channel"),
        Index("ix_subscriptions_customer_created", "customer_id", "created_at", "id"),
        # The renewal runner's work list, walked in (period end, id) order: only what can still renew.
        Index(
            "ix_subscriptions_due",
            "current_period_end",
            "id",
            postgresql_where=text("status = 'active' AND auto_renew"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    sku: Mapped[str] = mapped_column(String(64), ForeignKey("products.sku"))
    quantity: Mapped[int]
    origin_channel: Mapped[str] = mapped_column(String(16))
    # The partnership of the order that created it: automatic renewals keep its channel while
    # that partnership is active.
    origin_partnership_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("partnerships.id"))
    status: Mapped[str] = mapped_column(String(16))
    auto_renew: Mapped[bool]
    current_period_start: Mapped[datetime]
    current_period_end: Mapped[datetime]
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    # Dunning of the invoice that charged it (SPEC §10): since when it is at risk (the final
    # notice) and when it is (or was) to be suspended; cleared when that invoice is settled.
    at_risk_since: Mapped[datetime | None]
    suspends_at: Mapped[datetime | None]
    # A renewal runner's lease: other runners leave the subscription alone until then.
    renewal_claimed_until: Mapped[datetime | None]
