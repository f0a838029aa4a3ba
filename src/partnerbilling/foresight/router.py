"""HTTP: quotes and order explanations (SPEC §11)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from partnerbilling.errors import NotFound
from partnerbilling.foresight import quotes
from partnerbilling.foresight.quotes_schemas import OrderExplanationRead, QuoteRead
from partnerbilling.openapi import problems
from partnerbilling.orders.loading import REFUSALS
from partnerbilling.orders.schemas import OrderCreate
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import order_explanation_view, quote_view
from partnerbilling.web_auth import OrgId
from partnerbilling.web_json import JsonResponse

router = APIRouter(prefix="/v1", tags=["orders"], route_class=TransactionalRoute)


@router.post(
    "/quotes",
    status_code=200,
    response_model=QuoteRead,
    summary="Quote an order",
    operation_id="quoteOrder",
    responses=problems(*REFUSALS),
)
async def quote_order(conn: Conn, org_id: OrgId, body: OrderCreate) -> Response:
    """The charge that `POST /v1/orders` with this body would make now — payer, channel,
    currency and amounts, redacted for you as the order would be — and its explanation. Nothing
    is written and no invoice number is taken; an order placed right after with the same body
    has the same amounts. The same rights as placing the order (404 / 403 alike)."""
    quote = await quotes.quote_charge(conn, org_id, body)
    return JsonResponse(quote_view(org_id, quote.plan, quote.explanation))


@router.get(
    "/orders/{order_id}/explanation",
    response_model=OrderExplanationRead,
    summary="Explain an order",
    operation_id="explainOrder",
    responses=problems(NotFound("No such order.")),
)
async def explain_order(conn: Conn, org_id: OrgId, order_id: Annotated[str, Path(max_length=40)]) -> Response:
    """How an order you may see was routed and priced, step by step, from the values stored on
    it when it was charged; the steps you may not see are left out (the customer never sees the
    rate or the cashback)."""
    order, explanation, invoiced = await quotes.explain_order(conn, org_id, order_id)
    return JsonResponse(order_explanation_view(org_id, order, explanation, invoiced))
