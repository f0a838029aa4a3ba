"""Benchmark the invoice PDF: documents rendered per second on one core, embedding included.

    .venv/bin/python bench/documents.py              # 3 seconds per kind
    .venv/bin/python bench/documents.py --seconds 10

Pure CPU, no database: each kind of sample document (``tests/documents/pdf_samples.py``) is
rendered with ``render_pdf`` (layout, fonts subset and embedded, QR codes, PDF/A structures, the
Factur-X XML attached) over and over in this one process, after one warm-up render.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.documents import pdf_samples

from partnerbilling.documents.domain import Document
from partnerbilling.documents.pdf import render_pdf

KINDS: dict[str, Callable[[], Document]] = {
    "1 line, CHF, QR-bill (QR-IBAN)": lambda: pdf_samples.invoice(qr_iban=True),
    "1 line, EUR, EPC QR code": lambda: pdf_samples.invoice(currency="EUR"),
    "1 line, credit note (no QR)": pdf_samples.credit_note,
    "40 lines, CHF, QR-bill, 3 pages": lambda: pdf_samples.invoice(qr_iban=True, lines=40, partner_paid=True),
}


def rate(doc: Document, seconds: float) -> tuple[float, int]:
    """PDFs per second over about ``seconds``, and the size of one."""
    size = len(render_pdf(doc, pdf_samples.XML))
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        render_pdf(doc, pdf_samples.XML)
        count += 1
    return count / elapsed, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each kind")
    args = parser.parse_args()
    for name, make in KINDS.items():
        per_second, size = rate(make(), args.seconds)
        print(f"{name:36} {per_second:7.1f} PDFs/s  {1000 / per_second:6.1f} ms each  {size // 1024} KB")


if __name__ == "__main__":
    main()
