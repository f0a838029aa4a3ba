from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.jsonio import JSON


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("kind IN ('invoice', 'credit_note')", name="kind"),
        CheckConstraint("status IN ('issued', 'overdue', 'paid', 'credited')", name="status"),
        CheckConstraint("dunning_level BETWEEN 0 AND 4", name="dunning_level"),
        # The dunning run's work list: unpaid invoices by due date.
        Index(
            "ix_invoices_dunning_due",
            "due_at",
            "id",
            postgresql_where="kind = 'invoice' AND status IN ('issued', 'overdue') AND dunning_level < 4",
        ),
        CheckConstraint("total = subtotal + tax", name="total"),
        CheckConstraint(
            "amount_paid >= 0 AND (kind <> 'invoice' OR amount_paid <= total)", name="amount_paid"
        ),
        Index("ix_invoices_payer_created", "payer_id", "created_at", "id"),
        Index("ix_invoices_order_id", "order_id"),
        Index(
            "ix_invoices_payment_reference",
            "payment_reference",
            unique=True,
            postgresql_where="payment_reference IS NOT NULL",
        ),
        Index(
            "uq_invoices_credits_invoice_id",
            "credits_invoice_id",
            unique=True,
            postgresql_where="credits_invoice_id IS NOT NULL",
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    credits_invoice_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("invoices.id"))
    payer_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    customer_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    order_id: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    # [{description, sku, quantity, unit_price, amount, discount, net_amount}], amounts as strings.
    lines: Mapped[list[JSON]] = mapped_column(JSONB)
    subtotal: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    tax: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    issued_at: Mapped[datetime]
    # Copied when issued (SPEC §7), never changed after: the issuer (None: none was configured),
    # the payer's billing profile, the due date, and the reference a payment quotes.
    seller: Mapped[JSON | None] = mapped_column(JSONB)
    buyer: Mapped[JSON | None] = mapped_column(JSONB)
    due_at: Mapped[datetime]
    payment_reference: Mapped[str | None] = mapped_column(String(32))
    # ``issued_at`` and ``due_at`` as calendar dates in the issuer's time zone when issued (null:
    # written without them, read as Europe/Zurich's).
    issue_date: Mapped[date | None]
    due_date: Mapped[date | None]
    # What its payments have paid of it (≤ total); it is paid when nothing is due.
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    paid_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Dunning (SPEC §10): the last step taken (0: none; 1, 2 reminders, 3 final notice,
    # 4 suspension), the ``as_of`` of the run that took it, and a dunning runner's lease.
    dunning_level: Mapped[int] = mapped_column(server_default="0")
    dunning_step_at: Mapped[datetime | None]
    dunning_claimed_until: Mapped[datetime | None]


class InvoiceCounter(Base):
    """The last number issued in a year; locked by the transaction that takes the next one."""

    __tablename__ = "invoice_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int]
