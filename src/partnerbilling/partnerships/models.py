from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base


class Partnership(Base):
    __tablename__ = "partnerships"
    __table_args__ = (
        CheckConstraint("access IN ('full', 'limited')", name="access"),
        CheckConstraint("billing_mode IN ('customer', 'partner')", name="billing_mode"),
        CheckConstraint("status IN ('pending', 'active', 'ended')", name="status"),
        CheckConstraint("billing_mode = 'customer' OR access = 'full'", name="partner_mode_full"),
        CheckConstraint("customer_id <> partner_id", name="distinct_orgs"),
        # At most one pending-or-active partnership per customer, enforced by the database.
        Index(
            "uq_partnerships_open_customer",
            "customer_id",
            unique=True,
            postgresql_where=text("status IN ('pending', 'active')"),
        ),
        Index("ix_partnerships_customer_created", "customer_id", "created_at", "id"),
        Index("ix_partnerships_partner_created", "partner_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    partner_id: Mapped[str] = mapped_column(String(40), ForeignKey("organizations.id"))
    access: Mapped[str] = mapped_column(String(16))
    billing_mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[str | None] = mapped_column(String(40))


class PartnershipChange(Base):
    __tablename__ = "partnership_changes"
    __table_args__ = (Index("ix_partnership_changes_pship", "partnership_id", "changed_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    partnership_id: Mapped[str] = mapped_column(String(40), ForeignKey("partnerships.id"))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(32))
    new_value: Mapped[str | None] = mapped_column(String(32))
    changed_by_id: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime]
