"""Need to know through the outbox: a stranger and the non-payer never receive an invoice or a
cashback event, neither in their event log nor through their webhooks."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.settings import Settings
from partnerbilling.webhooks.delivery import deliver_due
from tests.support import Api, Org, World, build_world
from tests.webhooks.flows import add_endpoint, quick
from tests.webhooks.peers import Receiver


async def _watch(api: Api, receiver: Receiver, *orgs: Org) -> dict[str, str]:
    """A catch-all endpoint per organisation, at /<org id>; returns each one's secret."""
    secrets = {}
    for org in orgs:
        endpoint = await add_endpoint(api, org, receiver.url(f"/{org.id}"))
        secrets[org.id] = endpoint["secret"]
    return secrets


async def _order_paid_and_credited(w: World, placed_by: Org) -> dict[str, Any]:
    order = await w.api.order(placed_by, w.acme, "web-hosting-pro")
    payer = w.acme if order["payer_id"] == w.acme.id else w.agency
    invoice_id = (await w.api.ok(payer, "GET", f"/v1/orders/{order['id']}"))["invoice_id"]
    await w.api.ok(None, "POST", f"/v1/admin/invoices/{invoice_id}/pay")
    await w.api.ok(None, "POST", f"/v1/admin/invoices/{invoice_id}/credit-note", json={"reason": "test"})
    return order


async def _received(
    db: AsyncEngine, settings: Settings, receiver: Receiver, secrets: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Deliver everything; each organisation's verified webhook bodies, oldest first."""
    while await deliver_due(db, quick(settings)):
        pass
    bodies: dict[str, list[dict[str, Any]]] = {org_id: [] for org_id in secrets}
    for receipt in receiver.receipts:
        org_id = receipt.path.strip("/")
        bodies[org_id].append(receipt.verify(secrets[org_id]))
    return bodies


async def _log(api: Api, org: Org) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = (await api.ok(org, "GET", "/v1/events", params={"limit": 100}))["data"]
    return events[::-1]


def _same_story(received: list[dict[str, Any]], log: list[dict[str, Any]]) -> None:
    """Every event of the log since the endpoints were registered came through the webhook, in
    the same form (webhooks promise no order, so compare by id)."""
    since_watching = [e for e in log if not e["type"].startswith("partnership.")]
    assert sorted(received, key=lambda e: e["id"]) == sorted(since_watching, key=lambda e: e["id"])


def _types(events: list[dict[str, Any]]) -> set[str]:
    return {e["type"] for e in events}


@pytest.mark.parametrize("placed_by", ["agency", "acme"])
async def test_customer_mode_the_partner_never_sees_the_invoice_nor_the_customer_the_cashback(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver, placed_by: str
) -> None:
    w = await build_world(api, billing_mode="customer")
    secrets = await _watch(api, receiver, w.acme, w.agency, w.stranger)
    order = await _order_paid_and_credited(w, w.agency if placed_by == "agency" else w.acme)
    assert order["payer_id"] == w.acme.id

    received = await _received(db, settings, receiver, secrets)
    for org, invisible in (
        (w.acme, {"cashback.credited", "cashback.available", "cashback.reversed"}),
        (w.agency, {"invoice.issued", "invoice.paid", "invoice.credited"}),
    ):
        log = await _log(api, org)
        _same_story(received[org.id], log)
        assert not _types(log) & invisible
    assert {"invoice.issued", "invoice.paid", "invoice.credited"} <= _types(received[w.acme.id])
    assert {"cashback.credited", "cashback.available", "cashback.reversed"} <= _types(received[w.agency.id])
    assert received[w.stranger.id] == [] and await _log(api, w.stranger) == []

    [acme_order] = [e["data"] for e in received[w.acme.id] if e["type"] == "order.created"]
    [agency_order] = [e["data"] for e in received[w.agency.id] if e["type"] == "order.created"]
    assert acme_order["cashback"] is None and acme_order["invoice_id"] is not None
    assert agency_order["invoice_id"] is None and agency_order["net_amount"] is None
    assert agency_order["cashback"]["amount"] == "24.00"


async def test_partner_mode_the_customer_never_sees_the_partners_invoice(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    w = await build_world(api, billing_mode="partner")
    secrets = await _watch(api, receiver, w.acme, w.agency, w.stranger)
    order = await _order_paid_and_credited(w, w.agency)
    assert order["payer_id"] == w.agency.id

    received = await _received(db, settings, receiver, secrets)
    acme_log, agency_log = await _log(api, w.acme), await _log(api, w.agency)
    _same_story(received[w.acme.id], acme_log)
    _same_story(received[w.agency.id], agency_log)
    assert not any(t.startswith(("invoice.", "cashback.")) for t in _types(acme_log))
    assert {"invoice.issued", "invoice.paid", "invoice.credited"} <= _types(agency_log)
    [acme_order] = [e["data"] for e in acme_log if e["type"] == "order.created"]
    assert acme_order["discount"] is None and acme_order["invoice_id"] is None
    assert received[w.stranger.id] == [] and await _log(api, w.stranger) == []
    # Nothing in any body mentions the stranger, nor leaks the partner's price to the customer.
    for receipt in receiver.receipts:
        assert w.stranger.id.encode() not in receipt.body or receipt.path == f"/{w.stranger.id}"
    assert b"96.00" not in b"".join(orjson.dumps(e) for e in acme_log)
