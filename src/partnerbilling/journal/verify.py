"""``partnerbilling verify``: every record recomputed from the stored objects (SPEC §17).

The journal is read in ``seq`` order through a server-side cursor in one read-only snapshot
(repeatable read), a batch at a time; each batch's objects are read with one query per kind.
A record holds when its ``seq`` follows the one before, its ``prev_hash`` is that record's hash,
its object exists with the content it was journaled with, and its ``hash`` is its fields'. After
the chain, the head must be the last record, and every row of a journaled table must have its
record (a row inserted by hand has none). The first that does not hold is reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.journal import content
from partnerbilling.journal.domain import GENESIS, canonical_row, record_hash, sha256_hex
from partnerbilling.journal.kinds import KINDS, JournaledKind, fact_kinds
from partnerbilling.sql import Connection, driver
from partnerbilling.transactions import connection

_RECORDS = (
    "SELECT seq, at, kind, object_id, content_hash, prev_hash, hash, snapshot::text AS snapshot "
    "FROM journal ORDER BY seq"
)
_HEAD = "SELECT seq, hash FROM journal_head WHERE id = 1"


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The first thing that does not hold: a record (``seq``), or an object without one."""

    seq: int | None
    kind: str
    object_id: str
    reason: str

    def __str__(self) -> str:
        return f"seq={self.seq} kind={self.kind} object_id={self.object_id}: {self.reason}"


@dataclass(slots=True)
class Verification:
    records: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    mismatch: Mismatch | None = None


async def verify_journal(engine: AsyncEngine, batch_size: int = 5000) -> Verification:
    """Recompute every record; the first mismatch, if any, with the number of records read."""
    async with connection(engine) as conn:
        raw = driver(conn)
        async with raw.transaction(isolation="repeatable_read", readonly=True):
            result = Verification()
            async for batch in _batches(conn, batch_size):
                result.mismatch = await _check_batch(conn, batch, result)
                if result.mismatch is not None:
                    return result
            result.mismatch = await _check_head(conn, result) or await _find_unjournaled(conn)
            return result


async def _batches(conn: Connection, size: int) -> AsyncIterator[list[dict[str, object]]]:
    batch: list[dict[str, object]] = []
    async for record in driver(conn).cursor(_RECORDS, prefetch=size):
        batch.append(dict(record))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


async def _check_batch(
    conn: Connection, batch: list[dict[str, object]], result: Verification
) -> Mismatch | None:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for record in batch:
        by_kind[str(record["kind"])].append(str(record["object_id"]))
    found: dict[str, dict[str, bytes]] = {}
    for kind, ids in by_kind.items():
        journaled = KINDS.get(kind)
        if journaled is not None:
            found[kind] = await _contents(conn, journaled, ids)
    for record in batch:
        mismatch = _check_record(record, found.get(str(record["kind"])), result)
        if mismatch is not None:
            return mismatch
        result.records += 1
    return None


async def _contents(conn: Connection, journaled: JournaledKind, ids: list[str]) -> dict[str, bytes]:
    """Each existing object's content; for a state change only that it exists (its content is
    the record's snapshot)."""
    if journaled.state:
        return {object_id: b"" for object_id in await content.rows(conn, journaled, ids)}
    return await content.contents(conn, journaled, ids)


def _check_record(
    record: dict[str, object], found: dict[str, bytes] | None, result: Verification
) -> Mismatch | None:
    seq, kind, object_id = int(str(record["seq"])), str(record["kind"]), str(record["object_id"])

    def mismatch(reason: str) -> Mismatch:
        return Mismatch(seq, kind, object_id, reason)

    if seq != result.last_seq + 1:
        return mismatch(f"the records {result.last_seq + 1}..{seq - 1} are missing")
    if record["prev_hash"] != result.last_hash:
        return mismatch("its prev_hash is not the hash of the record before")
    if found is None:
        return mismatch("unknown kind")
    body = found.get(object_id)
    if body is None:
        return mismatch("its object is missing (deleted)")
    if KINDS[kind].state:
        snapshot = record["snapshot"]
        body = canonical_row(orjson.loads(str(snapshot))) if snapshot is not None else b""
    if sha256_hex(body) != record["content_hash"]:
        return mismatch("its object's content differs from the content journaled (changed)")
    at = record["at"]
    expected = record_hash(result.last_hash, seq, at, kind, object_id, str(record["content_hash"]))  # type: ignore[arg-type]
    if expected != record["hash"]:
        return mismatch("its hash is not the hash of its fields")
    result.last_seq, result.last_hash = seq, expected
    return None


async def _check_head(conn: Connection, result: Verification) -> Mismatch | None:
    head = await driver(conn).fetchrow(_HEAD)
    if head is None:
        return None  # emptied by hand with the journal; an empty chain has no head to compare
    if (head["seq"], head["hash"]) != (result.last_seq, result.last_hash):
        return Mismatch(
            result.last_seq + 1,
            "",
            "",
            f"the head is at seq {head['seq']}: the records after {result.last_seq} are missing",
        )
    return None


async def _find_unjournaled(conn: Connection) -> Mismatch | None:
    """An object of a journaled table without its record (inserted by hand)."""
    for journaled in fact_kinds():
        sql = (
            f"SELECT t.id FROM {journaled.table} t WHERE NOT EXISTS ("
            "SELECT 1 FROM journal j WHERE j.kind = $1 AND j.object_id = t.id) ORDER BY t.id LIMIT 1"
        )
        object_id = await driver(conn).fetchval(sql, journaled.kind)
        if object_id is not None:
            return Mismatch(None, journaled.kind, object_id, "an object without a record (inserted by hand)")
    return None
