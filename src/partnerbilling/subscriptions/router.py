"""HTTP: subscriptions (products installed in a customer's organisation)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from partnerbilling.errors import NotFound
from partnerbilling.jsonio import JsonResponse
from partnerbilling.pagination import Page, page_of
from partnerbilling.subscriptions import repository
from partnerbilling.subscriptions.schemas import SubscriptionList, SubscriptionRead
from partnerbilling.unit_of_work import Conn, OrgId, TransactionalRoute
from partnerbilling.visibility import subscription_view

router = APIRouter(prefix="/v1", tags=["subscriptions"], route_class=TransactionalRoute)

SubscriptionId = Annotated[str, Path(max_length=40, description="A subscription id.")]


@router.get("/subscriptions", response_model=SubscriptionList, summary="List subscriptions")
async def list_subscriptions(conn: Conn, org_id: OrgId, page: Page) -> Response:
    """Your subscriptions, and those of customers whose active partner you are."""
    rows = await repository.list_visible(conn, org_id, page)
    return JsonResponse(page_of(rows, page, lambda s: subscription_view(org_id, s, s.active_partner_id)))


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionRead, summary="Get a subscription")
async def get_subscription(conn: Conn, org_id: OrgId, subscription_id: SubscriptionId) -> Response:
    """A subscription of yours, or of a customer whose active partner you are (else 404)."""
    sub = await repository.get(conn, subscription_id)
    view = subscription_view(org_id, sub, sub.active_partner_id) if sub is not None else None
    if view is None:
        raise NotFound("No such subscription.")
    return JsonResponse(view)
