"""Builders for the payment tests: invoices of the worked examples, payments, ledger probes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import Api, Org, World, rows


async def invoice_of(api: Api, payer: Org, order: dict[str, Any]) -> dict[str, Any]:
    invoice_id = (await api.ok(payer, "GET", f"/v1/orders/{order['id']}"))["invoice_id"]
    invoice: dict[str, Any] = await api.ok(payer, "GET", f"/v1/invoices/{invoice_id}")
    return invoice


async def case_a(api: Api, w: World) -> dict[str, Any]:
    """Worked example A: WebAgency orders for Acme, Acme's invoice of 129.72 (cashback 24.00)."""
    return await invoice_of(api, w.acme, await api.order(w.agency, w.acme, "web-hosting-pro"))


async def case_b(api: Api, w: World) -> dict[str, Any]:
    """Worked example B: partner mode, WebAgency's own invoice of 103.78."""
    await api.ok(w.acme, "PATCH", f"/v1/partnerships/{w.partnership['id']}", json={"billing_mode": "partner"})
    return await invoice_of(api, w.agency, await api.order(w.agency, w.acme, "web-hosting-pro"))


async def pay(
    api: Api, invoice_id: str, amount: str, external_id: str | None = None, **changes: Any
) -> httpx.Response:
    body = {"invoice_id": invoice_id, "amount": amount, "currency": "CHF", "method": "bank_transfer"}
    if external_id is not None:
        body["external_id"] = external_id
    return await api.admin("POST", "/v1/admin/payments", json={**body, **changes})


async def entries(db: AsyncEngine, org: Org) -> list[tuple[str, Decimal]]:
    """The organisation's ledger entries, oldest first, as (kind, amount)."""
    found = await rows(
        db, "SELECT kind, amount FROM account_entries WHERE org_id = :o ORDER BY created_at, id", o=org.id
    )
    return [(r.kind, r.amount) for r in found]


async def balance(db: AsyncEngine, org: Org) -> Decimal:
    found = await rows(
        db, "SELECT balance FROM account_balances WHERE org_id = :o AND currency = 'CHF'", o=org.id
    )
    return found[0].balance if found else Decimal("0.00")
