"""HTTP: subscriptions (products installed in a customer's organisation)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from partnerbilling.errors import Forbidden, PriceNotAvailable
from partnerbilling.openapi import problems
from partnerbilling.orders.schemas import OrderRead
from partnerbilling.pagination import page_of
from partnerbilling.renewals.service import ProductUnavailable, SubscriptionCancelled, renew_subscription
from partnerbilling.subscriptions import repository
from partnerbilling.subscriptions.schemas import SubscriptionList, SubscriptionRead
from partnerbilling.subscriptions.service import cancel_subscription, load_visible
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import order_view, subscription_view
from partnerbilling.web_auth import OrgId
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1", tags=["subscriptions"], route_class=TransactionalRoute)

LIMITED_PARTNER = "A partner with limited access cannot renew or cancel its customer's subscriptions."

SubscriptionId = Annotated[str, Path(max_length=40, description="A subscription id.")]


@router.get(
    "/subscriptions",
    response_model=SubscriptionList,
    summary="List subscriptions",
    operation_id="listSubscriptions",
)
async def list_subscriptions(conn: Conn, org_id: OrgId, page: Page) -> Response:
    """Your subscriptions, and those of customers whose active partner you are."""
    rows = await repository.list_visible(conn, org_id, page)
    return JsonResponse(page_of(rows, page, lambda s: subscription_view(org_id, s, s.active_partner_id)))


@router.get(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionRead,
    summary="Get a subscription",
    operation_id="getSubscription",
)
async def get_subscription(conn: Conn, org_id: OrgId, subscription_id: SubscriptionId) -> Response:
    """A subscription of yours, or of a customer whose active partner you are (else 404)."""
    sub = await load_visible(conn, org_id, subscription_id)
    return JsonResponse(subscription_view(org_id, sub, sub.active_partner_id))


@router.post(
    "/subscriptions/{subscription_id}/renew",
    status_code=201,
    response_model=OrderRead,
    summary="Renew a subscription for one period",
    operation_id="renewSubscription",
    responses=problems(
        Forbidden(LIMITED_PARTNER),
        SubscriptionCancelled("A cancelled subscription cannot be renewed."),
        ProductUnavailable,
        PriceNotAvailable,
    ),
)
async def renew(conn: Conn, org_id: OrgId, subscription_id: SubscriptionId) -> Response:
    """Renew for the period after the current one, now: as the customer (channel `direct`) or
    as its active full-access partner (channel `partner`); a limited partner gets 403. Priced
    by today's catalogue; the billing mode at this moment decides the payer. Returns the renewal
    order; the subscription's current period moves on by one. A cancelled subscription: 409
    `subscription_cancelled`. Send an `Idempotency-Key` to retry safely."""
    renewed = await renew_subscription(conn, org_id, subscription_id)
    return JsonResponse(order_view(org_id, renewed.order), status_code=201)


@router.post(
    "/subscriptions/{subscription_id}/cancel",
    response_model=SubscriptionRead,
    summary="Cancel a subscription",
    operation_id="cancelSubscription",
    responses=problems(Forbidden(LIMITED_PARTNER)),
)
async def cancel(conn: Conn, org_id: OrgId, subscription_id: SubscriptionId) -> Response:
    """Stop automatic renewals: the subscription becomes `cancelled` (`auto_renew: false`) and
    stays paid until its current period ends. Cancelling it again answers the same 200 and
    changes nothing. The customer or its active full-access partner may cancel."""
    sub = await cancel_subscription(conn, org_id, subscription_id)
    return JsonResponse(subscription_view(org_id, sub, sub.active_partner_id))
