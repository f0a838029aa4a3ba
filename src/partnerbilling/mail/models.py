from datetime import datetime

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base

SUBJECT_LENGTH = 300
"""The longest subject the outbox keeps."""


class OutboxMail(Base):
    """A message written in the transaction that caused it; sent later by the worker."""

    __tablename__ = "outbox_mails"
    __table_args__ = (
        Index("ix_outbox_mails_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    # The invoice whose PDF the message carries, drawn when it is sent (None: no attachment).
    attach_invoice_id: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))  # pending | sent | failed
    attempt_count: Mapped[int]
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
