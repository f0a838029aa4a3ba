"""The views of the journal (the platform's only)."""

from __future__ import annotations

from partnerbilling.journal.domain import JournalRecord
from partnerbilling.jsonio import JSON
from partnerbilling.visibility.base import rfc3339


def journal_record_view(record: JournalRecord) -> JSON:
    return {
        "seq": record.seq, "at": rfc3339(record.at), "kind": record.kind, "object_id": record.object_id,
        "content_hash": record.content_hash, "prev_hash": record.prev_hash, "hash": record.hash,
    }  # fmt: skip


def seal_view(seq: int, hash_: str, at: object) -> JSON:
    return {"seq": seq, "hash": hash_, "at": rfc3339(at) if at is not None else None}  # type: ignore[arg-type]
