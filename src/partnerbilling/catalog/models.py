from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.jsonio import JSON


class ResellerTier(Base):
    __tablename__ = "reseller_tiers"
    __table_args__ = (CheckConstraint("default_rate >= 0 AND default_rate < 1", name="rate"),)

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    default_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    # {category: "0.2000"}: decimal strings, never JSON numbers, so nothing passes through float.
    rates: Mapped[JSON] = mapped_column(JSONB)
    updated_at: Mapped[datetime]


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (CheckConstraint("period_months > 0", name="period"),)

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    period_months: Mapped[int]
    # {"CHF": "120.00"}: decimal strings.
    prices: Mapped[JSON] = mapped_column(JSONB)
    updated_at: Mapped[datetime]
    # {"de": "...", "fr": ...}: its name per language, where it differs from ``name``.
    names: Mapped[JSON] = mapped_column(JSONB, server_default="{}")
