"""The journal's statements: appending a record at the head of the chain, and reading records
in order."""

from __future__ import annotations

from datetime import datetime

import orjson
from sqlalchemy import BigInteger, Integer, bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import String

from partnerbilling.journal import content
from partnerbilling.journal.domain import GENESIS, JournalRecord, sha256_hex
from partnerbilling.journal.kinds import JournaledKind
from partnerbilling.journal.models import JournalRecord as Records
from partnerbilling.sql import Connection, Statement

# The head row is locked (until commit) before the record is dated and chained, so that ``seq``
# is gapless, ``at`` increases with it, and each record's ``prev_hash`` is the hash of the one
# before. The hash is the layout of journal.domain.record_hash, computed here in one statement.
_APPEND = Statement(
    text(
        r"""
        WITH old AS (
            SELECT seq + 1 AS seq, hash AS prev_hash, clock_timestamp() AS at
            FROM journal_head WHERE id = 1 FOR UPDATE
        ), rec AS (
            SELECT seq, prev_hash, at, encode(sha256(convert_to(concat(
                prev_hash, E'\n', seq, E'\n',
                to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), E'\n',
                CAST(:kind AS text), E'\n', CAST(:object_id AS text), E'\n',
                CAST(:content_hash AS text), E'\n'), 'UTF8')), 'hex') AS hash
            FROM old
        ), head AS (
            UPDATE journal_head SET seq = rec.seq, hash = rec.hash FROM rec WHERE journal_head.id = 1
        )
        INSERT INTO journal (seq, at, kind, object_id, content_hash, prev_hash, hash, snapshot)
        SELECT seq, at, :kind, :object_id, :content_hash, prev_hash, hash, :snapshot FROM rec
        """
    ).bindparams(
        bindparam("kind", type_=String),
        bindparam("object_id", type_=String),
        bindparam("content_hash", type_=String),
        bindparam("snapshot", type_=JSONB),
    )
)


async def append(
    conn: Connection, journaled: JournaledKind, object_id: str, known: bytes | None = None
) -> None:
    """Journal ``object_id`` (inserted or changed in this transaction) as a record of
    ``journaled``; the head stays locked until the transaction ends. ``known``: the object's
    canonical content, when the caller has it without reading the object back (an invoice just
    issued: its XML, from the document in hand)."""
    snapshot = None
    if journaled.state:
        row = (await content.rows(conn, journaled, [object_id]))[object_id]
        body = content.row_content(journaled, row)
        snapshot = orjson.loads(body)
    elif known is not None:
        body = known
    else:
        body = (await content.contents(conn, journaled, [object_id]))[object_id]
    values = {"kind": journaled.kind, "object_id": object_id, "content_hash": sha256_hex(body)}
    if await _APPEND.execute(conn, {**values, "snapshot": snapshot}) == 0:
        await _RESTORE_HEAD.execute(conn, {})
        assert await _APPEND.execute(conn, {**values, "snapshot": snapshot}) == 1


# The head row, should it be missing (a database emptied by TRUNCATE): the last record's.
_RESTORE_HEAD = Statement(
    text(
        """
        INSERT INTO journal_head (id, seq, hash)
        SELECT 1, coalesce(max(seq), 0),
               coalesce((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1), repeat('0', 64))
        FROM journal
        ON CONFLICT (id) DO NOTHING
        """
    )
)

_PAGE = Statement(
    select(*(c for c in Records.__table__.columns if c.name != "snapshot"))
    .where(Records.seq > bindparam("after", type_=BigInteger))
    .order_by(Records.seq)
    .limit(bindparam("limit", type_=Integer))
)


async def page_after(conn: Connection, after: int, limit: int) -> list[JournalRecord]:
    """Up to ``limit`` records after ``after``, oldest first."""
    return await _PAGE.rows(conn, {"after": after, "limit": limit}, JournalRecord)


_HEAD = Statement(
    text(
        """
        SELECT h.seq, h.hash, j.at FROM journal_head h LEFT JOIN journal j ON j.seq = h.seq
        WHERE h.id = 1
        """
    )
)


async def head_record(conn: Connection) -> tuple[int, str, datetime | None]:
    """The last record's ``seq``, ``hash`` and ``at`` (0, the genesis hash and None before the
    first record)."""
    row = await _HEAD.row(conn, {}, lambda seq, hash, at: (seq, hash, at))
    return row if row is not None else (0, GENESIS, None)
