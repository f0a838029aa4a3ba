"""The renewal runner: every due period of every auto-renewing subscription, exactly once.

Runners claim subscriptions in batches (``FOR UPDATE SKIP LOCKED``, then a short lease on the
row) so that several can work side by side, each on its own subscriptions; the claimed ones are
renewed by a few concurrent workers, one transaction per period. Exactly once does not rest on
the claims: each renewal locks its subscription and starts where its current period ends, and
the database refuses a second order for the same (subscription, period start).

A run walks the due subscriptions in (period end, id) order, then once more from the start for
those that were locked when it passed (a customer renewing by hand at that moment). A failed
subscription keeps its lease until the run ends, so neither pass tries it twice; the next run
does.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.catalog import repository as catalog
from partnerbilling.db import connection, in_transaction, transaction, utcnow
from partnerbilling.errors import DomainError
from partnerbilling.failures import classify_exception
from partnerbilling.organizations import repository as organizations
from partnerbilling.renewals import repository
from partnerbilling.renewals.service import Claimed, Parties, renew_due_period
from partnerbilling.sql import Connection

log = logging.getLogger(__name__)

# Failures worth another attempt within the run: a lock wait that timed out, a deadlock.
_TRANSIENT = frozenset({"timeout", "conflict_retry"})
_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Failure:
    subscription_id: str
    code: str
    detail: str


@dataclass(slots=True)
class RunReport:
    """What a run did. ``failures`` lists the first :attr:`listed` failures; ``reasons`` counts
    all of them by code."""

    as_of: datetime
    renewed: int = 0
    failed: int = 0
    skipped: int = 0
    subscriptions: int = 0
    failures: list[Failure] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    listed: int = 100
    failed_ids: list[str] = field(default_factory=list, repr=False)

    def record_failure(self, failure: Failure) -> None:
        self.failed += 1
        self.reasons[failure.code] += 1
        self.failed_ids.append(failure.subscription_id)
        if len(self.failures) < self.listed:
            self.failures.append(failure)


Progress = Callable[[RunReport], None]
# Called after each batch is claimed, before it is worked on: a job keeps its lease there and
# gives the live traffic its turn.
BatchHook = Callable[[], Awaitable[None]]


async def renew_due_subscriptions(
    engine: AsyncEngine,
    as_of: datetime,
    *,
    batch_size: int = 200,
    concurrency: int = 4,
    lease: timedelta = timedelta(minutes=5),
    on_progress: Progress | None = None,
    after_batch: BatchHook | None = None,
) -> RunReport:
    """Renew, for every active auto-renewing subscription whose period ends at or before
    ``as_of``, every period that is due, each in its own transaction. A failed renewal is
    reported and not retried in this run; the run goes on with the others."""
    report = RunReport(as_of)
    claims = _Claims(engine, as_of, batch_size, lease, after_batch)

    async def work() -> None:
        async with connection(engine) as conn:
            while (claimed := await claims.next()) is not None:
                await _renew_claimed(conn, claimed, as_of, report)
                if on_progress is not None:
                    on_progress(report)

    try:
        # A task group, so that if one worker cannot go on (the database is gone), none is
        # left behind.
        async with asyncio.TaskGroup() as workers:
            for _ in range(concurrency):
                workers.create_task(work())
    finally:
        await _release(engine, report.failed_ids)
    async with transaction(engine) as conn:
        suspended = await repository.count_suspended_due(conn, as_of)
    if suspended:
        # Not renewed while suspended (SPEC §10): reported as skipped, with their reason.
        report.skipped += suspended
        report.reasons["suspended"] += suspended
    return report


class _Claims:
    """The run's queue of claimed subscriptions, refilled a batch at a time, each with its
    customer and product read once for the batch. The keyset only moves forward, except for
    the one sweep from the start when it reaches the end."""

    def __init__(
        self,
        engine: AsyncEngine,
        as_of: datetime,
        batch_size: int,
        lease: timedelta,
        after_batch: BatchHook | None,
    ):
        self._engine, self._as_of, self._batch_size, self._lease = engine, as_of, batch_size, lease
        self._after_batch = after_batch
        self._queue: deque[Claimed] = deque()
        self._after: tuple[datetime, str] | None = None
        self._sweeps = 1
        self._exhausted = False
        self._lock = asyncio.Lock()

    async def next(self) -> Claimed | None:
        async with self._lock:
            while not self._queue and not self._exhausted:
                await self._claim_batch()
                if self._after_batch is not None:
                    await self._after_batch()
            return self._queue.popleft() if self._queue else None

    async def _claim_batch(self) -> None:
        now = utcnow()
        async with transaction(self._engine) as conn:
            rows = await repository.claim_due(
                conn, self._as_of, self._after, self._batch_size, now, now + self._lease
            )
            customer_ids = list({row.customer_id for row in rows})
            customers = await organizations.get_many(conn, customer_ids)
            partners = await repository.partners_of(conn, customer_ids)
            products = {sku: await catalog.get_product(conn, sku) for sku in {row.sku for row in rows}}
        if not rows:
            if self._sweeps and self._after is not None:
                self._sweeps, self._after = self._sweeps - 1, None
            else:
                self._exhausted = True
            return
        rows.sort(key=lambda row: (row.current_period_end, row.id))
        self._after = (rows[-1].current_period_end, rows[-1].id)
        for row in rows:
            customer, product = customers.get(row.customer_id), products.get(row.sku)
            # Without them (a product gone), the renewal reads them again and says what is amiss.
            parties = None
            if customer is not None and product is not None:
                parties = Parties(customer, product, partners.get(row.customer_id))
            self._queue.append(
                Claimed(row.id, row.customer_id, row.current_period_end, row.created_at, parties)
            )


async def _renew_claimed(conn: Connection, claimed: Claimed, as_of: datetime, report: RunReport) -> None:
    """Renew one claimed subscription period after period while one is due."""
    report.subscriptions += 1
    renewed = 0
    attempt = 1
    while True:
        try:
            async with in_transaction(conn):
                period = await renew_due_period(conn, claimed, as_of)
        except Exception as exc:
            failure = _failure(claimed.subscription_id, exc)
            if failure.code in _TRANSIENT and attempt < _ATTEMPTS:
                attempt += 1
                continue
            report.record_failure(failure)
            return
        if period is None:
            if renewed == 0:
                report.skipped += 1  # renewed, cancelled or claimed elsewhere meanwhile
            return
        renewed += 1
        report.renewed += 1
        attempt = 1
        if period.period_end > as_of:
            return
        claimed = replace(claimed, period_end=period.period_end)


def _failure(subscription_id: str, exc: Exception) -> Failure:
    if isinstance(exc, DomainError):
        return Failure(subscription_id, exc.code, exc.detail)
    status, code, detail = classify_exception(exc)
    if status >= 500 and code == "internal_error":
        log.exception("renewal of %s failed", subscription_id, exc_info=exc)
    return Failure(subscription_id, code, f"{detail} ({type(exc).__name__})")


async def _release(engine: AsyncEngine, subscription_ids: list[str]) -> None:
    """Give the run's failed subscriptions back, for the next run to try again."""
    if not subscription_ids:
        return
    try:
        async with transaction(engine) as conn:
            await repository.release_many(conn, subscription_ids)
    except Exception:
        log.warning("could not release %d failed subscriptions; their leases lapse", len(subscription_ids))
