"""The monthly close (SPEC §15): for each payer and currency with charges unbilled before the
first day of ``as_of``'s month, one invoice, each in its own transaction.

Nothing is issued twice: a payer's charges are locked, invoiced and marked billed in the one
transaction that issues its invoice, so a close resumed after its worker died (or one running
beside it) finds them billed and issues nothing for them.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.errors import DomainError
from partnerbilling.failures import classify_exception
from partnerbilling.invoicing import repository, service
from partnerbilling.invoicing.calendar import cutoff

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Failure:
    payer_id: str
    currency: str
    code: str
    detail: str


@dataclass(slots=True)
class CloseReport:
    """What a close did: invoices issued, charges they bill, payers whose invoice failed (their
    charges stay unbilled for the next close)."""

    as_of: datetime
    billed_before: datetime
    invoices: int = 0
    charges: int = 0
    payers: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    listed: int = 100

    def record_failure(self, failure: Failure) -> None:
        self.failed += 1
        self.reasons[failure.code] += 1
        if len(self.failures) < self.listed:
            self.failures.append(failure)


Progress = Callable[[CloseReport], None]
BatchHook = Callable[[], Awaitable[None]]


async def before_of(engine: AsyncEngine, as_of: datetime) -> datetime:
    """The first moment of ``as_of``'s month in the issuer's time zone."""
    async with transaction(engine) as conn:
        return cutoff(as_of, await service.zone(conn))


async def count_payers(engine: AsyncEngine, as_of: datetime) -> int:
    before = await before_of(engine, as_of)
    async with transaction(engine) as conn:
        return await repository.count_payers(conn, before)


async def close_month(
    engine: AsyncEngine,
    as_of: datetime,
    *,
    batch_size: int = 200,
    on_progress: Progress | None = None,
    after_batch: BatchHook | None = None,
) -> CloseReport:
    """Invoice every payer's charges unbilled before the first day of ``as_of``'s month: one
    invoice per payer and currency. A payer whose invoice fails is reported; the run goes on."""
    report = CloseReport(as_of, await before_of(engine, as_of))
    after: tuple[str, str] | None = None
    while True:
        async with transaction(engine) as conn:
            batch = await repository.payers(conn, report.billed_before, after, batch_size)
        if not batch:
            return report
        if after_batch is not None:
            await after_batch()
        for payer_id, currency in batch:
            await _bill(engine, payer_id, currency, report)
            if on_progress is not None:
                on_progress(report)
        after = batch[-1]


async def _bill(engine: AsyncEngine, payer_id: str, currency: str, report: CloseReport) -> None:
    report.payers += 1
    try:
        async with transaction(engine) as conn:
            billed = await service.bill_payer(conn, payer_id, currency, report.billed_before, utcnow())
    except Exception as exc:
        report.record_failure(_failure(payer_id, currency, exc))
        return
    if billed:
        report.invoices += 1
        report.charges += billed


def _failure(payer_id: str, currency: str, exc: Exception) -> Failure:
    if isinstance(exc, DomainError):
        return Failure(payer_id, currency, exc.code, exc.detail)
    status, code, detail = classify_exception(exc)
    if status >= 500 and code == "internal_error":
        log.exception("monthly invoice of %s in %s failed", payer_id, currency, exc_info=exc)
    return Failure(payer_id, currency, code, f"{detail} ({type(exc).__name__})")
