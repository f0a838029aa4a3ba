"""HTTP: orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from partnerbilling.openapi import problems
from partnerbilling.orders import repository, service
from partnerbilling.orders.loading import REFUSALS
from partnerbilling.orders.schemas import OrderCreate, OrderList, OrderRead
from partnerbilling.pagination import page_of
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import order_view
from partnerbilling.web_auth import OrgId
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1", tags=["orders"], route_class=TransactionalRoute)


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderRead,
    summary="Place an order",
    operation_id="placeOrder",
    responses=problems(*REFUSALS),
)
async def place_order(conn: Conn, org_id: OrgId, body: OrderCreate) -> Response:
    """Order a product for a customer: as the customer itself (channel `direct`) or as its
    active full-access partner (channel `partner`). The billing mode at this moment decides the
    payer; in one transaction this writes the order, the customer's subscription, the payer's
    invoice and the partner's cashback entry. Send an `Idempotency-Key` to retry safely."""
    order = await service.place_order(conn, org_id, body)
    return JsonResponse(order_view(org_id, order), status_code=201)


@router.get("/orders", response_model=OrderList, summary="List orders", operation_id="listOrders")
async def list_orders(conn: Conn, org_id: OrgId, page: Page) -> Response:
    """Your orders as customer, and those charged in partnerships where you are the partner."""
    rows = await repository.list_visible(conn, org_id, page)
    return JsonResponse(page_of(rows, page, lambda o: order_view(org_id, o)))


@router.get("/orders/{order_id}", response_model=OrderRead, summary="Get an order", operation_id="getOrder")
async def get_order(conn: Conn, org_id: OrgId, order_id: Annotated[str, Path(max_length=40)]) -> Response:
    """An order you may see; the price fields are null unless you are the payer, the cashback
    is null unless you are the partner."""
    return JsonResponse(order_view(org_id, await service.load_visible(conn, org_id, order_id)))
