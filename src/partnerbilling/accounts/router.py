"""HTTP: the caller's own account, its balances and its entries; the platform's adjustments."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from partnerbilling.accounts import repository, service
from partnerbilling.accounts.schemas import AccountEntryList, AccountEntryRead, AccountRead, AdjustmentCreate
from partnerbilling.accounts.service import NegativeBalance
from partnerbilling.errors import IssuerNotConfigured, NotFound
from partnerbilling.fields import Currency
from partnerbilling.openapi import problems
from partnerbilling.pagination import page_of
from partnerbilling.payments import top_ups
from partnerbilling.payments.top_up_slip import top_up_slip
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import account_entry_view, account_view
from partnerbilling.web_auth import OrgId, Platform
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1/account", tags=["account"], route_class=TransactionalRoute)
admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])


@router.get("", response_model=AccountRead, summary="Your account", operation_id="getAccount")
async def get_account(conn: Conn, org_id: OrgId) -> Response:
    """Per currency: your balance (the sum of your account's entries) and the cashback still
    pending (credited to the balance once its invoice is paid). Nothing yet: `balances: []`.
    `top_up_references`: per currency, the reference a bank transfer quotes to top up your
    account (entry `top_up`)."""
    references = await top_ups.top_up_references(conn, org_id)
    return JsonResponse(account_view(await repository.summary(conn, org_id), references))


# A positive amount with two decimals up to 999,999,999.99: the QR-bill's largest (SIX IG 2.3),
# and the EPC QR code's.
_TOP_UP_AMOUNT = r"^([1-9][0-9]{0,8}\.[0-9]{2}|0\.(0[1-9]|[1-9][0-9]))$"


@router.get(
    "/top-up.pdf",
    summary="A payment slip to top up your account",
    operation_id="getTopUpSlip",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        **problems(IssuerNotConfigured("The issuer has no CHF bank account to pay a top-up to.")),
    },
)
async def get_top_up_slip(
    conn: Conn,
    org_id: OrgId,
    currency: Annotated[Currency, Query(description="The account's currency.")],
    amount: Annotated[
        str,
        Query(
            pattern=_TOP_UP_AMOUNT,
            description="The amount to transfer, two decimals, at most 999999999.99, e.g. `500.00`.",
        ),
    ],
) -> Response:
    """A PDF payment slip for a bank transfer to your account: a Swiss QR-bill for CHF, SEPA
    transfer details with an EPC QR code for EUR, quoting your top-up reference. The money lands
    on your account (entry `top_up`) when the bank's file is imported."""
    pdf = await top_up_slip(conn, org_id, currency, Decimal(amount))
    return Response(pdf, media_type="application/pdf")


@router.get(
    "/entries",
    response_model=AccountEntryList,
    summary="Your account's entries",
    operation_id="listAccountEntries",
)
async def list_entries(
    conn: Conn,
    org_id: OrgId,
    page: Page,
    currency: Annotated[Currency | None, Query(description="Only this currency's entries.")] = None,
) -> Response:
    """Every movement of your account, newest first: credits positive, debits negative."""
    rows = await repository.list_entries(conn, org_id, currency, page)
    return JsonResponse(page_of(rows, page, lambda e: account_entry_view(org_id, e)))


@admin.post(
    "/accounts/{org_id}/adjustments",
    status_code=201,
    response_model=AccountEntryRead,
    summary="Adjust an organisation's account",
    operation_id="adjustAccount",
    responses=problems(
        NotFound("No such organisation."),
        NegativeBalance("The CHF balance (3.00) cannot take -5.18: it would be below zero."),
    ),
)
async def adjust_account(
    conn: Conn,
    org_id: Annotated[str, Path(max_length=40, description="An organisation id.")],
    body: AdjustmentCreate,
) -> Response:
    """Credit (`amount` > 0) or debit (< 0) the organisation's account in `currency` with an
    `adjustment` entry whose description is `reason`; the organisation is told
    (`account.credited` / `account.debited`). A debit that would take the balance below zero,
    or lower a negative one, is 409 `negative_balance`."""
    entry = await service.adjust(conn, org_id, body.currency, body.amount, body.reason)
    return JsonResponse(account_entry_view(None, entry), status_code=201)
