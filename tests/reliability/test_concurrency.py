"""Concurrent charges, billing-mode changes and credit notes keep the books: afterwards
``partnerbilling check`` finds every invariant holding (numbers gapless and increasing with
their dates, one invoice per order addressed to its payer, the cashback rules)."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.support import Api, build_world


async def test_concurrent_charges_keep_every_invariant(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    acme, agency = world.acme, world.agency
    partnership = world.partnership["id"]

    async def order(n: int) -> tuple[int, str]:
        who = agency if n % 2 else acme
        sku = "web-hosting-pro" if n % 3 else "domain-ch"
        response = await api.call(
            who, "POST", "/v1/orders", json={"customer_id": acme.id, "sku": sku, "quantity": 1 + n % 3}
        )
        return response.status_code, response.text

    async def switch_mode(n: int) -> tuple[int, str]:
        mode = "partner" if n % 2 else "customer"
        response = await api.call(
            acme, "PATCH", f"/v1/partnerships/{partnership}", json={"billing_mode": mode}
        )
        return response.status_code, response.text

    first = await api.order(acme, acme, "web-hosting-pro")
    second = await api.order(acme, acme, "domain-ch")

    async def credit(invoice_id: str) -> tuple[int, str]:
        response = await api.admin(
            "POST", f"/v1/admin/invoices/{invoice_id}/credit-note", json={"reason": "test"}
        )
        return response.status_code, response.text

    async def pay(invoice_id: str) -> tuple[int, str]:
        response = await api.admin("POST", f"/v1/admin/invoices/{invoice_id}/pay", json={})
        return response.status_code, response.text

    statuses = await asyncio.gather(
        *(order(n) for n in range(60)),
        *(switch_mode(n) for n in range(10)),
        credit(first["invoice_id"]),
        pay(second["invoice_id"]),
    )
    assert all(status in (200, 201) for status, _ in statuses), [s for s in statuses if s[0] >= 300]
    assert await check_database(db) == []
