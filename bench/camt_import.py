"""How long reading a camt.054 of 10,000 credit entries takes (parsing, checking, and the
credits' identities), and the memory it peaks at (tracemalloc: Python's allocations, lxml's tree
included as far as it allocates through Python; the process's peak RSS is printed beside it: a
fresh process that reads the 6.7 MB file grows by about 70 MB, mostly libxml2's tree). Pure CPU;
the import against a database is ``bench/import_camt.py``.

    .venv/bin/python bench/camt_import.py [entries, default 10000]
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.payments.camt_files import camt054

from partnerbilling.billing.references import creditor_reference, qr_reference
from partnerbilling.payments.camt import read_notification

T = TypeVar("T")
LIMIT = 64 * 1024 * 1024


def measured(run: Callable[[], T]) -> tuple[T, float, int]:
    """What ``run`` returns, its best wall time in seconds of 3 runs (untraced: tracing slows
    Python down several times), and its peak traced memory in bytes (a fourth run)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return value, best, peak


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    numbers = [f"2026-{n:06d}" for n in range(1, count + 1)]
    rows = [
        (qr_reference(number) if n % 2 else creditor_reference(number), Decimal("129.72"), "CHF", f"E-{n}")
        for n, number in enumerate(numbers)
    ]
    data = camt054(rows, "08")
    print(f"file: {count} entries, {len(data) / 1e6:.1f} MB")
    del rows
    generated = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    notification, seconds, peak = measured(lambda: read_notification(data, max_bytes=LIMIT))
    assert len(notification.entries) == count
    print(f"read:   {seconds * 1000:7.0f} ms  peak {peak / 1e6:6.1f} MB traced")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"process peak RSS: {generated / 1024:.0f} MB once the file was made, {rss / 1024:.0f} MB at the end"
    )


if __name__ == "__main__":
    main()
