"""HTTP: an organisation's payouts, and the platform's list of them and decisions on them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from partnerbilling.accounts.service import NegativeBalance
from partnerbilling.errors import InvalidState, NotFound
from partnerbilling.fields import Currency
from partnerbilling.openapi import problems
from partnerbilling.pagination import page_of
from partnerbilling.payouts import repository, service
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
    payout is `requested` until a payout batch sends it to the bank (`in_transit`; until then
    you may cancel it), then `completed` once paid, or `failed` (the amount comes back). More
    than the balance is 422 `insufficient_balance`, naming `amount`; a balance below zero 409
    `negative_balance`, before any other check. Send an `Idempotency-Key` to retry safely."""
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


@router.post(
    "/payouts/{payout_id}/cancel",
    response_model=PayoutRead,
    summary="Cancel a payout",
    operation_id="cancelPayout",
    responses=problems(
        NotFound("No such payout."),
        InvalidState("The payout is in transit (its batch went to the bank): it can no longer be cancelled."),
    ),
)
async def cancel_payout(conn: Conn, org_id: OrgId, payout_id: PayoutId) -> Response:
    """Withdraw one of your payouts while it is `requested` (no batch has taken it to the bank
    yet): `cancelled`, and its amount is back on your balance (`payout_returned`). Later, 409
    `invalid_state`; everyone else's payout is 404."""
    return JsonResponse(payout_view(org_id, await service.cancel_payout(conn, org_id, payout_id)))


@admin.get("/payouts", response_model=PayoutList, summary="List every payout", operation_id="listAllPayouts")
async def list_all_payouts(
    conn: Conn,
    page: Page,
    status: Annotated[PayoutStatus | None, Query(description="Only payouts in this status.")] = None,
    currency: Annotated[Currency | None, Query(description="Only payouts in this currency.")] = None,
) -> Response:
    """Every organisation's payouts, newest first, for operators (with `org_id` and `batch_id`)."""
    rows = await repository.list_page(conn, page, status, currency)
    return JsonResponse(page_of(rows, page, lambda p: payout_view(None, p)))


@admin.post(
    "/payouts/{payout_id}/complete",
    response_model=PayoutRead,
    summary="Mark a payout paid out",
    operation_id="completePayout",
    responses=problems(
        NotFound("No such payout."), InvalidState("A requested payout cannot become completed.")
    ),
)
async def complete_payout(conn: Conn, payout_id: PayoutId) -> Response:
    """The bank paid the payout out: `completed` (only from `in_transit`: a payout a batch sent).
    Importing the bank's debit notification (camt.054) does the same."""
    return JsonResponse(payout_view(None, await service.complete_payout(conn, payout_id)))


@admin.post(
    "/payouts/{payout_id}/fail",
    response_model=PayoutRead,
    summary="Mark a payout failed",
    operation_id="failPayout",
    responses=problems(NotFound("No such payout."), InvalidState("A completed payout cannot become failed.")),
)
async def fail_payout(conn: Conn, payout_id: PayoutId) -> Response:
    """The bank could not pay the payout out (or it will not be sent): `failed` (from
    `requested` or `in_transit`), and its amount is back on the organisation's balance
    (`payout_returned`). Importing the bank's rejection (pain.002 `RJCT`) does the same."""
    return JsonResponse(payout_view(None, await service.fail_payout(conn, payout_id)))
