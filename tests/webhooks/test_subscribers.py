"""One statement decides which endpoints subscribe to an event and makes the deliveries' ids:
the fan-out of a new event and its redelivery reach the same endpoints."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.events.schemas import EventType
from tests.support import Api
from tests.webhooks.flows import add_endpoint, emit_event
from tests.webhooks.peers import Receiver

DELIVERY_ID = re.compile(r"^whd_[0-9a-f]{32}$")


async def _deliveries_of(db: AsyncEngine, event_id: str) -> dict[str, str]:
    async with db.connect() as conn:
        rows = await conn.execute(
            text("SELECT endpoint_id, id FROM webhook_deliveries WHERE event_id = :e"), {"e": event_id}
        )
        return {row.endpoint_id: row.id for row in rows}


async def test_fan_out_and_redelivery_reach_the_same_endpoints(
    api: Api, db: AsyncEngine, receiver: Receiver
) -> None:
    acme, other = await api.org("Acme"), await api.org("Other")
    every = await add_endpoint(api, acme, receiver.url("/every"))
    paid = await add_endpoint(api, acme, receiver.url("/paid"), event_types=[EventType.INVOICE_PAID])
    await add_endpoint(api, acme, receiver.url("/orders"), event_types=[EventType.ORDER_CREATED])
    await add_endpoint(api, acme, receiver.url("/off"), enabled=False)
    await add_endpoint(api, other, receiver.url("/other"))

    event_id = await emit_event(db, acme.id, EventType.INVOICE_PAID)
    fanned_out = await _deliveries_of(db, event_id)
    assert set(fanned_out) == {every["id"], paid["id"]}
    assert all(DELIVERY_ID.match(delivery_id) for delivery_id in fanned_out.values())

    late = await add_endpoint(api, acme, receiver.url("/late"), event_types=[EventType.INVOICE_PAID])
    response = await api.call(acme, "POST", f"/v1/events/{event_id}/redeliver")
    assert response.status_code == 202
    scheduled = {d["endpoint_id"]: d["id"] for d in response.json()["data"]}
    assert set(scheduled) == {every["id"], paid["id"], late["id"]}
    # The deliveries that existed are started over (same ids); the new one has an id of the same kind.
    assert {k: v for k, v in scheduled.items() if k != late["id"]} == fanned_out
    assert DELIVERY_ID.match(scheduled[late["id"]])
    assert await _deliveries_of(db, event_id) == scheduled
