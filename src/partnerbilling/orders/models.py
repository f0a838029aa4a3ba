from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("kind IN ('new', 'renewal')", name="kind"),
        CheckConstraint("channel IN ('partner', 'direct')", name="channel"),
        CheckConstraint("quantity BETWEEN 1 AND 1000", name="quantity"),
        CheckConstraint("net_amount = public_amount - discount", name="net"),
        CheckConstraint("discount >= 0 AND discount <= public_amount", name="discount"),
        CheckConstraint("access IN ('full', 'limited')", name="access"),
        CheckConstraint("billing_mode IN ('customer', 'partner')", name="billing_mode"),
        CheckConstraint("rate_source IN ('category', 'default', 'no_tier')", name="rate_source"),
        # Exactly one charge per subscription period, whoever triggers it and however often.
        UniqueConstraint("subscription_id", "period_start", name="uq_orders_subscription_period"),
        Index("ix_orders_customer_created", "customer_id", "created_at", "id"),
        Index("ix_orders_partner_created", "partner_id", "created_at", "id"),
        Index("ix_orders_payer_created", "payer_id", "created_at", "id"),
        # A monthly payer's charge waits unbilled, without an invoice, for the monthly close.
        CheckConstraint(
            "(billing_status = 'billed' AND invoice_id IS NOT NULL)"
            " OR (billing_status = 'unbilled' AND invoice_id IS NULL)",
            name="billing_status",
        ),
        Index(
            "ix_orders_unbilled",
            "payer_id",
            "currency",
            "created_at",
            "id",
            postgresql_where="billing_status = 'unbilled'",
        ),
        Index("ix_orders_invoice_id", "invoice_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    placed_by_id: Mapped[str | None] = mapped_column(String(40))
    partnership_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("partnerships.id"))
    partner_id: Mapped[str | None] = mapped_column(String(40))
    subscription_id: Mapped[str] = mapped_column(String(40), ForeignKey("subscriptions.id"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    payer_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    public_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    discount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    net_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # The partner's rate d, copied when priced; null without an active partnership.
    partner_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    invoice_id: Mapped[str | None] = mapped_column(String(40))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    created_at: Mapped[datetime]
    # What the charge was routed and rated by (its explanation, SPEC §11): the partnership's
    # terms, the partner's tier and the product's category at that moment, and where the rate
    # came from. Null without a partnership, and on orders placed before they were recorded.
    access: Mapped[str | None] = mapped_column(String(16))
    billing_mode: Mapped[str | None] = mapped_column(String(16))
    tier_code: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(64))
    rate_source: Mapped[str | None] = mapped_column(String(16))
    billing_status: Mapped[str] = mapped_column(String(16), server_default="billed")
