"""Delivering webhooks to a real receiver on 127.0.0.1: signatures, retries, 410, the log."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from partnerbilling.settings import Settings
from partnerbilling.webhooks.delivery import deliver_due
from tests.support import Api
from tests.webhooks.flows import add_endpoint, delivered_once, deliveries, emit_event, quick, scalar
from tests.webhooks.peers import Receiver


async def test_a_delivered_webhook_verifies_and_carries_the_event(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, receiver.url())
    event_id = await emit_event(db, acme.id, "invoice.paid", {"id": "inv_1", "total": "129.72"})

    assert await deliver_due(db, quick(settings)) == 1

    [receipt] = receiver.receipts
    assert receipt.path == "/hook"
    assert receipt.webhook_id == event_id
    assert receipt.verify(endpoint["secret"]) == await api.ok(acme, "GET", f"/v1/events/{event_id}")
    assert orjson.loads(receipt.body) == {
        "id": event_id,
        "type": "invoice.paid",
        "created_at": receipt.verify(endpoint["secret"])["created_at"],
        "data": {"id": "inv_1", "total": "129.72"},
    }
    assert receipt.headers["content-type"] == "application/json"
    [delivery] = await deliveries(api, acme, endpoint["id"])
    assert delivery["status"] == "succeeded"
    assert delivery["event_id"] == event_id and delivery["event_type"] == "invoice.paid"
    assert delivery["next_attempt_at"] is None
    [attempt] = delivery["attempts"]
    assert attempt["status_code"] == 200 and attempt["error"] is None and attempt["latency_ms"] >= 0


async def test_a_changed_byte_or_a_stale_timestamp_does_not_verify(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    _, endpoint, _ = await delivered_once(api, db, settings, receiver.url())
    [receipt] = receiver.receipts
    secret = endpoint["secret"]
    Webhook(secret).verify(receipt.body, receipt.headers)

    tampered = bytearray(receipt.body)
    tampered[-3] ^= 0x01
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(bytes(tampered), receipt.headers)

    stale = str(int(receipt.headers["webhook-timestamp"]) - 600)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(receipt.body, {**receipt.headers, "webhook-timestamp": stale})
    # Even correctly signed, a message ten minutes old is refused: a replay window of 5 minutes.
    old = datetime.now(UTC) - timedelta(minutes=10)
    resigned = Webhook(secret).sign(receipt.webhook_id, old, receipt.body.decode())
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(
            receipt.body,
            {
                **receipt.headers,
                "webhook-timestamp": str(int(old.timestamp())),
                "webhook-signature": resigned,
            },
        )

    with pytest.raises(WebhookVerificationError):
        Webhook(secret.replace(secret[-6:-2], "AAAA")).verify(receipt.body, receipt.headers)


async def test_a_receiver_failing_twice_gets_three_attempts_with_one_webhook_id(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, receiver.url())
    event_id = await emit_event(db, acme.id)
    receiver.statuses = [500, 503]

    for _ in range(3):
        assert await deliver_due(db, quick(settings)) == 1
    assert await deliver_due(db, quick(settings)) == 0

    assert [r.webhook_id for r in receiver.receipts] == [event_id] * 3
    for receipt in receiver.receipts:
        receipt.verify(endpoint["secret"])
    [delivery] = await deliveries(api, acme, endpoint["id"])
    assert delivery["status"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 200]
    assert delivery["attempts"][0]["error"] == "HTTP 500: ok"
    assert delivery["attempts"][2]["error"] is None
    assert all(a["latency_ms"] >= 0 and a["attempted_at"] for a in delivery["attempts"])
    refreshed = await api.ok(acme, "GET", f"/v1/webhook-endpoints/{endpoint['id']}")
    assert refreshed["failing_since"] is None and refreshed["enabled"] is True


async def test_retries_follow_the_schedule_then_give_up(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, receiver.url())
    await emit_event(db, acme.id)
    receiver.default = 500

    assert await deliver_due(db, quick(settings, webhook_retry_schedule=(60,))) == 1
    [delivery] = await deliveries(api, acme, endpoint["id"])
    assert delivery["status"] == "pending"
    due = datetime.fromisoformat(delivery["next_attempt_at"])
    last = datetime.fromisoformat(delivery["last_attempt_at"])
    assert timedelta(seconds=59) < due - last < timedelta(seconds=62)
    assert await deliver_due(db, quick(settings)) == 0  # not due yet

    await scalar(db, "UPDATE webhook_deliveries SET next_attempt_at = now() RETURNING 1")
    assert await deliver_due(db, quick(settings, webhook_retry_schedule=(60,))) == 1
    [delivery] = await deliveries(api, acme, endpoint["id"])
    assert delivery["status"] == "failed" and len(delivery["attempts"]) == 2
    assert delivery["next_attempt_at"] is None
    failing = await api.ok(acme, "GET", f"/v1/webhook-endpoints/{endpoint['id']}")
    assert failing["failing_since"] is not None and failing["enabled"] is True


async def test_unreachable_and_slow_receivers_are_recorded_as_errors(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    gone_port = await add_endpoint(api, acme, "http://127.0.0.1:9/nothing-listens-here")
    slow = await add_endpoint(api, acme, receiver.url())
    receiver.hold = asyncio.Event()
    await emit_event(db, acme.id)

    started = time.monotonic()
    assert await deliver_due(db, quick(settings, webhook_timeout=0.5)) == 2
    assert time.monotonic() - started < 5

    [refused] = (await deliveries(api, acme, gone_port["id"]))[0]["attempts"]
    assert refused["status_code"] is None and refused["error"].startswith("ConnectError")
    [timed_out] = (await deliveries(api, acme, slow["id"]))[0]["attempts"]
    assert timed_out["status_code"] is None and timed_out["error"] == "timed out after 0.5 s"


async def test_410_gone_disables_the_endpoint_and_tells_its_organisation(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, receiver.url())
    watcher = await add_endpoint(
        api, acme, receiver.url("/watcher"), event_types=["webhook_endpoint.disabled"]
    )
    await emit_event(db, acme.id)
    await emit_event(db, acme.id)
    receiver.statuses = [410]

    await deliver_due(db, quick(settings, worker_batch_size=1))

    gone = await api.ok(acme, "GET", f"/v1/webhook-endpoints/{endpoint['id']}")
    assert gone["enabled"] is False
    assert gone["disabled_reason"] == "the endpoint answered 410 Gone"
    statuses = sorted(d["status"] for d in await deliveries(api, acme, endpoint["id"]))
    assert statuses == ["failed", "failed"]  # the second was abandoned, never sent

    events = await api.ok(acme, "GET", "/v1/events", params={"type": "webhook_endpoint.disabled"})
    [notice] = events["data"]
    assert notice["data"]["id"] == endpoint["id"] and notice["data"]["enabled"] is False
    assert "secret" not in notice["data"]
    mail = await scalar(db, "SELECT to_address || ' | ' || subject FROM outbox_mails")
    assert mail == f"{acme.data['billing_email']} | Webhook endpoint disabled: {endpoint['url']}"

    while await deliver_due(db, quick(settings)):
        pass
    assert [r.path for r in receiver.receipts] == ["/hook", "/watcher"]
    assert receiver.receipts[1].verify(watcher["secret"])["type"] == "webhook_endpoint.disabled"


async def test_an_endpoint_failing_for_five_days_is_disabled_and_a_success_resets_the_streak(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, receiver.url())
    await scalar(
        db,
        "UPDATE webhook_endpoints SET failing_since = now() - interval '4 days 23 hours' RETURNING 1",
    )
    await emit_event(db, acme.id)
    await deliver_due(db, quick(settings))  # a success ends the streak
    healthy = await api.ok(acme, "GET", f"/v1/webhook-endpoints/{endpoint['id']}")
    assert healthy["failing_since"] is None

    receiver.default = 500
    await emit_event(db, acme.id)
    await deliver_due(db, quick(settings))
    assert (await api.ok(acme, "GET", f"/v1/webhook-endpoints/{endpoint['id']}"))["enabled"] is True

    await scalar(db, "UPDATE webhook_endpoints SET failing_since = now() - interval '5 days' RETURNING 1")
    await deliver_due(db, quick(settings))
    disabled = await api.ok(acme, "GET", f"/v1/webhook-endpoints/{endpoint['id']}")
    assert disabled["enabled"] is False
    assert disabled["disabled_reason"] == "deliveries failed for 5 days"
    assert await scalar(db, "SELECT count(*) FROM events WHERE type = 'webhook_endpoint.disabled'") == 1
    assert await scalar(db, "SELECT count(*) FROM outbox_mails") == 1

    enabled = await api.ok(acme, "PATCH", f"/v1/webhook-endpoints/{endpoint['id']}", json={"enabled": True})
    assert enabled["enabled"] is True
    assert enabled["disabled_reason"] is None and enabled["failing_since"] is None


async def test_endpoints_receive_only_their_event_types_and_only_while_enabled(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    await add_endpoint(api, acme, receiver.url("/paid"), event_types=["invoice.paid"])
    await add_endpoint(api, acme, receiver.url("/off"), enabled=False)
    await emit_event(db, acme.id, "invoice.issued")
    await emit_event(db, acme.id, "invoice.paid")
    await deliver_due(db, quick(settings))
    [receipt] = receiver.receipts
    assert receipt.path == "/paid" and orjson.loads(receipt.body)["type"] == "invoice.paid"


async def test_during_a_rotation_both_secrets_verify_for_24_hours(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, receiver.url())
    rotated = await api.ok(acme, "POST", f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")
    assert rotated["secret"] != endpoint["secret"] and rotated["secret"].startswith("whsec_")
    await emit_event(db, acme.id)
    await deliver_due(db, quick(settings))

    [receipt] = receiver.receipts
    assert len(receipt.headers["webhook-signature"].split(" ")) == 2
    assert receipt.verify(rotated["secret"]) == receipt.verify(endpoint["secret"])

    await scalar(
        db,
        "UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' RETURNING 1",
    )
    await emit_event(db, acme.id)
    await deliver_due(db, quick(settings))
    latest = receiver.receipts[1]
    assert len(latest.headers["webhook-signature"].split(" ")) == 1
    latest.verify(rotated["secret"])
    with pytest.raises(WebhookVerificationError):
        latest.verify(endpoint["secret"])


async def test_redelivering_sends_the_same_event_again_with_the_same_webhook_id(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme, endpoint, event_id = await delivered_once(api, db, settings, receiver.url())
    [delivery] = await deliveries(api, acme, endpoint["id"])

    response = await api.call(
        acme, "POST", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries/{delivery['id']}/redeliver"
    )
    assert response.status_code == 202
    assert response.json()["status"] == "pending" and len(response.json()["attempts"]) == 1
    await deliver_due(db, quick(settings))
    assert [r.webhook_id for r in receiver.receipts] == [event_id, event_id]
    [delivery] = await deliveries(api, acme, endpoint["id"])
    assert delivery["status"] == "succeeded" and len(delivery["attempts"]) == 2


async def test_redelivering_an_event_reaches_endpoints_created_after_it(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    event_id = await emit_event(db, acme.id, "invoice.issued")
    late = await add_endpoint(api, acme, receiver.url("/late"))
    await add_endpoint(api, acme, receiver.url("/other"), event_types=["order.created"])

    response = await api.call(acme, "POST", f"/v1/events/{event_id}/redeliver")
    assert response.status_code == 202
    [scheduled] = response.json()["data"]
    assert scheduled["endpoint_id"] == late["id"] and scheduled["status"] == "pending"
    await deliver_due(db, quick(settings))
    [receipt] = receiver.receipts
    assert receipt.path == "/late" and receipt.verify(late["secret"])["id"] == event_id


async def test_redelivering_to_a_disabled_endpoint_is_refused(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme, endpoint, _ = await delivered_once(api, db, settings, receiver.url())
    [delivery] = await deliveries(api, acme, endpoint["id"])
    await api.ok(acme, "PATCH", f"/v1/webhook-endpoints/{endpoint['id']}", json={"enabled": False})
    response = await api.call(
        acme, "POST", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries/{delivery['id']}/redeliver"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "webhook_endpoint_disabled"


async def test_disabling_an_endpoint_abandons_its_pending_deliveries(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, receiver.url())
    await emit_event(db, acme.id)
    await api.ok(acme, "PATCH", f"/v1/webhook-endpoints/{endpoint['id']}", json={"enabled": False})
    assert await deliver_due(db, quick(settings)) == 0
    assert receiver.receipts == []
    [delivery] = await deliveries(api, acme, endpoint["id"])
    assert delivery["status"] == "failed" and delivery["attempts"] == []
