"""HTTP: the platform's unapplied receipts (SPEC §13), listed, applied or returned once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Response

from partnerbilling.errors import NotFound
from partnerbilling.openapi import problems
from partnerbilling.pagination import page_of
from partnerbilling.payments import receipts, receipts_repository
from partnerbilling.payments.domain import Receipt
from partnerbilling.payments.receipts import ReceiptNotOpen
from partnerbilling.payments.schemas import (
    ReceiptApply,
    ReceiptList,
    ReceiptRead,
    ReceiptReturn,
    ReceiptToInvoice,
)
from partnerbilling.states import ReceiptStatus
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import receipt_view
from partnerbilling.web_auth import Platform
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

ReceiptId = Annotated[str, Path(max_length=40, description="A receipt id.")]


def _answer(receipt: Receipt) -> Response:
    return JsonResponse(receipt_view(None, receipt))


@admin.get("/receipts", response_model=ReceiptList, summary="List receipts", operation_id="listReceipts")
async def list_receipts(
    conn: Conn,
    page: Page,
    status: Annotated[ReceiptStatus | None, Query(description="Only receipts of this status.")] = None,
) -> Response:
    """Money received that paid none of our invoices, newest first."""
    rows = await receipts_repository.list_receipts(conn, status, page)
    return JsonResponse(page_of(rows, page, lambda r: receipt_view(None, r)))


@admin.get(
    "/receipts/{receipt_id}",
    response_model=ReceiptRead,
    summary="Get a receipt",
    operation_id="getReceipt",
    responses=problems(NotFound("No such receipt.")),
)
async def get_receipt(conn: Conn, receipt_id: ReceiptId) -> Response:
    """One receipt, with what became of it."""
    receipt = await receipts_repository.get(conn, receipt_id)
    if receipt is None:
        raise NotFound("No such receipt.")
    return _answer(receipt)


@admin.post(
    "/receipts/{receipt_id}/apply",
    response_model=ReceiptRead,
    summary="Apply a receipt",
    operation_id="applyReceipt",
    responses=problems(NotFound("No such receipt."), ReceiptNotOpen("The receipt is applied.")),
)
async def apply_receipt(conn: Conn, receipt_id: ReceiptId, body: Annotated[ReceiptApply, Body()]) -> Response:
    """`{invoice_id}`: the receipt is recorded as a bank-transfer payment of the invoice (what is
    due first, the rest to the payer's account as an `overpayment`; another currency 422, a
    credited invoice 409). `{org_id}`: it is credited to that organisation's account (entry
    `receipt`). Once only: a receipt not `open` is 409 `receipt_not_open`."""
    if isinstance(body, ReceiptToInvoice):
        return _answer(await receipts.apply_to_invoice(conn, receipt_id, body.invoice_id))
    return _answer(await receipts.apply_to_account(conn, receipt_id, body.org_id))


@admin.post(
    "/receipts/{receipt_id}/return",
    response_model=ReceiptRead,
    summary="Return a receipt",
    operation_id="returnReceipt",
    responses=problems(NotFound("No such receipt."), ReceiptNotOpen("The receipt is applied.")),
)
async def return_receipt(conn: Conn, receipt_id: ReceiptId, body: ReceiptReturn) -> Response:
    """The money is sent back to its sender: the receipt is `returned`, nothing in the books.
    Once only: a receipt not `open` is 409 `receipt_not_open`."""
    return _answer(await receipts.return_receipt(conn, receipt_id, body.reason))
