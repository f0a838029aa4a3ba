"""HTTP: an organisation's payouts, and the platform's decisions on them and its payout file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from partnerbilling.accounts.service import NegativeBalance
from partnerbilling.errors import InvalidState, IssuerNotConfigured, NotFound
from partnerbilling.fields import Currency
from partnerbilling.openapi import problems
from partnerbilling.pagination import page_of
from partnerbilling.payouts import export, repository, service
from partnerbilling.payouts.schemas import PayoutCreate, PayoutList, PayoutRead
from partnerbilling.payouts.service import PayoutAccountMissing, PayoutOverBalance
from partnerbilling.states import PayoutStatus
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import payout_view
from partnerbilling.web_auth import OrgId, Platform
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1", tags=["payouts"], route_class=TransactionalRoute)
admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

PayoutId = Annotated[str, Path(max_length=40, description="A payout id.")]


@router.post(
    "/payouts",
    status_code=201,
    response_model=PayoutRead,
    summary="Withdraw from your balance",
    operation_id="requestPayout",
    responses=problems(PayoutAccountMissing, PayoutOverBalance, NegativeBalance),
)
async def request_payout(conn: Conn, org_id: OrgId, body: PayoutCreate) -> Response:
    """Pay `amount` (at least 50.00) of your balance in `currency` out to your `payout_iban`:
    the amount leaves the balance at once (an `account.debited` with a `payout` entry), and the
    payout is `requested` until the platform's bank has paid it (`completed`) or could not
    (`failed`: the amount comes back). More than the balance is 422 `insufficient_balance`, naming `amount`;
    a balance below zero 409 `negative_balance`, before any other check.
    Send an `Idempotency-Key` to retry safely."""
    payout = await service.request_payout(conn, org_id, body)
    return JsonResponse(payout_view(org_id, payout), status_code=201)


@router.get("/payouts", response_model=PayoutList, summary="List your payouts", operation_id="listPayouts")
async def list_payouts(conn: Conn, org_id: OrgId, page: Page) -> Response:
    """Your payouts, newest first."""
    rows = await repository.list_for_org(conn, org_id, page)
    return JsonResponse(page_of(rows, page, lambda p: payout_view(org_id, p)))


@router.get(
    "/payouts/{payout_id}", response_model=PayoutRead, summary="Get a payout", operation_id="getPayout"
)
async def get_payout(conn: Conn, org_id: OrgId, payout_id: PayoutId) -> Response:
    """One of your payouts (everyone else gets 404)."""
    return JsonResponse(payout_view(org_id, await service.load_visible(conn, org_id, payout_id)))


_ONLY_REQUESTED = InvalidState("A completed payout cannot become failed.")


@admin.post(
    "/payouts/{payout_id}/complete",
    response_model=PayoutRead,
    summary="Mark a payout paid out",
    operation_id="completePayout",
    responses=problems(NotFound("No such payout."), _ONLY_REQUESTED),
)
async def complete_payout(conn: Conn, payout_id: PayoutId) -> Response:
    """The bank paid the payout out: `completed` (only from `requested`)."""
    return JsonResponse(payout_view(None, await service.complete_payout(conn, payout_id)))


@admin.post(
    "/payouts/{payout_id}/fail",
    response_model=PayoutRead,
    summary="Mark a payout failed",
    operation_id="failPayout",
    responses=problems(NotFound("No such payout."), _ONLY_REQUESTED),
)
async def fail_payout(conn: Conn, payout_id: PayoutId) -> Response:
    """The bank could not pay the payout out: `failed` (only from `requested`), and its amount
    is back on the organisation's balance (`payout_returned`)."""
    return JsonResponse(payout_view(None, await service.fail_payout(conn, payout_id)))


@admin.get(
    "/payouts/export",
    response_class=Response,
    summary="The payout file (ISO 20022 pain.001)",
    operation_id="exportPayouts",
    responses={
        200: {
            "description": "A `pain.001.001.09` credit-transfer initiation: one transaction per "
            "payout (EndToEndId the payout id), from the issuer's account in that currency.",
            "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
        },
        204: {"description": "No payout in that status and currency: no file."},
        **problems(IssuerNotConfigured(export.NO_ACCOUNT)),
    },
)
async def export_payouts(
    conn: Conn,
    currency: Annotated[Currency, Query(description="The currency of the payouts (and of the account).")],
    status: Annotated[PayoutStatus, Query(description="The payouts' status.")] = PayoutStatus.REQUESTED,
) -> Response:
    """The payouts in `status` and `currency`, oldest first, as a credit-transfer file for the
    platform's bank (EUR as SEPA, CHF per the Swiss Payment Standards). The file does not change
    the payouts: complete or fail each once the bank has answered."""
    document = await export.export_payouts(conn, status, currency)
    if document is None:
        return Response(status_code=204)
    filename = f"payouts-{currency}-{status}.xml"
    return Response(
        document,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
