"""``partnerbilling demo``: the four worked examples of who pays, loaded, charged and ready to try.

The demo works on the database directly, through the service functions the API calls, so it runs
beside ``make serve`` on the embedded server as well as on ``PARTNERBILLING_DATABASE_URL``. It can
run any number of times: it finds its organisations by their names and ``.example`` billing
addresses, and each example's order by who placed it, what, and who paid it; a later run places
only what is missing, so it charges nothing twice and prints the same numbers. Keys are stored only
as hashes and cannot be shown again: each run issues one fresh key per demo organisation and
revokes the earlier ones. The lookups by those fixed names are here rather than in the domain
repositories because only the demo asks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from partnerbilling.billing.money import format_money
from partnerbilling.billing.routing import Access, BillingMode
from partnerbilling.catalog import repository as catalog_repository
from partnerbilling.catalog import service as catalog
from partnerbilling.catalog.schemas import ProductPut, TierPut
from partnerbilling.db import transaction, utcnow
from partnerbilling.invoices import repository as invoices
from partnerbilling.orders import repository as orders_repository
from partnerbilling.orders import service as orders
from partnerbilling.orders.models import Order
from partnerbilling.orders.schemas import OrderCreate
from partnerbilling.organizations import service as organizations
from partnerbilling.organizations.models import ApiKey, Organization
from partnerbilling.organizations.schemas import OrganizationCreate, OrganizationUpdate
from partnerbilling.partnerships import repository as partnerships_repository
from partnerbilling.partnerships import service as partnerships
from partnerbilling.partnerships.schemas import PartnershipCreate, PartnershipUpdate
from partnerbilling.visibility import product_view, tier_view

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
CUSTOMER = {"name": "Acme", "billing_email": "billing@acme.example", "currency": "CHF", "vat_rate": "0.081"}
PARTNER = {
    "name": "WebAgency",
    "billing_email": "billing@webagency.example",
    "currency": "CHF",
    "vat_rate": "0.081",
    "reseller_tier": TIER,
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
        # Two runs at once would both find nothing and both create: one waits for the other.
        await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('partnerbilling demo'))"))
        await _ensure_catalogue(conn)
        acme = await _ensure_organization(conn, CUSTOMER)
        agency = await _ensure_organization(conn, PARTNER)
        partnership_id = await _ensure_partnership(conn, acme.id, agency.id)
        outcomes = tuple([await _walk(conn, case, acme, agency, partnership_id) for case in CASES])
        partnership = await partnerships_repository.get(conn, partnership_id)
        assert partnership is not None
        acme_key = await _fresh_key(conn, acme.id)
        agency_key = await _fresh_key(conn, agency.id)
    return Demo(acme.id, acme_key, agency.id, agency_key, partnership_id, partnership.billing_mode, outcomes)


async def _ensure_catalogue(conn: AsyncConnection) -> None:
    tier = await catalog_repository.get_tier(conn, TIER)
    if tier is None or tier_view(tier) != {"code": TIER, **TIER_TERMS}:
        await catalog.put_tier(conn, TIER, TierPut.model_validate(TIER_TERMS))
    for sku, terms in PRODUCTS.items():
        product = await catalog_repository.get_product(conn, sku)
        if product is None or product_view(product) != {"sku": sku, **terms}:
            await catalog.put_product(conn, sku, ProductPut.model_validate(terms))


async def _ensure_organization(conn: AsyncConnection, fields: dict[str, str]) -> Any:
    """The demo organisation of that name and billing address, created, or set back to the
    examples' terms if someone changed them."""
    found = (
        await conn.execute(
            select(Organization)
            .where(Organization.name == fields["name"], Organization.billing_email == fields["billing_email"])
            .order_by(Organization.created_at, Organization.id)
            .limit(1)
        )
    ).first()
    if found is None:
        return await organizations.create_organization(conn, OrganizationCreate.model_validate(fields))
    wanted = OrganizationCreate.model_validate(fields).model_dump()
    differs = {name: fields.get(name) for name, value in wanted.items() if getattr(found, name) != value}
    if not differs:
        return found
    return await organizations.update_organization(conn, found.id, OrganizationUpdate.model_validate(differs))


async def _ensure_partnership(conn: AsyncConnection, customer_id: str, partner_id: str) -> str:
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
    if p.status == "pending":
        p = await partnerships.accept_partnership(conn, partner_id, p.id)
    return str(p.id)


async def _walk(conn: AsyncConnection, case: Case, acme: Any, agency: Any, partnership_id: str) -> Outcome:
    """The case's order and invoice: found if an earlier run placed it, else placed now, in the
    example's billing mode."""
    placed_by = agency.id if case.by_partner else acme.id
    payer = acme if case.billing_mode == "customer" else agency
    earlier = select(Order.id).where(
        Order.customer_id == acme.id,
        Order.placed_by_id == placed_by,
        Order.payer_id == payer.id,
        Order.partnership_id.is_not(None),
        Order.kind == "new",
        Order.sku == case.sku,
        Order.quantity == case.quantity,
    )
    order_id = (await conn.execute(earlier.order_by(Order.created_at, Order.id).limit(1))).scalar()
    placed_now = order_id is None
    if order_id is None:
        terms = {"access": "full", "billing_mode": case.billing_mode}
        await partnerships.update_partnership(
            conn, acme.id, partnership_id, PartnershipUpdate.model_validate(terms)
        )
        order = OrderCreate(customer_id=acme.id, sku=case.sku, quantity=case.quantity)
        order_id = (await orders.place_order(conn, placed_by, order)).id
    o = await orders_repository.get(conn, order_id)
    invoice = await invoices.get(conn, o.invoice_id) if o is not None else None
    assert o is not None and invoice is not None
    amounts = (o.public_amount, o.discount, o.net_amount, invoice.tax, invoice.total)
    return Outcome(case, o.id, payer.name, invoice.number, *amounts, o.cashback_amount, placed_now)


async def _fresh_key(conn: AsyncConnection, org_id: str) -> str:
    """Revoke the organisation's keys and issue one new key (the only way to show one)."""
    await conn.execute(
        update(ApiKey).where(ApiKey.org_id == org_id, ApiKey.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return str((await organizations.create_api_key(conn, org_id))["key"])


def base_url(host: str, port: int) -> str:
    """The address to call a service bound to ``host:port`` on (a wildcard bind on loopback)."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def service_answers(url: str) -> bool:
    """Whether something answers ``GET /healthz`` with a 2xx at that address, within a second."""
    try:
        return httpx.get(f"{url}/healthz", timeout=1.0, trust_env=False).is_success
    except (httpx.HTTPError, httpx.InvalidURL):
        return False


_HEADER = ("case", "mode", "ordered by", "order", "payer", "invoice", "P", "discount", "net", "tax", "total")


def _table(demo: Demo) -> list[str]:
    """The summary: one row per example, text left-aligned and amounts right-aligned."""
    rows = [[*_HEADER, "cashback"]]
    for o in demo.outcomes:
        c = o.case
        amounts = (o.public_amount, o.discount, o.net_amount, o.tax, o.total)
        by = PARTNER["name"] if c.by_partner else CUSTOMER["name"]
        rows.append([c.name, c.billing_mode, by, f"{c.quantity} × {c.sku}", o.payer, o.invoice_number])
        rows[-1] += [format_money(a) for a in amounts] + [
            "—" if o.cashback is None else format_money(o.cashback)
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            v.ljust(w) if i < 6 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]


def describe(demo: Demo, url: str, answering: bool) -> str:
    """The examples as charged, and curl commands to try them on the service at ``url``."""
    case = {o.case.name: o for o in demo.outcomes}
    placed = ", ".join(o.case.name for o in demo.outcomes if o.placed_now)
    cashback = " + ".join(format_money(o.cashback) for o in demo.outcomes if o.cashback is not None)
    other = "customer" if demo.billing_mode == "partner" else "partner"
    again = f"Acme pays {case['A'].total}, WebAgency earns {case['A'].cashback}"
    if other == "partner":
        again = f"WebAgency pays {case['B'].total}"
    acme, agency = '-H "Authorization: Bearer $ACME"', '-H "Authorization: Bearer $WEBAGENCY"'
    post = "-H 'Content-Type: application/json' \\\n       -d"
    order = f'{{"customer_id": "{demo.customer_id}", "sku": "web-hosting-pro", "quantity": 1}}'
    status = f"The service answers at {url}."
    if not answering:
        status = (
            f"Nothing answers at {url} yet: start the service in another terminal with `make serve`\n"
            "(`make serve PORT=8080` for another port), and give this command the same --port (or PORT)."
        )
    return f"""\
The worked examples of who pays: tier gold (hosting 0.20, domain 0.05), web-hosting-pro
CHF 120.00, domain-ch CHF 13.45; Acme and WebAgency bill in CHF with VAT 0.081; full access.

  Acme (customer)       id {demo.customer_id}  key {demo.customer_key}
  WebAgency (partner)   id {demo.partner_id}  key {demo.partner_key}
  Partnership           id {demo.partnership_id}  billing mode now: {demo.billing_mode}

In the order they were placed (the billing mode changed once, between C and D):

{chr(10).join(_table(demo))}

{f"Placed by this run: {placed}." if placed else "All four were there already: nothing was charged again."}
Keys are stored only as hashes, so each run issues new ones; the earlier ones no longer work.

{status}

Try it, in a second terminal while `make serve` keeps the first:

  export ACME={demo.customer_key} WEBAGENCY={demo.partner_key}
  # WebAgency's invoices: cases B and D, which it pays
  curl -s {url}/v1/invoices {agency}
  # Acme's invoices: cases A and C
  curl -s {url}/v1/invoices {acme}
  # WebAgency's cashback balance, pending until the invoices are paid (the examples': {cashback})
  curl -s {url}/v1/cashback/balance {agency}
  # Case B's order as Acme sees it: Acme does not pay it, so discount, net_amount, invoice_id are null
  curl -s {url}/v1/orders/{case["B"].order_id} {acme}
  # Billing mode {other}, and the same order again: {again}
  curl -s -X PATCH {url}/v1/partnerships/{demo.partnership_id} {acme} {post} '{{"billing_mode": "{other}"}}'
  curl -s -X POST {url}/v1/orders {agency} {post} '{order}'
"""
