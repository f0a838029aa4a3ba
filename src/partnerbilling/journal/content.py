"""The canonical content of journaled objects, read from their tables: one object when it is
journaled, a batch of them when ``verify`` recomputes. Both go through :func:`contents`, so the
content a record was made with and the one it is checked against are computed alike."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import orjson
from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import String

from partnerbilling.billing.domain import InvoiceDocument
from partnerbilling.errors import IssuerNotConfigured
from partnerbilling.invoices.documents import issued_xml
from partnerbilling.invoices.domain import Invoice
from partnerbilling.invoices.models import Invoice as Invoices
from partnerbilling.journal.domain import canonical_row
from partnerbilling.journal.kinds import JournaledKind
from partnerbilling.jsonio import JSON
from partnerbilling.sql import Connection, Statement
from partnerbilling.states import InvoiceKind

_IDS = bindparam("ids", type_=ARRAY(String))
_DOCUMENTS = Statement(select(Invoices).where(Invoices.id == _IDS.any_()))
# A document issued without an issuer has no XML (GET …/xml answers 409): its content is the
# canonical JSON of what it copied and charged instead.
_UNRENDERABLE = (
    "id", "number", "kind", "credits_invoice_id", "payer_id", "customer_id", "order_id", "currency",
    "lines", "subtotal", "tax_rate", "tax", "total", "reason", "issued_at", "buyer", "due_at",
    "payment_reference",
)  # fmt: skip

_statements: dict[str, Statement] = {}


def _rows_statement(journaled: JournaledKind) -> Statement:
    statement = _statements.get(journaled.kind)
    if statement is None:
        columns = ", ".join(
            f"{name}::text AS {name}" if name in journaled.json_columns else name
            for name in journaled.columns
        )
        sql = f"SELECT {columns} FROM {journaled.table} WHERE id = ANY(:ids)"
        statement = _statements[journaled.kind] = Statement(text(sql).bindparams(_IDS))
    return statement


def row_content(journaled: JournaledKind, row: JSON) -> bytes:
    """The canonical content of a row of ``journaled``'s table (its declared columns)."""
    values = {name: row[name] for name in journaled.columns}
    for name in journaled.json_columns:
        if values[name] is not None:
            values[name] = orjson.loads(values[name])
    return canonical_row(values)


def issued_content(document: InvoiceDocument) -> bytes | None:
    """The content of an invoice (not a credit note, whose XML names the invoice it credits) as
    issued, from the document in hand: the same bytes as :func:`document_content` of its row,
    without reading it back."""
    if document.kind != InvoiceKind.INVOICE or document.number is None or document.due_at is None:
        return None
    fields = {name: getattr(document, name) for name in _AS_STORED}
    invoice = Invoice(
        **fields,
        number=document.number,
        due_at=document.due_at,
        amount_paid=Decimal("0.00"),
        created_at=document.issued_at,
    )
    return document_content(invoice, None)


_AS_STORED = (
    "id", "kind", "credits_invoice_id", "payer_id", "customer_id", "order_id", "currency", "lines",
    "subtotal", "tax_rate", "tax", "total", "status", "reason", "issued_at", "paid_at", "seller",
    "buyer", "payment_reference", "issue_date", "due_date",
)  # fmt: skip


def document_content(invoice: Invoice, credited: Invoice | None) -> bytes:
    """A document's content: its XML as ``GET /v1/invoices/{id}/xml`` serves it."""
    try:
        return issued_xml(invoice, credited)
    except IssuerNotConfigured:
        return canonical_row({name: getattr(invoice, name) for name in _UNRENDERABLE})


async def contents(conn: Connection, journaled: JournaledKind, ids: Sequence[str]) -> dict[str, bytes]:
    """The canonical content of each object of ``ids`` that exists, by id."""
    if journaled.document:
        return await _document_contents(conn, ids)
    found: list[JSON] = await _rows_statement(journaled).rows(conn, {"ids": list(ids)}, dict)
    return {row["id"]: row_content(journaled, row) for row in found}


async def rows(conn: Connection, journaled: JournaledKind, ids: Sequence[str]) -> dict[str, JSON]:
    """The declared columns of each object of ``ids`` that exists (a state change's snapshot)."""
    found: list[JSON] = await _rows_statement(journaled).rows(conn, {"ids": list(ids)}, dict)
    return {row["id"]: row for row in found}


async def invoices(conn: Connection, ids: Sequence[str]) -> dict[str, Invoice]:
    return {inv.id: inv for inv in await _DOCUMENTS.rows(conn, {"ids": list(ids)}, Invoice)}


async def _document_contents(conn: Connection, ids: Sequence[str]) -> dict[str, bytes]:
    found = await invoices(conn, ids)
    credited_ids = {inv.credits_invoice_id for inv in found.values() if inv.credits_invoice_id}
    credited = await invoices(conn, sorted(credited_ids - found.keys())) if credited_ids else {}
    credited.update(found)
    return {
        inv.id: document_content(
            inv, credited.get(inv.credits_invoice_id) if inv.credits_invoice_id else None
        )
        for inv in found.values()
    }
