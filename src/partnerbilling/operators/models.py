from datetime import datetime

from sqlalchemy import CheckConstraint, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base


class OperatorKey(Base):
    """A named key for the admin API with a role; stored as organisations' API keys are: only
    its SHA-256 and a visible prefix."""

    __tablename__ = "operator_keys"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'finance', 'support', 'readonly')", name="role"),
        Index("ix_operator_keys_created", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuditRecord(Base):
    """One admin write, answered or refused: who, what, on which object, with which status."""

    __tablename__ = "audit_records"
    __table_args__ = (
        Index("ix_audit_records_at", "at", "id"),
        Index("ix_audit_records_operator_at", "operator_id", "at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime]
    # The operator key's id and name, or "platform" for the platform token.
    operator_id: Mapped[str] = mapped_column(String(40))
    operator_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(String(200))
    object_id: Mapped[str | None] = mapped_column(String(200))
    request_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(SmallInteger)
