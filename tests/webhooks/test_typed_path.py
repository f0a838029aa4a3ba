"""The webhook worker's data path: typed rows from the repositories, and a round that runs only
statements compiled at import (no SQLAlchemy execution, no statement built per call)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.events import repository as event_log
from partnerbilling.events.domain import Event
from partnerbilling.settings import Settings
from partnerbilling.visibility import event_view
from partnerbilling.webhooks import queue
from partnerbilling.webhooks import repository as webhooks
from partnerbilling.webhooks.delivery import deliver_due
from partnerbilling.webhooks.domain import ClaimedDelivery, Delivery, Endpoint
from tests.precompiled import only_precompiled
from tests.support import Api
from tests.webhooks.flows import add_endpoint, emit_event, quick, scalar
from tests.webhooks.peers import Receiver


async def test_a_worker_round_runs_only_precompiled_statements(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await api.org("Acme")
    await add_endpoint(api, acme, receiver.url())
    await emit_event(db, acme.id)
    receiver.statuses = [500]  # a failure (its endpoint starts failing), then a success
    fast = quick(settings)

    with only_precompiled(db, monkeypatch) as seen:
        assert await deliver_due(db, fast) == 1
        assert await deliver_due(db, fast) == 1

    assert seen == []
    assert len(receiver.receipts) == 2
    assert await scalar(db, "SELECT status FROM webhook_deliveries") == "succeeded"
    assert await scalar(db, "SELECT failing_since IS NULL FROM webhook_endpoints") is True


async def test_the_claimed_delivery_carries_the_event_as_the_log_has_it(
    api: Api, db: AsyncEngine, receiver: Receiver, settings: Settings
) -> None:
    acme = await api.org("Acme")
    created = await add_endpoint(api, acme, receiver.url(), description="Books")
    event_id = await emit_event(db, acme.id, data={"id": "inv_1", "total": "12.50"})

    async with transaction(db) as conn:
        endpoint = await webhooks.get_endpoint(conn, acme.id, created["id"])
        logged = await event_log.get_for_org(conn, acme.id, event_id)
        now = utcnow()
        claimed = await queue.claim_due(conn, now, 10, now)

    assert isinstance(endpoint, Endpoint)
    assert logged is not None
    assert (endpoint.url, endpoint.description, endpoint.secret) == (
        receiver.url(),
        "Books",
        created["secret"],
    )
    assert logged == Event(
        event_id, acme.id, "invoice.paid", {"id": "inv_1", "total": "12.50"}, logged.created_at
    )
    assert [type(c) for c in claimed] == [ClaimedDelivery]
    assert claimed[0].event == logged
    assert (claimed[0].endpoint_id, claimed[0].secret) == (endpoint.id, endpoint.secret)

    await deliver_due(db, quick(settings))
    assert json.loads(receiver.receipts[0].body) == event_view(logged)
    async with transaction(db) as conn:
        (delivery,) = await webhooks.get_deliveries(conn, [claimed[0].id])
        attempts = await webhooks.attempts_of(conn, [delivery.id])
    assert isinstance(delivery, Delivery)
    assert (delivery.event_type, delivery.status, delivery.attempt_count) == ("invoice.paid", "succeeded", 1)
    assert [(a.delivery_id, a.status_code) for a in attempts[delivery.id]] == [(delivery.id, 200)]
