from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Numeric, String, false, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.jsonio import JSON


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("currency IN ('CHF', 'EUR')", name="currency"),
        CheckConstraint("vat_rate >= 0 AND vat_rate < 1", name="vat_rate"),
        CheckConstraint("language IN ('de', 'fr', 'it', 'en')", name="language"),
        CheckConstraint("invoicing IN ('per_charge', 'monthly')", name="invoicing"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    billing_email: Mapped[str] = mapped_column(String(320))
    currency: Mapped[str] = mapped_column(String(3))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    reseller_tier: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("reseller_tiers.code"), nullable=True
    )
    # The billing profile (SPEC §7): what an issued document copies as its buyer.
    legal_name: Mapped[str | None] = mapped_column(String(200))  # None: the name
    # {street, building_number, postal_code, city, country, extra_line}
    address: Mapped[JSON | None] = mapped_column(JSONB)
    vat_id: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), server_default="en")
    payout_iban: Mapped[str | None] = mapped_column(String(34))
    auto_pay_from_balance: Mapped[bool] = mapped_column(Boolean, server_default=false())
    reverse_charge: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # Whether each invoice and credit note issued to it is e-mailed with its PDF (SPEC §14).
    invoice_email: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # per_charge: an invoice per charge; monthly: the charges wait for the monthly close (SPEC §15).
    invoicing: Mapped[str] = mapped_column(String(16), server_default="per_charge")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ApiKey(Base):
    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_org_id", "org_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
