from datetime import datetime

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base


class IdempotencyRecord(Base):
    """The first successful response to a keyed POST, replayed for 24 hours."""

    __tablename__ = "idempotency_records"
    __table_args__ = (Index("ix_idempotency_records_created", "created_at"),)

    caller: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int]
    response_body: Mapped[bytes] = mapped_column(LargeBinary)
    response_headers: Mapped[dict[str, str]] = mapped_column(JSONB)
    created_at: Mapped[datetime]
