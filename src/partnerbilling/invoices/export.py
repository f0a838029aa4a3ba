"""The invoice export's rows (SPEC §12), pure: one row per line of each invoice and credit note.

The line's own amounts (unit price, amount, discount, net) are on every row. VAT, total and
amount paid belong to the document, not to a line: they are written on the document's first
line (``line`` 1) only and left empty on its other lines, so that each column's sum is the sum
of the documents', exactly, with no share of a rounded amount invented per line."""

from __future__ import annotations

from datetime import date, timedelta

from partnerbilling.csv_cells import Row, inert, money_cell, rate_cell
from partnerbilling.invoices.domain import ExportedInvoice
from partnerbilling.jsonio import JSON
from partnerbilling.visibility import exported_invoice_view

# (column, what it holds): the header, and the OpenAPI description of the file.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "The document's number (`2026-000042`)."),
    ("kind", "`invoice` or `credit_note`."),
    ("issue_date", "The day it was issued (in the issuer's time zone, as the JSON's `issue_date`)."),
    ("due_date", "The day it is due (as the JSON's `due_date`); a credit note's is its issue date."),
    ("status", "`issued`, `overdue`, `paid` or `credited`, as the export is read."),
    ("customer_id", "The customer the line is for."),
    ("customer_name", "That customer's name, as on the document."),
    ("line", "The line's position on the document, from 1."),
    ("description", "The line's description."),
    ("sku", "The product."),
    ("period_start", "The supply period's first day."),
    ("period_end", "The supply period's last day billed (the JSON's `period_end` is the day after)."),
    ("quantity", "The quantity."),
    ("unit_price", "The public unit price, excluding VAT."),
    ("amount", "Unit price × quantity (negative on a credit note)."),
    ("discount", "The partner's rebate on the line (negative on a credit note)."),
    ("net", "Amount − discount: the line's net (negative on a credit note)."),
    ("vat_rate", "The document's VAT rate, a fraction (`0.081`)."),
    ("vat", "The document's VAT; on line 1 only, empty on its other lines."),
    ("total", "The document's total (net + VAT); on line 1 only, empty on its other lines."),
    ("currency", "`CHF` or `EUR`."),
    ("amount_paid", "What the document's payments paid of it; on line 1 only, empty on its other lines."),
)
HEADER: Row = tuple(name for name, _ in COLUMNS)


def last_day(period_end: str) -> str:
    """A supply period's last day billed, from its end (exclusive) as a line stores it."""
    return (date.fromisoformat(period_end) - timedelta(days=1)).isoformat()


def invoice_rows(viewer: str, invoice: ExportedInvoice) -> list[Row]:
    """The rows of one invoice or credit note, for ``viewer`` (none unless it is the payer)."""
    seen = exported_invoice_view(viewer, invoice)
    if seen is None:
        return []
    return [_line_row(seen, position, line) for position, line in enumerate(seen.lines, start=1)]


def _line_row(inv: ExportedInvoice, position: int, line: JSON) -> Row:
    first = position == 1
    return (
        inert(inv.number),
        inert(inv.kind),
        inv.dates[0].isoformat(),
        inv.dates[1].isoformat(),
        inert(inv.status),
        inert(line["customer_id"]),
        inert(line["customer_name"]),
        str(position),
        inert(line["description"]),
        inert(line["sku"]),
        inert(line["period_start"]),
        last_day(line["period_end"]),
        str(int(line["quantity"])),
        money_cell(line["unit_price"]),
        money_cell(line["amount"]),
        money_cell(line["discount"]),
        money_cell(line["net_amount"]),
        rate_cell(inv.tax_rate),
        money_cell(inv.tax) if first else "",
        money_cell(inv.total) if first else "",
        inert(inv.currency),
        money_cell(inv.amount_paid) if first else "",
    )
