"""Helpers for API tests: a thin client wrapper, builders for the SPEC's worked examples, and probes
that read the database. Assertions live in ``tests/asserts.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

ADMIN_TOKEN = "test-admin-token-0123456789"
# What a charge writes; compared before and after a refused one.
CHARGE_TABLES = ("orders", "subscriptions", "invoices", "invoice_counters", "cashback_entries", "events")


async def connect_plain(url: str, database: str | None = None) -> asyncpg.Connection:
    """A plain asyncpg connection to the server of a SQLAlchemy URL: to the URL's database, or
    to ``database``. A socket directory in the URL's ``host`` query is honoured."""
    parsed = make_url(url)
    return await asyncpg.connect(
        database=database or parsed.database or "postgres",
        user=parsed.username or "postgres",
        password=parsed.password,
        host=parsed.query.get("host") or parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
    )


@dataclass
class Org:
    id: str
    key: str
    data: dict[str, Any]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class Api:
    client: httpx.AsyncClient
    admin_auth: dict[str, str] = field(default_factory=lambda: {"Authorization": f"Bearer {ADMIN_TOKEN}"})

    async def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.admin_auth, **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def call(self, who: Org, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**who.auth, **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def ok(self, who: Org | None, method: str, path: str, **kwargs: Any) -> Any:
        """Call and assert a 2xx answer; return its JSON (or None for 204)."""
        if who is None:
            response = await self.admin(method, path, **kwargs)
        else:
            response = await self.call(who, method, path, **kwargs)
        assert response.is_success, (method, path, response.status_code, response.text)
        return response.json() if response.status_code != 204 else None

    async def org(
        self,
        name: str,
        *,
        currency: str = "CHF",
        vat_rate: str = "0.081",
        reseller_tier: str | None = None,
    ) -> Org:
        data = await self.ok(
            None,
            "POST",
            "/v1/admin/organizations",
            json={
                "name": name,
                "billing_email": f"billing@{name.lower().replace(' ', '-')}.example",
                "currency": currency,
                "vat_rate": vat_rate,
                "reseller_tier": reseller_tier,
            },
        )
        key = await self.ok(None, "POST", f"/v1/admin/organizations/{data['id']}/api-keys")
        return Org(data["id"], key["key"], data)

    async def gold_catalogue(self) -> None:
        """Tier gold and the two products of SPEC §2's worked examples."""
        await self.ok(
            None,
            "PUT",
            "/v1/admin/reseller-tiers/gold",
            json={
                "name": "Gold",
                "default_rate": "0.10",
                "rates": {"hosting": "0.20", "domain": "0.05"},
            },
        )
        await self.ok(
            None,
            "PUT",
            "/v1/admin/products/web-hosting-pro",
            json={
                "name": "Web Hosting Pro",
                "category": "hosting",
                "period_months": 12,
                "prices": {"CHF": "120.00", "EUR": "125.00"},
            },
        )
        await self.ok(
            None,
            "PUT",
            "/v1/admin/products/domain-ch",
            json={
                "name": "Domain .ch",
                "category": "domain",
                "period_months": 12,
                "prices": {"CHF": "13.45"},
            },
        )

    async def partnership(
        self, customer: Org, partner: Org, *, access: str = "full", billing_mode: str = "customer"
    ) -> dict[str, Any]:
        """An active partnership between the two."""
        created = await self.ok(
            customer,
            "POST",
            "/v1/partnerships",
            json={"partner_id": partner.id, "access": access, "billing_mode": billing_mode},
        )
        accepted: dict[str, Any] = await self.ok(partner, "POST", f"/v1/partnerships/{created['id']}/accept")
        return accepted

    async def order(self, who: Org, customer: Org, sku: str, quantity: int = 1) -> dict[str, Any]:
        placed: dict[str, Any] = await self.ok(
            who,
            "POST",
            "/v1/orders",
            json={"customer_id": customer.id, "sku": sku, "quantity": quantity},
        )
        return placed


@dataclass
class World:
    """SPEC §2's worked examples: Acme (customer), WebAgency (gold partner), and a stranger."""

    api: Api
    acme: Org
    agency: Org
    stranger: Org
    partnership: dict[str, Any]


async def build_world(api: Api, billing_mode: str = "customer", access: str = "full") -> World:
    await api.gold_catalogue()
    acme = await api.org("Acme")
    agency = await api.org("WebAgency", reseller_tier="gold")
    stranger = await api.org("Stranger", reseller_tier="gold")
    partnership = await api.partnership(acme, agency, access=access, billing_mode=billing_mode)
    return World(api, acme, agency, stranger, partnership)


async def count(db: AsyncEngine, table: str, where: str = "TRUE", **params: Any) -> int:
    async with db.connect() as conn:
        value = await conn.scalar(text(f"SELECT count(*) FROM {table} WHERE {where}"), params)
    return int(value or 0)


async def counts(db: AsyncEngine, tables: tuple[str, ...] = CHARGE_TABLES) -> dict[str, int]:
    return {table: await count(db, table) for table in tables}


async def rows(db: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with db.connect() as conn:
        return list(await conn.execute(text(sql), params))
