"""HTTP: the partner's cashback entries and balances."""

from __future__ import annotations

from fastapi import APIRouter, Response

from partnerbilling.cashback import export, repository, service
from partnerbilling.cashback.schemas import BalanceList, CashbackEntryList
from partnerbilling.pagination import page_of
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import cashback_balances_view, cashback_entry_view
from partnerbilling.web_auth import OrgId
from partnerbilling.web_export import Engine, ExportPeriod, csv_document, csv_response
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1/cashback", tags=["cashback"], route_class=TransactionalRoute)


# Before any "/entries/{...}" route, which would take "export.csv" for an id.
@router.get(
    "/entries/export.csv",
    response_class=Response,
    summary="Export your cashback entries as CSV",
    operation_id="exportCashbackEntries",
    responses={
        200: csv_document("Your cashback entries earned in [`from`, `to`), one row each.", export.COLUMNS)
    },
)
async def export_entries(conn: Conn, org_id: OrgId, engine: Engine, period: ExportPeriod) -> Response:
    """The cashback you earned as a partner, as a spreadsheet reads it; streamed."""
    chunks = await service.export_entries(conn, engine, org_id, period)
    return csv_response(chunks, "cashback-entries.csv")


@router.get(
    "/entries",
    response_model=CashbackEntryList,
    summary="Your cashback entries",
    operation_id="listCashbackEntries",
)
async def list_entries(conn: Conn, org_id: OrgId, page: Page) -> Response:
    """Cashback you earned as a partner: `pending` until the invoice is paid, then `available`;
    `reversed` if the invoice was credited."""
    rows = await repository.list_for_partner(conn, org_id, page)
    return JsonResponse(page_of(rows, page, lambda e: cashback_entry_view(org_id, e)))


@router.get(
    "/balance", response_model=BalanceList, summary="Your cashback balance", operation_id="getCashbackBalance"
)
async def balance(conn: Conn, org_id: OrgId) -> Response:
    """Per currency, the sums of your pending and of your available entries."""
    rows = await repository.balances(conn, org_id)
    return JsonResponse(cashback_balances_view(rows))
