"""One delivery that fails in an unexpected way fails alone: the others of its batch are sent and
recorded exactly once, and the failed one is recorded with its error and retried later."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from partnerbilling.settings import Settings
from partnerbilling.webhooks import service as webhook_service
from partnerbilling.webhooks.delivery import deliver_due
from partnerbilling.webhooks.service import disable_failing_endpoint
from tests.support import Api
from tests.webhooks.flows import add_endpoint, emit_event, quick, scalar
from tests.webhooks.peers import Receiver

_ROWS = """
    SELECT json_agg(json_build_object(
        'path', substring(w.url FROM '/[a-z]+$'), 'status', d.status, 'attempts', d.attempt_count,
        'due_in', extract(epoch FROM d.next_attempt_at - now()),
        'errors', (SELECT json_agg(a.error ORDER BY a.attempted_at) FROM webhook_delivery_attempts a
                   WHERE a.delivery_id = d.id)
    ) ORDER BY w.url, d.created_at)
    FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
"""


async def _rows(db: AsyncEngine, path: str) -> list[dict[str, Any]]:
    return [row for row in await scalar(db, _ROWS) if row["path"] == path]


async def test_a_batch_with_one_delivery_that_raises_records_every_other_delivery_exactly_once(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    for path in ("/first", "/broken", "/last"):
        await add_endpoint(api, acme, receiver.url(path))
    # A secret that cannot sign, as a row written by hand or by an older version could hold.
    await scalar(
        db, "UPDATE webhook_endpoints SET secret = 'whsec_not base64!' WHERE url LIKE '%/broken' RETURNING 1"
    )
    events = [await emit_event(db, acme.id) for _ in range(2)]
    slow_retries = quick(settings, webhook_retry_schedule=(60, 60, 60))

    assert await deliver_due(db, slow_retries) == 6
    sent = Counter((r.path, r.webhook_id) for r in receiver.receipts)
    assert sent == Counter({(path, e): 1 for path in ("/first", "/last") for e in events})
    for path in ("/first", "/last"):
        assert [(r["status"], r["attempts"]) for r in await _rows(db, path)] == [("succeeded", 1)] * 2
    for row in await _rows(db, "/broken"):
        assert row["status"] == "pending" and row["attempts"] == 1
        assert 50 < row["due_in"] <= 60
        [error] = row["errors"]
        assert error.startswith("Error: Invalid base64")

    # The broken ones come due again; the others are not sent again.
    await scalar(
        db, "UPDATE webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending' RETURNING 1"
    )
    assert await deliver_due(db, slow_retries) == 2
    assert await deliver_due(db, slow_retries) == 0
    assert len(receiver.receipts) == 4
    assert [row["attempts"] for row in await _rows(db, "/broken")] == [2, 2]


async def test_an_answer_holding_a_nul_byte_is_recorded_with_the_rest_of_its_batch(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    await add_endpoint(api, acme, receiver.url("/nul"))
    await add_endpoint(api, acme, receiver.url("/fine"))
    receiver.answers["/nul"] = (500, b"bad\x00news")
    await emit_event(db, acme.id)
    fast = quick(settings)

    assert await deliver_due(db, fast) == 2
    [fine] = await _rows(db, "/fine")
    assert (fine["status"], fine["attempts"]) == ("succeeded", 1)
    [nul] = await _rows(db, "/nul")
    assert nul["attempts"] == 1 and nul["errors"] == ["HTTP 500: bad\ufffdnews"]
    assert await deliver_due(db, fast) == 1  # only the failed one, due again at once
    assert Counter(r.path for r in receiver.receipts) == Counter({"/nul": 2, "/fine": 1})


async def test_an_endpoint_with_a_long_url_is_disabled_and_told_without_holding_up_the_batch(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    long_path = "/gone" + "/" + "x" * 600 + "/gone"
    await add_endpoint(api, acme, receiver.url(long_path))
    await add_endpoint(api, acme, receiver.url("/fine"))
    receiver.answers[long_path] = (410, b"")
    await emit_event(db, acme.id)

    assert await deliver_due(db, quick(settings)) == 2
    assert await deliver_due(db, quick(settings)) == 1  # the event telling /fine of the disabling
    assert await deliver_due(db, quick(settings)) == 0
    fine = await _rows(db, "/fine")
    assert [(row["status"], row["attempts"]) for row in fine] == [("succeeded", 1)] * 2
    [gone] = await _rows(db, "/gone")
    assert (gone["status"], gone["attempts"]) == ("failed", 1)
    assert (
        await scalar(db, "SELECT bool_and(enabled) FROM webhook_endpoints WHERE url LIKE '%/gone'") is False
    )
    subject = await scalar(db, "SELECT subject FROM outbox_mails")
    assert subject.startswith("Webhook endpoint disabled: http://127.0.0.1:") and len(subject) == 300
    assert Counter(r.path for r in receiver.receipts) == Counter({long_path: 1, "/fine": 2})


async def test_an_endpoint_that_cannot_be_disabled_does_not_hold_up_the_batch(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await api.org("Acme")
    await add_endpoint(api, acme, receiver.url("/gone"))
    await add_endpoint(api, acme, receiver.url("/fine"))
    receiver.answers["/gone"] = (410, b"")
    await emit_event(db, acme.id)

    async def disable_then_fail(conn: AsyncConnection, endpoint_id: str, reason: str, at: datetime) -> None:
        await disable_failing_endpoint(conn, endpoint_id, reason, at)
        raise RuntimeError("the organisation could not be told")

    monkeypatch.setattr(webhook_service, "disable_failing_endpoint", disable_then_fail)
    assert await deliver_due(db, quick(settings)) == 2
    [fine] = await _rows(db, "/fine")
    assert (fine["status"], fine["attempts"]) == ("succeeded", 1)
    [gone] = await _rows(db, "/gone")
    assert (gone["status"], gone["attempts"], gone["errors"]) == ("failed", 1, ["HTTP 410"])
    # What the failed disabling had written is undone: the endpoint stays enabled, no mail, no event.
    assert await scalar(db, "SELECT bool_and(enabled) FROM webhook_endpoints") is True
    assert await scalar(db, "SELECT count(*) FROM outbox_mails") == 0
    assert await deliver_due(db, quick(settings)) == 0
