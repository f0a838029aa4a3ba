"""The event log: each organisation reads its own rows only; an event exists only if committed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.events.schemas import EventType
from partnerbilling.events.service import emit
from partnerbilling.settings import Settings
from partnerbilling.webhooks.delivery import deliver_due
from tests.support import Api
from tests.webhooks.flows import add_endpoint, emit_event, quick, scalar
from tests.webhooks.peers import Receiver


async def test_an_organisation_lists_and_reads_only_its_own_events(api: Api, db: AsyncEngine) -> None:
    acme = await api.org("Acme")
    agency = await api.org("WebAgency")
    own = [await emit_event(db, acme.id, t) for t in ("order.created", "invoice.issued", "invoice.paid")]
    theirs = await emit_event(db, agency.id, "cashback.credited", {"amount": "24.00"})

    listed = await api.ok(acme, "GET", "/v1/events")
    assert [e["id"] for e in listed["data"]] == own[::-1]
    assert listed["next_cursor"] is None
    assert set(listed["data"][0]) == {"id", "type", "created_at", "data"}
    assert listed["data"][0]["created_at"].endswith("Z")
    one = await api.ok(acme, "GET", f"/v1/events/{own[0]}")
    assert one == listed["data"][-1]

    response = await api.call(acme, "GET", f"/v1/events/{theirs}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert [e["id"] for e in (await api.ok(agency, "GET", "/v1/events"))["data"]] == [theirs]
    assert (await api.call(acme, "GET", "/v1/events/evt_does_not_exist")).status_code == 404


async def test_events_are_filtered_by_type_and_paginated(api: Api, db: AsyncEngine) -> None:
    acme = await api.org("Acme")
    paid = [await emit_event(db, acme.id, "invoice.paid") for _ in range(3)]
    await emit_event(db, acme.id, "invoice.issued")

    first = await api.ok(acme, "GET", "/v1/events", params={"type": "invoice.paid", "limit": 2})
    second = await api.ok(
        acme, "GET", "/v1/events", params={"type": "invoice.paid", "limit": 2, "cursor": first["next_cursor"]}
    )
    assert [e["id"] for e in first["data"] + second["data"]] == paid[::-1]
    assert second["next_cursor"] is None
    response = await api.call(acme, "GET", "/v1/events", params={"type": "invoice.lost"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


async def test_a_rolled_back_transaction_emits_nothing(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    await add_endpoint(api, acme, receiver.url())

    class Refused(Exception):
        pass

    with pytest.raises(Refused):
        async with transaction(db) as conn:
            await emit(conn, EventType.INVOICE_ISSUED, [acme.id], lambda _: {"id": "inv_1"}, utcnow())
            inside = await conn.scalar(text("SELECT count(*) FROM webhook_deliveries"))
            assert inside == 1  # the outbox row exists inside the transaction...
            raise Refused

    assert await scalar(db, "SELECT count(*) FROM events") == 0  # ...and not after it
    assert await scalar(db, "SELECT count(*) FROM webhook_deliveries") == 0
    assert await deliver_due(db, quick(settings)) == 0
    assert receiver.receipts == []
    assert (await api.ok(acme, "GET", "/v1/events"))["data"] == []


async def test_events_go_only_to_recipients_that_may_see_them(api: Api, db: AsyncEngine) -> None:
    acme = await api.org("Acme")
    agency = await api.org("WebAgency")
    async with transaction(db) as conn:
        await emit(
            conn,
            EventType.ORDER_CREATED,
            [acme.id, agency.id, None, acme.id],
            lambda viewer: {"viewer": viewer} if viewer == acme.id else None,
            utcnow(),
        )
    [event] = (await api.ok(acme, "GET", "/v1/events"))["data"]
    assert event["data"] == {"viewer": acme.id}  # once, in the recipient's own view
    assert (await api.ok(agency, "GET", "/v1/events"))["data"] == []
