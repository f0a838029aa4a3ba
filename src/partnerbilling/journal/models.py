from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, SmallInteger, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.jsonio import JSON


class JournalRecord(Base):
    """One record of the hash chain (SPEC §17); never updated, never deleted."""

    __tablename__ = "journal"
    __table_args__ = (
        # An object's fact, or one of its state changes, is journaled once.
        Index("uq_journal_kind_object", "kind", "object_id", unique=True),
        Index("ix_journal_at", "at"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # A state change's content: the row at that moment (None for a fact: its row is the content).
    snapshot: Mapped[JSON | None] = mapped_column(JSONB)


class JournalHead(Base):
    """The chain's head: its one row is locked by every append until commit, which numbers the
    records without gaps and chains each to the one before."""

    __tablename__ = "journal_head"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
