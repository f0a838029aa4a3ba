"""What the CSV exports (SPEC §12) share: the period they cover, and the stream that reads them
batch by batch so that the memory they take does not grow with the number of rows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.csv_cells import Row, encode_rows
from partnerbilling.db import transaction
from partnerbilling.errors import ValidationFailed
from partnerbilling.pagination import K
from partnerbilling.sql import Connection

# Rows of the table read per statement: large enough that a million rows take a thousand round
# trips, small enough that a batch is a few megabytes at most.
BATCH_SIZE = 1000

# Before every stored moment (asyncpg sends it as PostgreSQL's -infinity).
_BEGINNING = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Period:
    """The moments an export covers, in UTC: from ``start`` (included) to ``end`` (excluded)."""

    start: datetime
    end: datetime


def period_of(first_day: date | None, end_day: date | None, now: datetime) -> Period:
    """``?from=`` and ``?to=`` (calendar dates, UTC) as a period: from the start of ``from`` to
    the start of ``to``, half-open, so that consecutive months never share a row. Without
    ``to``, and never past it, the period ends at ``now`` (the moment of the request): an export
    does not grow while it is being read. ``from`` after ``to`` is refused."""
    if first_day is not None and end_day is not None and first_day > end_day:
        msg = "must not be after `to`"
        raise ValidationFailed(f"query.from: {msg}", errors=[{"loc": ["query", "from"], "msg": msg}])
    start = _BEGINNING if first_day is None else datetime.combine(first_day, time(), UTC)
    end = now if end_day is None else min(now, datetime.combine(end_day, time(), UTC))
    return Period(start, end)


# Reads the batch after a (created_at, id) key; the first batch is read after (start, "").
ReadBatch = Callable[[Connection, tuple[datetime, str]], Awaitable[Sequence[K]]]


async def stream_csv(
    conn: Connection,
    engine: AsyncEngine,
    period: Period,
    columns: Row,
    read: ReadBatch[K],
    rows_of: Callable[[K], Iterable[Row]],
) -> AsyncIterator[bytes]:
    """The CSV of every object ``read`` finds in ``period``, oldest first: the header, then one
    chunk per batch. The first batch is read now, on the request's connection (so that a
    database that does not answer is a 503, not a cut-off file); each later batch in a short
    read-only transaction of its own, so that a slow reader holds no connection and no
    transaction open between batches."""
    first = await read(conn, (period.start, ""))
    return _chunks(engine, columns, read, rows_of, first)


async def _chunks(
    engine: AsyncEngine,
    columns: Row,
    read: ReadBatch[K],
    rows_of: Callable[[K], Iterable[Row]],
    batch: Sequence[K],
) -> AsyncIterator[bytes]:
    yield encode_rows([columns])
    while batch:
        yield encode_rows(row for item in batch for row in rows_of(item))
        if len(batch) < BATCH_SIZE:
            return
        after = (batch[-1].created_at, batch[-1].id)
        async with transaction(engine, snapshot=True) as conn:
            batch = await read(conn, after)
