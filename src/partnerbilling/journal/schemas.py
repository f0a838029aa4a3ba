from __future__ import annotations

from pydantic import BaseModel, Field


class JournalRecordRead(BaseModel):
    seq: int = Field(description="Gapless, from 1, in the order the records were made.")
    at: str = Field(description="When the record was made (RFC 3339, UTC).")
    kind: str = Field(
        description="`document` (an invoice or credit note), `ledger_entry`, `payment`, `payout`, or a "
        "state change such as `payout.completed`."
    )
    object_id: str
    content_hash: str = Field(description="Hex SHA-256 of the object's canonical content (README).")
    prev_hash: str = Field(description="The previous record's `hash` (64 zeros for the first).")
    hash: str = Field(description="Hex SHA-256 over `prev_hash` and the record (README).")


class JournalList(BaseModel):
    data: list[JournalRecordRead]
    next_cursor: str | None = Field(
        description="The last `seq` of the page, to pass as `after`; null at the end."
    )


class JournalSeal(BaseModel):
    """The head of the journal, published daily (event ``journal.sealed``)."""

    seq: int = Field(description="The last record's seq (0 while the journal is empty).")
    hash: str = Field(description="The last record's hash.")
    at: str | None = Field(description="When the last record was made (null while the journal is empty).")
