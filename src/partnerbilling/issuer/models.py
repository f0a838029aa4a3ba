from datetime import datetime

from sqlalchemy import CheckConstraint, SmallInteger, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.jsonio import JSON


class Issuer(Base):
    """One row (id 1), or none before the platform configures it."""

    __tablename__ = "issuer"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint("payment_terms_days BETWEEN 0 AND 365", name="payment_terms_days"),
    )

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    legal_name: Mapped[str] = mapped_column(String(200))
    # {street, building_number, postal_code, city, country, extra_line}
    address: Mapped[JSON] = mapped_column(JSONB)
    vat_id: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(320))
    payment_terms_days: Mapped[int]
    # {"CHF": {"iban": ...}, "EUR": {"iban": ..., "bic": ...}}
    bank_accounts: Mapped[JSON] = mapped_column(JSONB)
    time_zone: Mapped[str] = mapped_column(String(64), server_default="Europe/Zurich")
    updated_at: Mapped[datetime]
