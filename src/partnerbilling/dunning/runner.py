"""The dunning run: every unpaid invoice past due, at most one step each (SPEC §10).

Runs claim invoices in batches (``FOR UPDATE SKIP LOCKED``, then a short lease on the row) so
that several can work side by side, each on its own invoices; a few concurrent workers take the
steps, one transaction per invoice. That a step is never taken twice does not rest on the
claims: each step locks its invoice and is recorded only at the level it was read at.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import connection, in_transaction, transaction, utcnow
from partnerbilling.dunning import repository
from partnerbilling.dunning.domain import DueInvoice
from partnerbilling.dunning.service import take_step
from partnerbilling.errors import DomainError
from partnerbilling.failures import classify_exception

log = logging.getLogger(__name__)


@dataclass(slots=True)
class DunningReport:
    """What a run did: invoices looked at, steps taken by level, failures by code."""

    as_of: datetime
    invoices: int = 0
    stepped: int = 0
    unchanged: int = 0
    failed: int = 0
    levels: Counter[int] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    failed_ids: list[str] = field(default_factory=list)


Progress = Callable[[DunningReport], None]
# Called after each batch is claimed (see the renewal runner's).
BatchHook = Callable[[], Awaitable[None]]


async def run_dunning(
    engine: AsyncEngine,
    as_of: datetime,
    schedule: Sequence[int],
    *,
    batch_size: int = 500,
    concurrency: int = 4,
    lease: timedelta = timedelta(minutes=5),
    on_progress: Progress | None = None,
    after_batch: BatchHook | None = None,
) -> DunningReport:
    """Take, for every unpaid invoice past due at ``as_of``, its next step if one is due."""
    report = DunningReport(as_of)
    queue: deque[str] = deque()
    after: list[tuple[datetime, str] | None] = [None]
    done = [False]
    lock = asyncio.Lock()
    due_before = as_of - timedelta(days=schedule[0])

    async def next_id() -> str | None:
        async with lock:
            while not queue and not done[0]:
                rows = await _claim(engine, due_before, after[0], batch_size, lease)
                if not rows:
                    done[0] = True
                    break
                rows.sort(key=lambda row: (row.due_at, row.id))
                after[0] = (rows[-1].due_at, rows[-1].id)
                queue.extend(row.id for row in rows)
                if after_batch is not None:
                    await after_batch()
            return queue.popleft() if queue else None

    async def work() -> None:
        async with connection(engine) as conn:
            while (invoice_id := await next_id()) is not None:
                report.invoices += 1
                try:
                    async with in_transaction(conn):
                        level = await take_step(conn, invoice_id, as_of, schedule, utcnow())
                except Exception as exc:
                    _record_failure(report, invoice_id, exc)
                    continue
                if level is None:
                    report.unchanged += 1
                else:
                    report.stepped += 1
                    report.levels[level] += 1
                if on_progress is not None:
                    on_progress(report)

    try:
        async with asyncio.TaskGroup() as workers:
            for _ in range(concurrency):
                workers.create_task(work())
    finally:
        await _release(engine, report.failed_ids)
    return report


async def _claim(
    engine: AsyncEngine,
    due_before: datetime,
    after: tuple[datetime, str] | None,
    limit: int,
    lease: timedelta,
) -> list[DueInvoice]:
    now = utcnow()
    async with transaction(engine) as conn:
        return await repository.claim_due(conn, due_before, after, limit, now, now + lease)


def _record_failure(report: DunningReport, invoice_id: str, exc: Exception) -> None:
    report.failed += 1
    report.failed_ids.append(invoice_id)
    if isinstance(exc, DomainError):
        report.reasons[exc.code] += 1
        return
    status, code, _ = classify_exception(exc)
    if status >= 500 and code == "internal_error":
        log.exception("dunning of %s failed", invoice_id, exc_info=exc)
    report.reasons[code] += 1


async def _release(engine: AsyncEngine, invoice_ids: list[str]) -> None:
    """Give the run's failed invoices back, for the next run to try again."""
    if not invoice_ids:
        return
    try:
        async with transaction(engine) as conn:
            await repository.release_many(conn, invoice_ids)
    except Exception:
        log.warning("could not release %d failed invoices; their leases lapse", len(invoice_ids))
