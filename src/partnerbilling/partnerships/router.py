"""HTTP: partnerships, their billing mode and their change history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from partnerbilling.errors import (
    BillingModeRequiresFullAccess,
    Forbidden,
    InvalidState,
    PartnerIsCustomer,
    PartnerNotReseller,
    PartnershipEnded,
    PartnershipExists,
)
from partnerbilling.openapi import problems
from partnerbilling.pagination import page_of
from partnerbilling.partnerships import repository, service
from partnerbilling.partnerships.domain import Partnership
from partnerbilling.partnerships.schemas import (
    PartnershipChangeList,
    PartnershipCreate,
    PartnershipList,
    PartnershipRead,
    PartnershipUpdate,
)
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import partnership_change_view, partnership_view
from partnerbilling.web_auth import OrgId
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1", tags=["partnerships"], route_class=TransactionalRoute)

PartnershipId = Annotated[str, Path(max_length=40, description="A partnership id.")]


def _one(viewer: str, p: Partnership) -> Response:
    return JsonResponse(partnership_view(viewer, p))


@router.post(
    "/partnerships",
    status_code=201,
    response_model=PartnershipRead,
    summary="Invite a partner",
    operation_id="createPartnership",
    responses=problems(
        BillingModeRequiresFullAccess, PartnerNotReseller, PartnerIsCustomer, PartnershipExists
    ),
)
async def create_partnership(conn: Conn, org_id: OrgId, body: PartnershipCreate) -> Response:
    """As the customer, grant a reseller access to your account and choose who pays
    (`billing_mode`; `partner` needs `access: full`). The partnership is `pending` until the
    partner accepts. 409 `partnership_exists` if you already have a pending or active one."""
    p = await service.create_partnership(conn, org_id, body)
    return JsonResponse(partnership_view(org_id, p), status_code=201)


@router.get(
    "/partnerships",
    response_model=PartnershipList,
    summary="List your partnerships",
    operation_id="listPartnerships",
)
async def list_partnerships(conn: Conn, org_id: OrgId, page: Page) -> Response:
    """Partnerships where you are the customer or the partner, newest first."""
    rows = await repository.list_for_org(conn, org_id, page)
    return JsonResponse(page_of(rows, page, lambda p: partnership_view(org_id, p)))


@router.get(
    "/partnerships/{partnership_id}",
    response_model=PartnershipRead,
    summary="Get a partnership",
    operation_id="getPartnership",
)
async def get_partnership(conn: Conn, org_id: OrgId, partnership_id: PartnershipId) -> Response:
    """A partnership you are a party to (else 404)."""
    return _one(org_id, await service.load_visible(conn, org_id, partnership_id))


@router.patch(
    "/partnerships/{partnership_id}",
    response_model=PartnershipRead,
    summary="Change the billing mode or access",
    operation_id="updatePartnership",
    responses=problems(
        Forbidden("Only the customer can change the partnership."),
        PartnershipEnded,
        BillingModeRequiresFullAccess,
    ),
)
async def update_partnership(
    conn: Conn, org_id: OrgId, partnership_id: PartnershipId, body: PartnershipUpdate
) -> Response:
    """As the customer, change `billing_mode` and/or `access`, effective at once for every later
    order and renewal (existing orders and invoices never change). The result must keep
    'partner mode needs full access'. A billing-mode change is recorded, emits
    `partnership.billing_mode_changed` and e-mails the partner. The partner gets 403."""
    return _one(org_id, await service.update_partnership(conn, org_id, partnership_id, body))


@router.post(
    "/partnerships/{partnership_id}/accept",
    response_model=PartnershipRead,
    summary="Accept a partnership",
    operation_id="acceptPartnership",
    responses=problems(
        Forbidden("Only the partner can accept a partnership."),
        PartnershipEnded,
        InvalidState("The partnership is already active."),
    ),
)
async def accept_partnership(conn: Conn, org_id: OrgId, partnership_id: PartnershipId) -> Response:
    """As the partner, accept a pending partnership: it becomes `active`."""
    return _one(org_id, await service.accept_partnership(conn, org_id, partnership_id))


@router.post(
    "/partnerships/{partnership_id}/end",
    response_model=PartnershipRead,
    summary="End a partnership",
    operation_id="endPartnership",
    responses=problems(PartnershipEnded("The partnership has already ended.")),
)
async def end_partnership(conn: Conn, org_id: OrgId, partnership_id: PartnershipId) -> Response:
    """Either side ends the partnership; a partner ending a pending one declines it."""
    return _one(org_id, await service.end_partnership(conn, org_id, partnership_id))


@router.get(
    "/partnerships/{partnership_id}/changes",
    response_model=PartnershipChangeList,
    summary="The change history",
    operation_id="listPartnershipChanges",
)
async def list_changes(conn: Conn, org_id: OrgId, partnership_id: PartnershipId, page: Page) -> Response:
    """Every change of `access` or `billing_mode`: who, when, old → new; newest first."""
    p = await service.load_visible(conn, org_id, partnership_id)
    rows = await repository.list_changes(conn, p.id, page)
    return JsonResponse(page_of(rows, page, partnership_change_view))
