"""HTTP: paying an invoice from the balance (its payer), and the platform's record of a payment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Request, Response

from partnerbilling.accounts.service import InsufficientBalance, NegativeBalance
from partnerbilling.db import utcnow
from partnerbilling.errors import InvalidState, NotFound
from partnerbilling.events.service import batched
from partnerbilling.invoices.schemas import InvoiceRead
from partnerbilling.openapi import problems
from partnerbilling.payments import repository, service
from partnerbilling.payments.camt import UnreadableNotification
from partnerbilling.payments.import_result import ImportResult
from partnerbilling.payments.importing import import_notification
from partnerbilling.payments.schemas import PayFromBalance, PaymentCreate, PaymentImport, PaymentRead
from partnerbilling.payouts import settlement as payout_answers
from partnerbilling.states import PaymentMethod
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import invoice_view, payment_view
from partnerbilling.web_auth import OrgId, Platform
from partnerbilling.web_json import JsonResponse

router = APIRouter(prefix="/v1", tags=["invoices"], route_class=TransactionalRoute)
admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

InvoiceId = Annotated[str, Path(max_length=40, description="An invoice id.")]


@router.post(
    "/invoices/{invoice_id}/pay-from-balance",
    response_model=InvoiceRead,
    summary="Pay an invoice from your balance",
    operation_id="payInvoiceFromBalance",
    responses=problems(
        InsufficientBalance("The CHF balance (24.00) does not cover 103.78."),
        InvalidState("Nothing is due on this invoice."),
        NegativeBalance("The CHF balance is -5.18; a credit must settle it first."),
    ),
)
async def pay_from_balance(
    conn: Conn, org_id: OrgId, invoice_id: InvoiceId, body: Annotated[PayFromBalance | None, Body()] = None
) -> Response:
    """Pay what is due on one of your invoices from your account's balance in the invoice's
    currency; with `partial: true`, as much as the balance covers. 409 `insufficient_balance`
    when it would pay nothing, 409 `negative_balance` while that balance is below zero. The
    answer is the invoice with its payments. Only its payer may (everyone else gets 404)."""
    partial = body.partial if body else False
    invoice = await service.pay_from_balance(conn, org_id, invoice_id, partial)
    payments = await repository.of_invoice(conn, invoice.id)
    return JsonResponse(invoice_view(org_id, invoice, payments))


@admin.post(
    "/payments",
    status_code=201,
    response_model=PaymentRead,
    summary="Record a payment",
    operation_id="recordPayment",
    responses={
        200: {"model": PaymentRead, "description": "The payment with this `external_id`, recorded before."},
        **problems(NotFound("No such invoice."), InvalidState("A credited invoice takes no payment.")),
    },
)
async def record_payment(conn: Conn, body: PaymentCreate) -> Response:
    """Money received for an invoice. Partial payments add up; what is above the amount due is
    credited to the payer's account (`overpayment`); the invoice is `paid` once nothing is due.
    The same `external_id` again answers the existing payment (200) and records nothing."""
    payment, created = await service.record_payment(
        conn, body.invoice_id, body.amount, body.currency, PaymentMethod(body.method),
        body.external_id, body.received_at or utcnow(),
    )  # fmt: skip
    return JsonResponse(payment_view(None, payment), status_code=201 if created else 200)


IMPORT_PATH = "/v1/admin/payments/import"
_XML_FILE = {"schema": {"type": "string", "format": "binary"}}


@admin.post(
    IMPORT_PATH.removeprefix("/v1/admin"),
    response_model=PaymentImport,
    summary="Import a bank notification",
    operation_id="importPayments",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "An ISO 20022 camt.054 or camt.053 file, or a pain.002 status report "
            "of a payout file, as the bank sent it.",
            "content": {"application/xml": _XML_FILE, "text/xml": _XML_FILE},
        }
    },
    responses=problems(UnreadableNotification("The file has a DOCTYPE; bank notifications have none.")),
)
async def import_payments(conn: Conn, request: Request) -> Response:
    """Every booked credit (a transaction of an entry) is recorded once, by its identity
    (`entry_reference`): quoting one of our invoices' references (a QR reference or an `RF`
    creditor reference), as a bank-transfer payment of it (`matched`, its `external_id` the
    identity); quoting an organisation's top-up reference, as an entry `top_up` on its account
    (`top_ups`); else as an open receipt, with its reason (`unmatched`). Importing the same file
    again records nothing new (`duplicates`). The file is checked whole first (amounts positive,
    of two decimals at most and at most 1,000,000,000.00; dates from 1970 to 2100; an entry's
    amount the sum of its transactions'): a file that breaks a rule, has a DTD or entities, or is
    not a camt.053/054 document is a 422 naming the entry and records nothing; one over the
    import limit a 413. The bank's answers to payout files are read too: a booked debit whose
    `EndToEndId` is a payout in transit completes it (`payouts_completed`), a pain.002 status
    report's `RJCT` fails the payouts it names, or its whole batch (`payouts_failed`)."""
    settings = request.app.state.settings
    data = await request.body()
    async with batched(conn):  # thousands of payments: their events in one statement
        # The bank's answers to payout files (SPEC §13): a pain.002 status report, by its
        # namespace, before the camt reader; a camt.054's debits beside its credits.
        answered = await payout_answers.fail_rejected(conn, data, settings.import_max_bytes)
        if answered is not None:
            nothing = ImportResult(answered.message, answered.message_id)
            return JsonResponse(nothing.as_json() | answered.as_json())
        result = await import_notification(conn, data, settings.import_max_bytes)
        paid = await payout_answers.complete_debited(conn, data, result.message, settings.import_max_bytes)
    return JsonResponse(result.as_json() | paid.as_json())
