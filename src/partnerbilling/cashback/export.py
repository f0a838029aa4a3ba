"""The cashback export's rows (SPEC §12), pure: one row per entry of the partner's."""

from __future__ import annotations

from partnerbilling.cashback.domain import ExportedCashbackEntry
from partnerbilling.csv_cells import Row, inert, money_cell, rate_cell, time_cell
from partnerbilling.visibility import exported_entry_view

# (column, what it holds): the header, and the OpenAPI description of the file.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("created_at", "When the entry was earned (the charge), RFC 3339, UTC."),
    ("customer_id", "The customer whose order or renewal earned it."),
    ("customer_name", "That customer's name (as it is now)."),
    ("order_id", "The order or renewal."),
    (
        "invoice_number",
        "The number of the order's invoice when you are its payer; empty when the customer paid "
        "(that invoice is the customer's alone).",
    ),
    ("currency", "`CHF` or `EUR`."),
    ("rate", "Your rate on the public amount, a fraction (`0.2`)."),
    ("amount", "The cashback."),
    ("status", "`pending`, `available` or `reversed`, as the export is read."),
)
HEADER: Row = tuple(name for name, _ in COLUMNS)


def entry_rows(viewer: str, entry: ExportedCashbackEntry) -> list[Row]:
    """The row of one cashback entry, for ``viewer`` (none unless it earns it)."""
    seen = exported_entry_view(viewer, entry)
    if seen is None:
        return []
    return [
        (
            time_cell(seen.created_at),
            inert(seen.customer_id),
            inert(seen.customer_name),
            inert(seen.order_id),
            inert(seen.invoice_number or ""),
            inert(seen.currency),
            rate_cell(seen.rate),
            money_cell(seen.amount),
            inert(seen.status),
        )
    ]
