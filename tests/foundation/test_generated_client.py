"""A client generated from ``/openapi.json`` by openapi-python-client, as an integrator would
make it, drives worked example A (SPEC §2) end to end: a tier with category rates, products,
organisations, a partnership, an order sent with an Idempotency-Key (and retried), the invoice,
the cashback and the typed events."""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.settings import Settings
from tests.support import ADMIN_TOKEN

PACKAGE = "partnerbilling_client"
# The configuration the repository ships for generated clients (README: "Generated clients").
CONFIG = Path(__file__).parents[2] / "clients" / "openapi-python-client.yaml"


@pytest.fixture(scope="module")
async def generated(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> AsyncIterator[Path]:
    """The client package, generated once for the module from the document the app serves."""
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        document = (await http.get("/openapi.json")).content
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_bytes(document)
    tools = Path(sys.executable).parent  # the generator, and the ruff it formats its output with
    process = await asyncio.create_subprocess_exec(
        str(tools / "openapi-python-client"),
        "generate",
        "--path",
        str(folder / "openapi.json"),
        "--output-path",
        str(folder / PACKAGE),
        "--meta",
        "none",
        "--config",
        str(CONFIG),
        "--fail-on-warning",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, output.decode()
    assert b"Warning" not in output, output.decode()
    sys.path.insert(0, str(folder))
    try:
        yield folder
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


class Generated:
    """The generated package, wired to the app in process: one client per caller."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.models = _module("models")
        self.clients: list[httpx.AsyncClient] = []

    def client(self, token: str) -> Any:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://test",
            headers={"Authorization": f"Bearer {token}"},
        )
        self.clients.append(http)
        authenticated = _module("client").AuthenticatedClient(
            base_url="http://test", token=token, raise_on_unexpected_status=True
        )
        return authenticated.set_async_httpx_client(http)

    async def call(self, operation: str, client: Any, **kwargs: Any) -> Any:
        """``operation`` is ``tag.operation_id_in_snake_case``, as the generator names modules."""
        return await _module(f"api.{operation}").asyncio(client=client, **kwargs)


async def test_worked_example_a_through_the_generated_client(
    generated: Path, db: AsyncEngine, settings: Settings
) -> None:
    pb = Generated(create_app(settings, engine=db))
    m, admin = pb.models, pb.client(ADMIN_TOKEN)
    try:
        await _example_a(pb, m, admin)
    finally:
        for http in pb.clients:
            await http.aclose()


async def _example_a(pb: Generated, m: ModuleType, admin: Any) -> None:
    rates = m.TierPutRates.from_dict({"hosting": "0.20", "domain": "0.05"})
    tier = await pb.call(
        "admin.put_reseller_tier",
        admin,
        code="gold",
        body=m.TierPut(name="Gold", default_rate="0.10", rates=rates),
    )
    assert tier.rates.to_dict() == {"hosting": "0.2", "domain": "0.05"}, "the tier kept its category rates"
    for sku, category, prices in (
        ("web-hosting-pro", "hosting", {"CHF": "120.00", "EUR": "125.00"}),
        ("domain-ch", "domain", {"CHF": "13.45"}),
    ):
        product = m.ProductPut(
            name=sku, category=category, period_months=12, prices=m.ProductPutPrices.from_dict(prices)
        )
        assert (await pb.call("admin.put_product", admin, sku=sku, body=product)).prices.to_dict() == prices

    acme = await _organisation(pb, m, admin, "Acme AG", None)
    agency = await _organisation(pb, m, admin, "WebAgency", "gold")
    acme_client, agency_client = pb.client(acme["key"]), pb.client(agency["key"])
    invited = await pb.call(
        "partnerships.create_partnership",
        acme_client,
        body=m.PartnershipCreate(
            partner_id=agency["id"],
            access=m.PartnershipCreateAccess.FULL,
            billing_mode=m.PartnershipCreateBillingMode.CUSTOMER,
        ),
    )
    accepted = await pb.call("partnerships.accept_partnership", agency_client, partnership_id=invited.id)
    assert accepted.status == m.PartnershipReadStatus.ACTIVE
    assert isinstance(accepted.accepted_at, datetime)

    order_id = await _order_twice_with_one_key(pb, m, agency_client, acme["id"])

    order = await pb.call("orders.get_order", acme_client, order_id=order_id)
    invoice = await pb.call("invoices.get_invoice", acme_client, invoice_id=order.invoice_id)
    assert (invoice.payer_id, invoice.subtotal, invoice.tax, invoice.total) == (
        acme["id"],
        "120.00",
        "9.72",
        "129.72",
    )
    assert isinstance(invoice.issued_at, datetime)
    [balance] = (await pb.call("cashback.get_cashback_balance", agency_client)).balances
    assert (balance.currency, balance.pending, balance.available) == ("CHF", "24.00", "0.00")

    events = (await pb.call("events.list_events", acme_client)).data
    [issued] = [e for e in events if isinstance(e, m.InvoiceIssuedEvent)]
    assert (issued.data.id, issued.data.total) == (invoice.id, "129.72")
    assert any(isinstance(e, m.OrderCreatedEvent) and e.data.cashback is None for e in events)

    # What a client that lost the map would send is refused, and documented as such.
    emptied = m.TierPut(name="Gold", default_rate="0.10", rates=m.TierPutRates.from_dict({}))
    refused = await pb.call("admin.put_reseller_tier", admin, code="gold", body=emptied)
    assert isinstance(refused, m.Problem)
    assert (refused.status, refused.code) == (422, "category_rates_required")


async def _organisation(
    pb: Generated, m: ModuleType, admin: Any, name: str, tier: str | None
) -> dict[str, str]:
    org = await pb.call(
        "admin.create_organization",
        admin,
        body=m.OrganizationCreate(
            name=name,
            billing_email=f"billing@{name.split()[0].lower()}.example",
            currency=m.OrganizationCreateCurrency.CHF,
            vat_rate="0.081",
            reseller_tier=tier,
        ),
    )
    key = await pb.call("admin.create_api_key", admin, org_id=org.id)
    return {"id": org.id, "key": key.key}


async def _order_twice_with_one_key(pb: Generated, m: ModuleType, client: Any, customer_id: str) -> str:
    """Place worked example A's order, then send it again with the same Idempotency-Key: the
    retry gets the first answer and charges nothing."""
    place_order = _module("api.orders.place_order")
    body = m.OrderCreate(customer_id=customer_id, sku="web-hosting-pro", quantity=1)
    first = await place_order.asyncio_detailed(client=client, body=body, idempotency_key="order-a-1")
    again = await place_order.asyncio_detailed(client=client, body=body, idempotency_key="order-a-1")
    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    order = first.parsed
    assert again.parsed.id == order.id
    assert (order.payer_id, order.public_amount, order.invoice_id) == (customer_id, "120.00", None)
    assert (order.cashback.rate, order.cashback.amount) == ("0.2", "24.00")
    assert [o.id for o in (await pb.call("orders.list_orders", client)).data] == [order.id]
    return str(order.id)
