"""`partnerbilling renew-due`: the runner with progress on the terminal and a closing summary."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.fields import checked_time
from partnerbilling.jobs.domain import check_as_of
from partnerbilling.renewals import repository
from partnerbilling.renewals.runner import RunReport, renew_due_subscriptions

log = logging.getLogger("partnerbilling.renewals")

_SHOWN_FAILURES = 20


def parse_as_of(value: str) -> datetime:
    """``--as-of``: an RFC 3339 time or a date, between 1970 and 9999; without a time zone it
    is UTC."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return check_as_of(checked_time(parsed), utcnow())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} {exc}") from None


async def renew_due(engine: AsyncEngine, as_of: datetime | None, out: TextIO = sys.stdout) -> int:
    """Run the renewals due by ``as_of`` (default now), showing progress on stderr; prints the
    summary and returns the exit status: 0, or 1 if any renewal failed."""
    as_of = as_of or utcnow()
    async with transaction(engine) as conn:
        total = await repository.count_due(conn, as_of)
    progress = _Progress(total, sys.stderr)
    log.info("renewing subscriptions due by %s: %d subscriptions", as_of.isoformat(), total)
    report = await renew_due_subscriptions(engine, as_of, on_progress=progress.update)
    progress.finish(report)
    _print_summary(report, time.monotonic() - progress.started, out)
    return 1 if report.failed else 0


class _Progress:
    """A bar redrawn in place on a terminal; elsewhere (a log file, cron) a line every few seconds."""

    def __init__(self, total: int, stream: TextIO):
        self.total, self.stream = total, stream
        self.tty = stream.isatty()
        self.started = self._last = time.monotonic()
        self._every = 0.1 if self.tty else 5.0

    def update(self, report: RunReport, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self._every:
            return
        self._last = now
        rate = report.renewed / max(now - self.started, 1e-9)
        done = min(report.subscriptions, self.total) if self.total else report.subscriptions
        counts = f"{report.renewed:,} renewed · {report.failed:,} failed · {rate:,.0f}/s"
        if self.tty:
            share = done / self.total if self.total else 1.0
            bar = "#" * int(share * 30)
            self.stream.write(f"\r[{bar:<30}] {share:4.0%} {done:,}/{self.total:,} · {counts}  ")
            self.stream.flush()
        else:
            log.info("renewals: %s/%s subscriptions, %s", f"{done:,}", f"{self.total:,}", counts)

    def finish(self, report: RunReport) -> None:
        self.update(report, force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _print_summary(report: RunReport, seconds: float, out: TextIO) -> None:
    rate = report.renewed / seconds if seconds > 0 else 0.0
    print(
        f"renewed {report.renewed:,} periods in {seconds:.1f} s ({rate:,.0f}/s);"
        f" {report.subscriptions:,} subscriptions handled, as of {report.as_of.isoformat()}",
        file=out,
    )
    print(f"failed  {report.failed:,}", file=out)
    for code, count in report.reasons.most_common():
        print(f"  {code}: {count:,}", file=out)
    for failure in report.failures[:_SHOWN_FAILURES]:
        print(f"    {failure.subscription_id}: {failure.detail}", file=out)
    if report.failed > _SHOWN_FAILURES:
        print(f"    … and {report.failed - _SHOWN_FAILURES:,} more", file=out)
    print(f"skipped {report.skipped:,} (renewed, cancelled or claimed elsewhere meanwhile)", file=out)
