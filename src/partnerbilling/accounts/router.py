"""HTTP: the caller's own account, its balances and its entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from partnerbilling.accounts import repository
from partnerbilling.accounts.schemas import AccountEntryList, AccountRead
from partnerbilling.fields import Currency
from partnerbilling.pagination import page_of
from partnerbilling.payments import top_ups
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import account_entry_view, account_view
from partnerbilling.web_auth import OrgId
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1/account", tags=["account"], route_class=TransactionalRoute)


@router.get("", response_model=AccountRead, summary="Your account", operation_id="getAccount")
async def get_account(conn: Conn, org_id: OrgId) -> Response:
    """Per currency: your balance (the sum of your account's entries) and the cashback still
    pending (credited to the balance once its invoice is paid). Nothing yet: `balances: []`.
    `top_up_references`: per currency, the reference a bank transfer quotes to top up your
    account (entry `top_up`)."""
    references = await top_ups.top_up_references(conn, org_id)
    return JsonResponse(account_view(await repository.summary(conn, org_id), references))


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
