"""`partnerbilling dunning-run`: the dunning run with progress on the terminal and a summary."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import utcnow
from partnerbilling.dunning.runner import DunningReport, run_dunning


async def dunning_run(
    engine: AsyncEngine, as_of: datetime | None, schedule: Sequence[int], out: TextIO = sys.stdout
) -> int:
    """Take the dunning steps due at ``as_of`` (default now), showing progress on stderr (on a
    terminal); prints the summary and returns 0, or 1 if any step failed."""
    as_of = as_of or utcnow()
    started = time.monotonic()
    tty = sys.stderr.isatty()
    last = [started]

    def progress(report: DunningReport) -> None:
        now = time.monotonic()
        if tty and now - last[0] >= 0.1:
            last[0] = now
            sys.stderr.write(
                f"\r{report.invoices:,} invoices · {report.stepped:,} steps · {report.failed:,} failed  "
            )
            sys.stderr.flush()

    report = await run_dunning(engine, as_of, schedule, on_progress=progress)
    if tty:
        sys.stderr.write("\n")
    seconds = time.monotonic() - started
    rate = report.invoices / seconds if seconds > 0 else 0.0
    print(
        f"dunning as of {as_of.isoformat()}: {report.invoices:,} invoices in {seconds:.1f} s ({rate:,.0f}/s)",
        file=out,
    )
    print(f"stepped {report.stepped:,}", file=out)
    for level, count in sorted(report.levels.items()):
        print(f"  level {level}: {count:,}", file=out)
    print(f"unchanged {report.unchanged:,} (next step not due yet)", file=out)
    print(f"failed  {report.failed:,}", file=out)
    for code, count in report.reasons.most_common():
        print(f"  {code}: {count:,}", file=out)
    return 1 if report.failed else 0
