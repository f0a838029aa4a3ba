"""``partnerbilling demo``: the worked examples of the specification, ready to try."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.catalog import service as catalog
from partnerbilling.catalog.schemas import ProductPut, TierPut
from partnerbilling.db import transaction
from partnerbilling.organizations import service as organizations
from partnerbilling.organizations.schemas import OrganizationCreate
from partnerbilling.partnerships import service as partnerships
from partnerbilling.partnerships.schemas import PartnershipCreate


async def load_demo(engine: AsyncEngine) -> dict[str, Any]:
    """Tier gold, products web-hosting-pro and domain-ch, customer Acme and partner WebAgency
    (both CHF, VAT 8.1 %) in an active full-access partnership where the customer pays."""
    async with transaction(engine) as conn:
        await catalog.put_tier(
            conn,
            "gold",
            TierPut.model_validate(
                {"name": "Gold", "default_rate": "0.10", "rates": {"hosting": "0.20", "domain": "0.05"}}
            ),
        )
        for sku, body in {
            "web-hosting-pro": {
                "name": "Web Hosting Pro",
                "category": "hosting",
                "period_months": 12,
                "prices": {"CHF": "120.00", "EUR": "125.00"},
            },
            "domain-ch": {
                "name": "Domain .ch",
                "category": "domain",
                "period_months": 12,
                "prices": {"CHF": "13.45"},
            },
        }.items():
            await catalog.put_product(conn, sku, ProductPut.model_validate(body))
        acme = await organizations.create_organization(
            conn,
            OrganizationCreate.model_validate(
                {
                    "name": "Acme",
                    "billing_email": "billing@acme.example",
                    "currency": "CHF",
                    "vat_rate": "0.081",
                }
            ),
        )
        agency = await organizations.create_organization(
            conn,
            OrganizationCreate.model_validate(
                {
                    "name": "WebAgency",
                    "billing_email": "billing@webagency.example",
                    "currency": "CHF",
                    "vat_rate": "0.081",
                    "reseller_tier": "gold",
                }
            ),
        )
        p = await partnerships.create_partnership(
            conn,
            acme.id,
            PartnershipCreate(partner_id=agency.id, access="full", billing_mode="customer"),
        )
        await partnerships.accept_partnership(conn, agency.id, p.id)
        acme_key = await organizations.create_api_key(conn, acme.id)
        agency_key = await organizations.create_api_key(conn, agency.id)
    return {
        "acme": {"id": acme.id, "key": acme_key["key"]},
        "webagency": {"id": agency.id, "key": agency_key["key"]},
        "partnership_id": p.id,
    }


def describe(demo: dict[str, Any], base_url: str = "http://127.0.0.1:8000") -> str:
    """Instructions to try the worked examples with curl."""
    acme, agency = demo["acme"], demo["webagency"]
    return f"""Loaded the worked examples (tier gold; web-hosting-pro CHF 120.00; domain-ch CHF 13.45).

  Acme (customer)       id {acme["id"]}
                        key {acme["key"]}
  WebAgency (partner)   id {agency["id"]}
                        key {agency["key"]}
  Partnership           id {demo["partnership_id"]} (full access, billing mode: customer)

Case A — WebAgency orders for Acme, Acme pays 129.72, WebAgency earns 24.00 cashback:
  curl -s -X POST {base_url}/v1/orders -H 'Authorization: Bearer {agency["key"]}' \\
       -H 'Content-Type: application/json' \\
       -d '{{"customer_id": "{acme["id"]}", "sku": "web-hosting-pro", "quantity": 1}}'

Case B — Acme switches to partner mode; the same order is then WebAgency's, 103.78:
  curl -s -X PATCH {base_url}/v1/partnerships/{demo["partnership_id"]} \\
       -H 'Authorization: Bearer {acme["key"]}' -H 'Content-Type: application/json' \\
       -d '{{"billing_mode": "partner"}}'
"""
