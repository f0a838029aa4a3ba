"""How many Factur-X XML documents per second one core renders: the 1-line invoice and the
40-line partner-paid one (``tests/documents/samples.py``). Pure CPU, no database.

    .venv/bin/python bench/documents_xml.py [seconds per sample, default 3]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.documents import samples

from partnerbilling.documents.domain import Document
from partnerbilling.documents.facturx import facturx_xml


def rate(build: Callable[[], Document], seconds: float) -> tuple[float, int]:
    """Documents per second over about ``seconds``, and the size of one in bytes."""
    doc = build()
    size = len(facturx_xml(doc))
    for _ in range(50):  # warm up
        facturx_xml(doc)
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(100):
            facturx_xml(doc)
        count += 100
    return count / elapsed, size


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    for name, build in (("1 line", samples.chf_qr_iban), ("40 lines", samples.partner_paid)):
        per_second, size = rate(build, seconds)
        print(f"{name:>8}: {per_second:8.0f} documents/s  {1e6 / per_second:7.0f} µs each  {size} bytes")


if __name__ == "__main__":
    main()
