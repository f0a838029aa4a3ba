"""HTTP: the platform's payout batches and their credit-transfer files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from partnerbilling.errors import NotFound
from partnerbilling.openapi import problems
from partnerbilling.pagination import page_of
from partnerbilling.payouts import batch_repository, batches
from partnerbilling.payouts.batches import NO_PAYOUT_ACCOUNT, IssuerPayoutAccountMissing, NothingToPay
from partnerbilling.payouts.schemas import PayoutBatchCreate, PayoutBatchList, PayoutBatchRead
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import payout_batch_view
from partnerbilling.web_auth import Platform
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

BatchId = Annotated[str, Path(max_length=40, description="A payout batch id.")]
_NO_BATCH = NotFound("No such payout batch.")


@admin.post(
    "/payout-batches",
    status_code=201,
    response_model=PayoutBatchRead,
    summary="Send the requested payouts to the bank",
    operation_id="createPayoutBatch",
    responses=problems(
        NothingToPay("No CHF payout is requested."), IssuerPayoutAccountMissing(NO_PAYOUT_ACCOUNT)
    ),
)
async def create_payout_batch(conn: Conn, body: PayoutBatchCreate) -> Response:
    """Every `requested` payout in `currency`, oldest first, goes into a new batch and becomes
    `in_transit`; the batch's `pain.001` file (`GET …/pain001`) debits the issuer's payout
    account in that currency. A payout is in one batch at most, also when batches are created
    at the same time. 409 `nothing_to_pay` without requested payouts,
    `issuer_payout_account_missing` without the account."""
    return JsonResponse(payout_batch_view(await batches.create_batch(conn, body.currency)), status_code=201)


@admin.get(
    "/payout-batches",
    response_model=PayoutBatchList,
    summary="List the payout batches",
    operation_id="listPayoutBatches",
)
async def list_payout_batches(conn: Conn, page: Page) -> Response:
    """The payout batches, newest first."""
    return JsonResponse(page_of(await batch_repository.list_page(conn, page), page, payout_batch_view))


@admin.get(
    "/payout-batches/{batch_id}",
    response_model=PayoutBatchRead,
    summary="Get a payout batch",
    operation_id="getPayoutBatch",
    responses=problems(_NO_BATCH),
)
async def get_payout_batch(conn: Conn, batch_id: BatchId) -> Response:
    """A payout batch: its file's message id, its total, and how far its payouts are (`status`)."""
    return JsonResponse(payout_batch_view(await batches.get_batch(conn, batch_id)))


@admin.get(
    "/payout-batches/{batch_id}/pain001",
    response_class=Response,
    summary="The batch's credit-transfer file (ISO 20022 pain.001)",
    operation_id="getPayoutBatchFile",
    responses={
        200: {
            "description": "A `pain.001.001.09` credit-transfer initiation: one transaction per "
            "payout (EndToEndId the payout id), from the issuer's payout account; the same bytes "
            "on every download.",
            "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
        },
        **problems(_NO_BATCH),
    },
)
async def get_payout_batch_file(conn: Conn, batch_id: BatchId) -> Response:
    """The file to give the platform's bank (EUR as a SEPA transfer, CHF per the Swiss Payment
    Standards), written when the batch was made: every download is byte-identical."""
    document = await batches.batch_document(conn, batch_id)
    return Response(
        document,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="payout-batch-{batch_id}.xml"'},
    )
