"""The billing-mode preview (SPEC §11): load the partnership's parties, products and renewing
subscriptions (repositories only), plan the preview (pure, :mod:`partnerbilling.billing.preview`)
and return it. Nothing is written and no number is taken."""

from __future__ import annotations

from partnerbilling.billing.domain import Product
from partnerbilling.billing.preview import BillingModePreview, PreviewInput, plan_billing_mode_preview
from partnerbilling.billing.routing import Access, BillingMode
from partnerbilling.catalog import repository as catalog
from partnerbilling.catalog.domain import product_of
from partnerbilling.db import utcnow
from partnerbilling.errors import BillingModeRequiresFullAccess, Conflict, NotFound, PartnershipEnded
from partnerbilling.organizations import repository as organizations
from partnerbilling.organizations.domain import organization_of
from partnerbilling.partnerships import repository as partnerships
from partnerbilling.partnerships.domain import Partnership
from partnerbilling.sql import Connection
from partnerbilling.states import PartnershipStatus
from partnerbilling.subscriptions import repository as subscriptions
from partnerbilling.visibility import partnership_view


class PartnershipNotActive(Conflict):
    code, title = "partnership_not_active", "The partnership is not active yet"


async def preview_billing_mode(
    conn: Connection, viewer: str, partnership_id: str, billing_mode: BillingMode
) -> BillingModePreview:
    """Either side's preview of a switch to ``billing_mode``: every renewing subscription's next
    renewal now and after it, and the next twelve months' totals per payer and currency."""
    p = await _load_previewable(conn, viewer, partnership_id, billing_mode)
    terms = partnerships.active_terms(p)
    assert terms is not None  # an active partnership
    customer = await organizations.get(conn, p.customer_id)
    assert customer is not None  # a partnership's organisations are never deleted
    partner = await organizations.get_with_tier(conn, p.partner_id)
    subs = await subscriptions.renewable_of_customer(conn, p.customer_id)
    products: dict[str, Product] = {}
    for sku in sorted({sub.sku for sub in subs}):
        row = await catalog.get_product(conn, sku)
        if row is not None:
            products[sku] = product_of(row)
    given = PreviewInput(
        customer=organization_of(customer),
        partner=organization_of(partner) if partner is not None else None,
        partnership=terms,
        products=products,
        subscriptions=subs,
        as_of=utcnow(),
    )
    return plan_billing_mode_preview(given, billing_mode)


async def _load_previewable(
    conn: Connection, viewer: str, partnership_id: str, billing_mode: BillingMode
) -> Partnership:
    """The partnership, if the viewer is a party to it (else 404) and it is active (else 409);
    a switch to partner mode needs full access, as a change of the billing mode does (422)."""
    p = await partnerships.get(conn, partnership_id)
    if p is None or partnership_view(viewer, p) is None:
        raise NotFound("No such partnership.")
    if p.status == PartnershipStatus.ENDED:
        raise PartnershipEnded("The partnership has ended: it has no billing mode to switch.")
    if p.status != PartnershipStatus.ACTIVE:
        raise PartnershipNotActive("The partnership is pending: the partner has not accepted it yet.")
    if billing_mode is BillingMode.PARTNER and p.access != Access.FULL:
        raise BillingModeRequiresFullAccess(
            "Billing mode 'partner' needs access 'full'.",
            errors=[{"loc": ["query", "billing_mode"], "msg": "'partner' needs access 'full'"}],
        )
    return p
