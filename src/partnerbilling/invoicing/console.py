"""`partnerbilling close-month`: the monthly close, with a summary."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import utcnow
from partnerbilling.invoicing.runner import close_month


async def close_month_run(engine: AsyncEngine, as_of: datetime | None, out: TextIO = sys.stdout) -> int:
    """Invoice the charges unbilled before ``as_of``'s month (default now); prints the summary
    and returns 0, or 1 if any payer's invoice failed."""
    as_of = as_of or utcnow()
    started = time.monotonic()
    report = await close_month(engine, as_of)
    seconds = time.monotonic() - started
    rate = report.charges / seconds if seconds > 0 else 0.0
    print(
        f"close as of {as_of.isoformat()} (charges before {report.billed_before.isoformat()}): "
        f"{report.invoices:,} invoices, {report.charges:,} charges in {seconds:.1f} s ({rate:,.0f}/s)",
        file=out,
    )
    print(f"failed  {report.failed:,}", file=out)
    for code, count in report.reasons.most_common():
        print(f"  {code}: {count:,}", file=out)
    return 1 if report.failed else 0
