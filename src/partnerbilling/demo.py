"""``partnerbilling demo``: the four worked examples of who pays, loaded, charged and ready to try.

The demo works on the database directly, through the service functions the API calls, so it runs
beside ``make serve`` on the embedded server as well as on ``PARTNERBILLING_DATABASE_URL``. It can
run any number of times: it finds its organisations by their names and ``.example`` billing
addresses, and each example's order by who placed it, what, and who paid it; a later run places
only what is missing, so it charges nothing twice and prints the same numbers. Keys are stored only
as hashes and cannot be shown again: each run issues one fresh key per demo organisation and
revokes the earlier ones. The lookups by those fixed names are here rather than in the domain
repositories because only the demo asks them. What the command prints is in ``demo_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.billing.routing import Access, BillingMode
from partnerbilling.catalog import repository as catalog_repository
from partnerbilling.catalog import service as catalog
from partnerbilling.catalog.schemas import ProductPut, TierPut
from partnerbilling.db import transaction, utcnow
from partnerbilling.invoices import repository as invoices
from partnerbilling.issuer import repository as issuer_repository
from partnerbilling.issuer import service as issuer
from partnerbilling.issuer.schemas import IssuerPut
from partnerbilling.orders import repository as orders_repository
from partnerbilling.orders import service as orders
from partnerbilling.orders.models import Order
from partnerbilling.orders.schemas import OrderCreate
from partnerbilling.organizations import service as organizations
from partnerbilling.organizations.domain import Organization
from partnerbilling.organizations.models import ApiKey
from partnerbilling.organizations.models import Organization as Organizations
from partnerbilling.organizations.schemas import OrganizationCreate, OrganizationUpdate
from partnerbilling.partnerships import repository as partnerships_repository
from partnerbilling.partnerships import service as partnerships
from partnerbilling.partnerships.schemas import PartnershipCreate, PartnershipUpdate
from partnerbilling.sql import Connection, Statement, execute, fetch_one, fetch_value
from partnerbilling.states import OrderKind, PartnershipStatus
from partnerbilling.visibility import product_view, tier_view

# Two runs at once would both find nothing and both create: one waits for the other.
_DEMO_LOCK = Statement(text("SELECT pg_advisory_xact_lock(hashtext('partnerbilling demo'))"))

# The worked examples' catalogue, as the API shows it (so that a run can tell it is unchanged).
TIER = "gold"
TIER_TERMS = {"name": "Gold", "default_rate": "0.1", "rates": {"hosting": "0.2", "domain": "0.05"}}
PRODUCTS = {
    "web-hosting-pro": {
        "name": "Web Hosting Pro",
        "category": "hosting",
        "period_months": 12,
        "prices": {"CHF": "120.00"},
    },
    "domain-ch": {
        "name": "Domain .ch",
        "category": "domain",
        "period_months": 12,
        "prices": {"CHF": "13.45"},
    },
}
CUSTOMER: dict[str, object] = {
    "name": "Acme",
    "billing_email": "billing@acme.example",
    "currency": "CHF",
    "vat_rate": "0.081",
    "legal_name": "Acme AG",
    "address": {
        "street": "Marktgasse",
        "building_number": "5",
        "postal_code": "3011",
        "city": "Bern",
        "country": "CH",
    },
    "vat_id": "CHE-109.322.551 MWST",
    "language": "de",
}
PARTNER: dict[str, object] = {
    "name": "WebAgency",
    "billing_email": "billing@webagency.example",
    "currency": "CHF",
    "vat_rate": "0.081",
    "reseller_tier": TIER,
    "legal_name": "WebAgency GmbH",
    "address": {
        "street": "Rue du Rhône",
        "building_number": "12",
        "postal_code": "1204",
        "city": "Genève",
        "country": "CH",
    },
    "vat_id": "CHE-116.281.710 MWST",
    "language": "fr",
}
# The demo's issuer, configured when none is (an issuer configured by hand is left as it is).
ISSUER: dict[str, object] = {
    "legal_name": "Demo Hosting AG",
    "address": {
        "street": "Bahnhofstrasse",
        "building_number": "10",
        "postal_code": "8001",
        "city": "Zürich",
        "country": "CH",
    },
    "vat_id": "CHE-112.233.445 MWST",
    "email": "billing@demo-hosting.example",
    "payment_terms_days": 30,
    "bank_accounts": {
        "CHF": {"iban": "CH4431999123000889012"},
        "EUR": {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
    },
}


@dataclass(frozen=True, slots=True)
class Case:
    """One worked example: the billing mode at the charge, who orders, what."""

    name: str
    billing_mode: str
    by_partner: bool
    sku: str
    quantity: int


# In the order they are placed: the billing mode changes once, between C and D, and the walk
# ends with case B, the partner's own invoice.
CASES = (
    Case("A", "customer", True, "web-hosting-pro", 1),
    Case("C", "customer", False, "domain-ch", 3),
    Case("D", "partner", False, "domain-ch", 3),
    Case("B", "partner", True, "web-hosting-pro", 1),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A worked example's order and invoice, as charged."""

    case: Case
    order_id: str
    payer: str
    invoice_id: str
    invoice_number: str
    public_amount: Decimal
    discount: Decimal
    net_amount: Decimal
    tax: Decimal
    total: Decimal
    cashback: Decimal | None
    placed_now: bool


@dataclass(frozen=True, slots=True)
class Demo:
    customer_id: str
    customer_key: str
    partner_id: str
    partner_key: str
    partnership_id: str
    billing_mode: str
    outcomes: tuple[Outcome, ...]


async def load_demo(engine: AsyncEngine) -> Demo:
    """Find or create the examples' catalogue, organisations and partnership, place whichever of
    the four orders is missing, and issue fresh API keys; all in one transaction."""
    async with transaction(engine) as conn:
        await _DEMO_LOCK.execute(conn, {})
        await _ensure_catalogue(conn)
        if await issuer_repository.get(conn) is None:
            await issuer.put_issuer(conn, IssuerPut.model_validate(ISSUER))
        acme = await _ensure_organization(conn, CUSTOMER)
        agency = await _ensure_organization(conn, PARTNER)
        partnership_id = await _ensure_partnership(conn, acme.id, agency.id)
        outcomes = tuple([await _walk(conn, case, acme, agency, partnership_id) for case in CASES])
        partnership = await partnerships_repository.get(conn, partnership_id)
        assert partnership is not None
        acme_key = await _fresh_key(conn, acme.id)
        agency_key = await _fresh_key(conn, agency.id)
    return Demo(acme.id, acme_key, agency.id, agency_key, partnership_id, partnership.billing_mode, outcomes)


async def _ensure_catalogue(conn: Connection) -> None:
    tier = await catalog_repository.get_tier(conn, TIER)
    if tier is None or tier_view(tier) != {"code": TIER, **TIER_TERMS}:
        await catalog.put_tier(conn, TIER, TierPut.model_validate(TIER_TERMS))
    for sku, terms in PRODUCTS.items():
        product = await catalog_repository.get_product(conn, sku)
        if product is None or product_view(product) != {"sku": sku, **terms}:
            await catalog.put_product(conn, sku, ProductPut.model_validate(terms))


async def _ensure_organization(conn: Connection, fields: dict[str, object]) -> Organization:
    """The demo organisation of that name and billing address, created, or set back to the
    examples' terms if someone changed them."""
    named = (
        select(Organizations)
        .where(Organizations.name == fields["name"], Organizations.billing_email == fields["billing_email"])
        .order_by(Organizations.created_at, Organizations.id)
        .limit(1)
    )
    found = await fetch_one(conn, named, Organization)
    if found is None:
        return await organizations.create_organization(conn, OrganizationCreate.model_validate(fields))
    wanted = OrganizationCreate.model_validate(fields).model_dump()
    differs = {name: fields.get(name) for name, value in wanted.items() if getattr(found, name) != value}
    if not differs:
        return found
    return await organizations.update_organization(conn, found.id, OrganizationUpdate.model_validate(differs))


async def _ensure_partnership(conn: Connection, customer_id: str, partner_id: str) -> str:
    """The customer's open partnership with the partner, created and accepted if need be."""
    p = await partnerships_repository.open_for_customer(conn, customer_id)
    if p is not None and p.partner_id != partner_id:
        await partnerships.end_partnership(conn, customer_id, p.id)
        p = None
    if p is None:
        p = await partnerships.create_partnership(
            conn,
            customer_id,
            PartnershipCreate(partner_id=partner_id, access=Access.FULL, billing_mode=BillingMode.CUSTOMER),
        )
    if p.status == PartnershipStatus.PENDING:
        p = await partnerships.accept_partnership(conn, partner_id, p.id)
    return str(p.id)


async def _walk(
    conn: Connection, case: Case, acme: Organization, agency: Organization, partnership_id: str
) -> Outcome:
    """The case's order and invoice: found if an earlier run placed it, else placed now, in the
    example's billing mode."""
    placed_by = agency.id if case.by_partner else acme.id
    payer = acme if case.billing_mode == "customer" else agency
    earlier = select(Order.id).where(
        Order.customer_id == acme.id,
        Order.placed_by_id == placed_by,
        Order.payer_id == payer.id,
        Order.partnership_id.is_not(None),
        Order.kind == OrderKind.NEW,
        Order.sku == case.sku,
        Order.quantity == case.quantity,
    )
    order_id: str | None = await fetch_value(conn, earlier.order_by(Order.created_at, Order.id).limit(1))
    placed_now = order_id is None
    if order_id is None:
        terms = {"access": "full", "billing_mode": case.billing_mode}
        await partnerships.update_partnership(
            conn, acme.id, partnership_id, PartnershipUpdate.model_validate(terms)
        )
        order = OrderCreate(customer_id=acme.id, sku=case.sku, quantity=case.quantity)
        order_id = (await orders.place_order(conn, placed_by, order)).id
    o = await orders_repository.get(conn, order_id)
    invoice = await invoices.get(conn, o.invoice_id) if o is not None and o.invoice_id else None
    assert o is not None and invoice is not None
    amounts = (o.public_amount, o.discount, o.net_amount, invoice.tax, invoice.total)
    return Outcome(
        case, o.id, payer.name, invoice.id, invoice.number, *amounts, o.cashback_amount, placed_now
    )


async def _fresh_key(conn: Connection, org_id: str) -> str:
    """Revoke the organisation's keys and issue one new key (the only way to show one)."""
    live = update(ApiKey).where(ApiKey.org_id == org_id, ApiKey.revoked_at.is_(None))
    await execute(conn, live.values(revoked_at=utcnow()))
    return str((await organizations.create_api_key(conn, org_id))["key"])
