"""Renders a sample of each kind of document to ``docs/samples/<name>-<page>.png`` (about 100 dpi,
every page), to look at: CHF with a QR-IBAN, CHF with an IBAN, EUR, a credit note, reverse
charge, and a 40-line partner-paid invoice. Run from the repository's root:
``.venv/bin/python docs/samples/render.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.documents import pdf_samples  # noqa: E402

from partnerbilling.documents.domain import Document  # noqa: E402
from partnerbilling.documents.pdf import render_pdf  # noqa: E402

SAMPLES: dict[str, Document] = {
    "chf-qr-iban": pdf_samples.invoice(qr_iban=True),
    "chf-iban": pdf_samples.invoice(buyer=pdf_samples.FRENCH),
    "eur": pdf_samples.invoice(currency="EUR", buyer=pdf_samples.FRENCH),
    "credit-note": pdf_samples.credit_note(),
    "reverse-charge": pdf_samples.invoice(currency="EUR", reverse_charge=True),
    "forty-lines": pdf_samples.invoice(qr_iban=True, lines=40, partner_paid=True),
}


def main() -> None:
    out = Path(__file__).parent
    for old in out.glob("*.png"):
        old.unlink()
    for name, doc in SAMPLES.items():
        pdf = pypdfium2.PdfDocument(render_pdf(doc, pdf_samples.XML))
        for index in range(len(pdf)):
            image = pdf[index].render(scale=100 / 72).to_pil().convert("L")
            path = out / f"{name}-{index + 1}.png"
            image.save(path, optimize=True)
            print(path.relative_to(ROOT), f"{path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
