"""What a viewer may see of the rows of the CSV exports (SPEC §12): the same as in the JSON."""

from __future__ import annotations

from dataclasses import replace

from partnerbilling.cashback.domain import ExportedCashbackEntry
from partnerbilling.invoices.domain import ExportedInvoice


def exported_invoice_view(viewer: str, inv: ExportedInvoice) -> ExportedInvoice | None:
    """An invoice or credit note is exported to its payer only, as it is shown to it."""
    return inv if viewer == inv.payer_id else None


def exported_entry_view(viewer: str, e: ExportedCashbackEntry) -> ExportedCashbackEntry | None:
    """A cashback entry is exported to the partner that earns it; the number of its order's
    invoice only when that partner is the invoice's payer (an invoice is its payer's alone)."""
    if viewer != e.partner_id:
        return None
    if e.invoice_payer_id == viewer:
        return e
    return replace(e, invoice_number=None, invoice_payer_id=None)
