"""HTTP: invoices and credit notes (payer only), and the platform's pay and credit actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Response

from partnerbilling.documents.facturx import facturx_xml
from partnerbilling.documents.pdf import render_pdf
from partnerbilling.errors import InvalidState, IssuerNotConfigured
from partnerbilling.invoices import export, repository, service
from partnerbilling.invoices.documents import NO_ISSUER, as_issued
from partnerbilling.invoices.schemas import CreditNoteCreate, InvoiceList, InvoicePay, InvoiceRead
from partnerbilling.jsonio import JSON
from partnerbilling.openapi import problems
from partnerbilling.pagination import page_of
from partnerbilling.payments import repository as payments
from partnerbilling.payments import service as paying
from partnerbilling.states import InvoiceStatus
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import invoice_view
from partnerbilling.web_auth import OrgId, Platform
from partnerbilling.web_export import Engine, ExportPeriod, csv_document, csv_response
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1", tags=["invoices"], route_class=TransactionalRoute)
admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

InvoiceId = Annotated[str, Path(max_length=40, description="An invoice or credit note id.")]


@router.get(
    "/invoices", response_model=InvoiceList, summary="List your invoices", operation_id="listInvoices"
)
async def list_invoices(conn: Conn, org_id: OrgId, page: Page) -> Response:
    """Invoices and credit notes addressed to you (the payer), newest first."""
    rows = await repository.list_for_payer(conn, org_id, page)
    return JsonResponse(page_of(rows, page, lambda inv: invoice_view(org_id, inv)))


# Before "/invoices/{invoice_id}", which would take "export.csv" for an id.
@router.get(
    "/invoices/export.csv",
    response_class=Response,
    summary="Export your invoices as CSV",
    operation_id="exportInvoices",
    responses={
        200: csv_document(
            "Your invoices and credit notes issued in [`from`, `to`), one row per line. VAT, total "
            "and amount paid are the document's, written on its line 1 only (empty on its other "
            "lines): each amount column sums to the documents' totals.",
            export.COLUMNS,
        )
    },
)
async def export_invoices(conn: Conn, org_id: OrgId, engine: Engine, period: ExportPeriod) -> Response:
    """The invoices and credit notes addressed to you (the payer), as a spreadsheet reads them;
    streamed, so a file of any size starts at once."""
    chunks = await service.export_invoices(conn, engine, org_id, period)
    return csv_response(chunks, "invoices.csv")


@router.get(
    "/invoices/{invoice_id}", response_model=InvoiceRead, summary="Get an invoice", operation_id="getInvoice"
)
async def get_invoice(conn: Conn, org_id: OrgId, invoice_id: InvoiceId) -> Response:
    """An invoice or credit note; only its payer sees it (everyone else gets 404)."""
    invoice, payments = await paying.invoice_with_payments(conn, org_id, invoice_id)
    return JsonResponse(invoice_view(org_id, invoice, payments))


def _binary(media_type: str, description: str) -> JSON:
    return {
        "description": description,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
    }


@router.get(
    "/invoices/{invoice_id}/pdf",
    response_class=Response,
    summary="Get an invoice as PDF",
    operation_id="getInvoicePdf",
    responses={
        200: _binary(
            "application/pdf", "A PDF/A-3 document with its Factur-X XML embedded as `factur-x.xml`."
        ),
        **problems(IssuerNotConfigured(NO_ISSUER)),
    },
)
async def get_invoice_pdf(conn: Conn, org_id: OrgId, invoice_id: InvoiceId) -> Response:
    """The invoice or credit note as its payer receives it: PDF/A-3 in the payer's language,
    showing what was paid so far, with a Swiss QR-bill (CHF) or an EPC QR code (EUR) while an
    amount is due, and the EN 16931 XML (as issued) embedded. Only its payer sees it (everyone
    else gets 404)."""
    document = await service.load_document(conn, org_id, invoice_id)
    pdf = render_pdf(document, facturx_xml(as_issued(document)))
    return _attachment(pdf, "application/pdf", f"{document.number}.pdf")


@router.get(
    "/invoices/{invoice_id}/xml",
    response_class=Response,
    summary="Get an invoice as EN 16931 XML",
    operation_id="getInvoiceXml",
    responses={
        200: _binary("application/xml", "UN/CEFACT CII, the Factur-X / ZUGFeRD EN 16931 profile."),
        **problems(IssuerNotConfigured(NO_ISSUER)),
    },
)
async def get_invoice_xml(conn: Conn, org_id: OrgId, invoice_id: InvoiceId) -> Response:
    """The same document as structured data (EN 16931, UN/CEFACT CII), as embedded in its PDF.
    Only its payer sees it (everyone else gets 404). The bytes never change after issue: its
    amount due is the one at issue (what is due now is the JSON invoice's `amount_due`)."""
    number, xml = await service.load_issued_xml(conn, org_id, invoice_id)
    return _attachment(xml, "application/xml", f"{number}.xml")


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )


@admin.get(
    "/invoices", response_model=InvoiceList, summary="List every invoice", operation_id="listAllInvoices"
)
async def list_all_invoices(
    conn: Conn,
    page: Page,
    org_id: Annotated[
        str | None, Query(max_length=40, description="Only those addressed to this payer.")
    ] = None,
    status: Annotated[InvoiceStatus | None, Query(description="Only those in this status.")] = None,
) -> Response:
    """Every invoice and credit note, newest first, as the platform sees them (nothing redacted)."""
    rows = await repository.list_all(conn, page, org_id, status)
    return JsonResponse(page_of(rows, page, lambda inv: invoice_view(None, inv)))


@admin.post(
    "/invoices/{invoice_id}/pay",
    response_model=InvoiceRead,
    summary="Mark an invoice paid",
    operation_id="payInvoice",
    responses=problems(InvalidState("Only an issued invoice can be paid; this one is paid.")),
)
async def pay_invoice(
    conn: Conn, invoice_id: InvoiceId, body: Annotated[InvoicePay | None, Body()] = None
) -> Response:
    """Records a payment of what is due (method `other`): the invoice becomes `paid`, the
    cashback of its order `available` and credited to the partner's account."""
    paid_at = body.paid_at if body else None
    paid = await paying.pay_what_is_due(conn, invoice_id, paid_at)
    return JsonResponse(invoice_view(None, paid, await payments.of_invoice(conn, paid.id)))


@admin.post(
    "/invoices/{invoice_id}/credit-note",
    status_code=201,
    response_model=InvoiceRead,
    summary="Credit an invoice",
    operation_id="creditInvoice",
    responses=problems(InvalidState("Only an issued or paid invoice can be credited, and only once.")),
)
async def credit_invoice(conn: Conn, invoice_id: InvoiceId, body: CreditNoteCreate) -> Response:
    """Issue a credit note (negative amounts, its own number in the same series): the invoice
    becomes `credited`, its order's cashback `reversed`, the subscription cancelled."""
    note = await service.credit_invoice(conn, invoice_id, body.reason)
    return JsonResponse(invoice_view(None, note), status_code=201)
