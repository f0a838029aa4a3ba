"""HTTP: the caller's organisation, and the platform's organisation and API key operations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from partnerbilling.errors import InvalidIban, InvalidVatId
from partnerbilling.idempotency.redaction import replayed_without
from partnerbilling.openapi import problems
from partnerbilling.organizations import service
from partnerbilling.organizations.schemas import (
    ApiKeyCreated,
    MyOrganizationUpdate,
    OrganizationCreate,
    OrganizationList,
    OrganizationRead,
    OrganizationUpdate,
)
from partnerbilling.organizations.service import (
    ReverseChargeNeedsForeignAddress,
    ReverseChargeNeedsVatId,
    UnknownResellerTier,
)
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import organization_view
from partnerbilling.web_auth import OrgId, Platform
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1", tags=["organizations"], route_class=TransactionalRoute)
admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

OrgPathId = Annotated[str, Path(max_length=40, description="An organisation id.")]

_INVALID_NUMBERS = (
    InvalidVatId(errors=[{"loc": ["body", "vat_id"], "msg": "not a valid VAT number"}]),
    InvalidIban(errors=[{"loc": ["body", "payout_iban"], "msg": "not a valid IBAN"}]),
)
_REVERSE_CHARGE = (
    ReverseChargeNeedsVatId(
        errors=[{"loc": ["body", "reverse_charge"], "msg": "reverse charge needs a vat_id"}]
    ),
    ReverseChargeNeedsForeignAddress(
        errors=[
            {"loc": ["body", "reverse_charge"], "msg": "reverse charge needs an address in another country"}
        ]
    ),
)


@router.get(
    "/organizations/me",
    response_model=OrganizationRead,
    summary="Your organisation",
    operation_id="getMyOrganization",
)
async def get_me(conn: Conn, org_id: OrgId) -> Response:
    """The organisation the API key belongs to."""
    org = await service.get_organization(conn, org_id)
    return JsonResponse(organization_view(org))


@router.patch(
    "/organizations/me",
    response_model=OrganizationRead,
    summary="Update your billing profile",
    operation_id="updateMyOrganization",
    responses=problems(*_INVALID_NUMBERS, *_REVERSE_CHARGE),
)
async def update_me(conn: Conn, org_id: OrgId, body: MyOrganizationUpdate) -> Response:
    """Change your billing profile; `null` clears `legal_name`, `address`, `vat_id` or
    `payout_iban`. `name`, `currency`, `vat_rate`, `reseller_tier` and `reverse_charge` are
    the platform's to change (422 naming the field)."""
    return JsonResponse(organization_view(await service.update_own_profile(conn, org_id, body)))


@admin.post(
    "/organizations",
    status_code=201,
    response_model=OrganizationRead,
    summary="Create an organisation",
    operation_id="createOrganization",
    responses=problems(UnknownResellerTier, *_INVALID_NUMBERS, *_REVERSE_CHARGE),
)
async def create_organization(conn: Conn, body: OrganizationCreate) -> Response:
    """Create an organisation; with `reseller_tier` it can act as a partner."""
    org = await service.create_organization(conn, body)
    return JsonResponse(organization_view(org), status_code=201)


@admin.get(
    "/organizations",
    response_model=OrganizationList,
    summary="List or search the organisations",
    operation_id="listOrganizations",
)
async def list_organizations(
    conn: Conn,
    page: Page,
    q: Annotated[
        str | None,
        Query(
            max_length=200, description="Only those whose name or billing e-mail contains this (any case)."
        ),
    ] = None,
) -> Response:
    """Every organisation, newest first, as the platform sees it (nothing redacted)."""
    return JsonResponse(await service.list_organizations(conn, q, page))


@admin.get(
    "/organizations/{org_id}",
    response_model=OrganizationRead,
    summary="Get an organisation",
    operation_id="getOrganization",
)
async def get_organization(conn: Conn, org_id: OrgPathId) -> Response:
    """An organisation, by id."""
    return JsonResponse(organization_view(await service.get_organization(conn, org_id)))


@admin.patch(
    "/organizations/{org_id}",
    response_model=OrganizationRead,
    summary="Update an organisation",
    operation_id="updateOrganization",
    responses=problems(UnknownResellerTier, *_INVALID_NUMBERS, *_REVERSE_CHARGE),
)
async def update_organization(conn: Conn, org_id: OrgPathId, body: OrganizationUpdate) -> Response:
    """Change any of the fields; `reseller_tier: null` removes the tier, `null` clears
    `legal_name`, `address`, `vat_id` or `payout_iban`."""
    org = await service.update_organization(conn, org_id, body)
    return JsonResponse(organization_view(org))


@admin.post(
    "/organizations/{org_id}/api-keys",
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Create an API key",
    operation_id="createApiKey",
)
@replayed_without("key")
async def create_api_key(conn: Conn, org_id: OrgPathId) -> Response:
    """A new key for the organisation. The key is shown in this response only; store it."""
    return JsonResponse(await service.create_api_key(conn, org_id), status_code=201)


@admin.delete("/api-keys/{key_id}", status_code=204, summary="Revoke an API key", operation_id="revokeApiKey")
async def revoke_api_key(conn: Conn, key_id: Annotated[str, Path(max_length=40)]) -> Response:
    """Revoke a key; requests with it answer 401 from now on."""
    await service.revoke_api_key(conn, key_id)
    return Response(status_code=204)
