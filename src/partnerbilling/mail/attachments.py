"""What an outbox message carries besides its text: an invoice's PDF, drawn when the message is
sent (so it shows what is due then), from the document the invoice copied when it was issued."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.documents.facturx import facturx_xml
from partnerbilling.documents.pdf import render_pdf
from partnerbilling.errors import IssuerNotConfigured
from partnerbilling.invoices import repository as invoices
from partnerbilling.invoices.documents import as_issued, renderable
from partnerbilling.issuer import repository as issuer
from partnerbilling.payments import repository as payments


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    media_type: tuple[str, str] = ("application", "pdf")


async def invoice_pdf(engine: AsyncEngine, invoice_id: str) -> Attachment | None:
    """The invoice's PDF (PDF/A-3 with its XML, and its QR-bill while something is due), or None
    for an invoice that no longer exists or was issued without an issuer (nothing to draw)."""
    async with transaction(engine) as conn:
        invoice = await invoices.get(conn, invoice_id)
        if invoice is None:
            return None
        credited = (
            await invoices.get(conn, invoice.credits_invoice_id) if invoice.credits_invoice_id else None
        )
        paid = await payments.of_invoice(conn, invoice.id) if invoice.amount_paid else []
        zone = await issuer.zone(conn)
    try:
        document = renderable(invoice, credited, paid, zone)
    except IssuerNotConfigured:
        return None
    return Attachment(f"{document.number}.pdf", render_pdf(document, facturx_xml(as_issued(document))))
