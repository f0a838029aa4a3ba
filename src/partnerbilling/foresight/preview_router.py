"""HTTP: the billing-mode preview of a partnership (SPEC §11)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from partnerbilling.billing.routing import BillingMode
from partnerbilling.errors import BillingModeRequiresFullAccess, PartnershipEnded
from partnerbilling.foresight.preview import PartnershipNotActive, preview_billing_mode
from partnerbilling.foresight.preview_schemas import BillingModePreviewRead
from partnerbilling.openapi import problems
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import billing_mode_preview_view
from partnerbilling.web_auth import OrgId
from partnerbilling.web_json import JsonResponse

router = APIRouter(prefix="/v1", tags=["partnerships"], route_class=TransactionalRoute)

PartnershipId = Annotated[str, Path(max_length=40, description="A partnership id.")]
TargetMode = Annotated[BillingMode, Query(description="The billing mode to preview a switch to.")]


@router.get(
    "/partnerships/{partnership_id}/billing-mode-preview",
    response_model=BillingModePreviewRead,
    summary="Preview a switch of billing mode",
    operation_id="previewBillingMode",
    responses=problems(
        PartnershipNotActive("The partnership is pending: the partner has not accepted it yet."),
        PartnershipEnded("The partnership has ended: it has no billing mode to switch."),
        BillingModeRequiresFullAccess("Billing mode 'partner' needs access 'full'."),
    ),
)
async def preview_billing_mode_switch(
    conn: Conn, org_id: OrgId, partnership_id: PartnershipId, billing_mode: TargetMode
) -> Response:
    """Either side of an active partnership: every auto-renewing subscription of the customer
    (not suspended, not cancelled) with its next renewal as the renewal run would charge it now
    and after a switch to `billing_mode`, and per payer and currency the total of every renewal
    due within twelve months under each mode. Nothing changes. Each charge and total is redacted
    for you as an order is: the price for its payer only, the cashback for the partner only.
    409 `partnership_not_active` while pending, `partnership_ended` once ended; 422
    `billing_mode_requires_full_access` for `partner` with limited access."""
    preview = await preview_billing_mode(conn, org_id, partnership_id, billing_mode)
    return JsonResponse(billing_mode_preview_view(org_id, preview))
