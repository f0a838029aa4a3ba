"""Renders a sample of each kind of document to ``docs/samples/<name>-<page>.png`` (about 100 dpi,
every page), to look at: CHF with a QR-IBAN (German, to Germany), CHF with an IBAN (French), EUR,
Italian, English, partly paid, paid, a credit note, reverse charge, names of 140 characters, and
a 40-line partner-paid invoice. Run from the repository's root:
``.venv/bin/python docs/samples/render.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dataclasses import replace  # noqa: E402
from datetime import date  # noqa: E402
from decimal import Decimal  # noqa: E402

from tests.documents import pdf_samples  # noqa: E402

from partnerbilling.documents.domain import Address, Buyer, Document, Language, Paid  # noqa: E402
from partnerbilling.documents.pdf import render_pdf  # noqa: E402

MILANO = Address(street="Via Dante", building_number="7", postal_code="20121", city="Milano", country="IT")
LONDON = Address(
    street="Baker Street", building_number="221B", postal_code="NW1 6XE", city="London", country="GB"
)
ITALIAN = Buyer("Studio Verdi S.r.l.", MILANO, "IT00743110157", Language.IT, reverse_charge=False)
ENGLISH = Buyer("Northwind Trading Ltd", LONDON, None, Language.EN, reverse_charge=False)
LONG_NAME = (
    "Genossenschaft für Informatikdienstleistungen und Rechenzentrumsbetrieb der Kantone "
    "Graubünden, Glarus, Schaffhausen und Appenzell"
)[:140]
_CHF = pdf_samples.invoice(qr_iban=True)
_LONG = replace(
    _CHF,
    seller=replace(_CHF.seller, legal_name=LONG_NAME),
    buyer=replace(
        _CHF.buyer,
        legal_name=LONG_NAME.replace("Genossenschaft", "Verband"),
        address=replace(
            pdf_samples.ZURICH, street="Obere Bahnhofstrasse und Industriequartier Nord Eingang B"
        ),
    ),
)
_PART = Decimal("50.00")

SAMPLES: dict[str, Document] = {
    "chf-qr-iban": pdf_samples.invoice(qr_iban=True),
    "chf-iban": pdf_samples.invoice(buyer=pdf_samples.FRENCH),
    "eur": pdf_samples.invoice(currency="EUR", buyer=pdf_samples.FRENCH),
    "credit-note": pdf_samples.credit_note(),
    "reverse-charge": pdf_samples.invoice(currency="EUR", reverse_charge=True),
    "forty-lines": pdf_samples.invoice(qr_iban=True, lines=40, partner_paid=True),
    "italian": pdf_samples.invoice(buyer=ITALIAN),
    "english": pdf_samples.invoice(buyer=ENGLISH, qr_iban=True),
    "partly-paid": replace(_CHF, amount_due=_CHF.total - _PART, payments=(Paid(date(2026, 3, 10), _PART),)),
    "paid": replace(
        _CHF,
        amount_due=Decimal("0.00"),
        payments=(Paid(date(2026, 3, 12), _CHF.total),),
        paid_on=date(2026, 3, 12),
    ),
    "long-names": _LONG,
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
