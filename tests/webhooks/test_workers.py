"""Workers that die, and workers that compete: nothing is lost, nothing is sent twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.db import transaction, utcnow
from partnerbilling.events.schemas import EventType
from partnerbilling.events.service import emit_many
from partnerbilling.settings import Settings
from partnerbilling.webhooks.delivery import deliver_due, lease_seconds
from partnerbilling.worker import run_worker
from tests.support import Api
from tests.webhooks.flows import add_endpoint, deliveries, emit_event, quick, scalar
from tests.webhooks.peers import Receiver


async def test_a_worker_killed_mid_delivery_loses_nothing(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, receiver.url())
    event_id = await emit_event(db, acme.id)
    fast = quick(settings, webhook_timeout=1.0, worker_batch_size=1, worker_concurrency=1)
    receiver.hold = asyncio.Event()

    doomed = asyncio.create_task(deliver_due(db, fast))
    await receiver.wait_for(1)
    doomed.cancel()  # the worker dies while the receiver has not answered
    await asyncio.gather(doomed, return_exceptions=True)
    receiver.hold = None

    assert await deliver_due(db, fast) == 0  # still leased to the dead worker
    await asyncio.sleep(lease_seconds(fast) + 0.2)
    assert await deliver_due(db, fast) == 1

    assert [r.webhook_id for r in receiver.receipts] == [event_id, event_id]
    receiver.receipts[1].verify(endpoint["secret"])
    [delivery] = await deliveries(api, acme, endpoint["id"])
    assert delivery["status"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempts"]] == [200]


def _numbered(n: int) -> Callable[[str], dict[str, Any]]:
    return lambda _: {"n": n}


async def test_two_workers_never_deliver_the_same_attempt_twice(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    first = await add_endpoint(api, acme, receiver.url("/first"))
    second = await add_endpoint(api, acme, receiver.url("/second"))
    async with transaction(db) as conn:
        await emit_many(
            conn, [(EventType.ORDER_CREATED, [acme.id], _numbered(i)) for i in range(150)], utcnow()
        )
    fast = quick(settings, worker_batch_size=20, worker_concurrency=8)

    async def drain() -> int:
        total = 0
        while claimed := await deliver_due(db, fast):
            total += claimed
        return total

    handled = await asyncio.gather(drain(), drain())

    assert sum(handled) == 300 and all(handled)  # both took part
    per_endpoint = Counter((r.path, r.webhook_id) for r in receiver.receipts)
    assert len(per_endpoint) == 300 and set(per_endpoint.values()) == {1}
    for endpoint in (first, second):
        attempts = await scalar(
            db,
            "SELECT count(*) FROM webhook_delivery_attempts a"
            " JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = :e",
            e=endpoint["id"],
        )
        assert attempts == 150
    assert await scalar(db, "SELECT count(*) FROM webhook_deliveries WHERE status <> 'succeeded'") == 0


async def test_run_worker_delivers_until_stopped_and_purges_expired_idempotency_records(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    await add_endpoint(api, acme, receiver.url())
    await scalar(
        db,
        "INSERT INTO idempotency_records (caller, key, request_hash, response_status, response_body,"
        " response_headers, created_at) VALUES ('platform', 'old', 'h', 201, '', '{}',"
        " now() - interval '25 hours') RETURNING 1",
    )
    stop = asyncio.Event()
    fast = quick(settings, worker_poll_interval=0.05)
    workers = [asyncio.create_task(run_worker(db, fast, stop)) for _ in range(2)]
    try:
        for _ in range(5):
            await emit_event(db, acme.id)
        await receiver.wait_for(5)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*workers), 5)
    assert len(receiver.ids()) == 5 and set(receiver.ids().values()) == {1}
    assert await scalar(db, "SELECT count(*) FROM idempotency_records") == 0  # expired, purged


async def test_the_worker_command_stops_on_sigterm(settings: Settings, db: AsyncEngine) -> None:
    assert settings.database_url
    env = {**os.environ, "PARTNERBILLING_DATABASE_URL": settings.database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "partnerbilling.cli",
        "worker",
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        async with asyncio.timeout(30):
            while b"delivery worker started" not in await process.stderr.readline():
                pass
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(10):
            output = await process.stderr.read()
            assert await process.wait() == 0
    finally:
        if process.returncode is None:
            process.kill()
    assert b"delivery worker stopped" in output


async def test_the_application_runs_a_worker_when_asked(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    """`partnerbilling serve` without --no-worker: the worker lives and dies with the app."""
    acme = await api.org("Acme")
    await add_endpoint(api, acme, receiver.url())
    app = create_app(quick(settings, worker_poll_interval=0.05), engine=db, run_worker=True)
    async with app.router.lifespan_context(app):
        await emit_event(db, acme.id)
        await receiver.wait_for(1)
    await emit_event(db, acme.id)
    await asyncio.sleep(0.3)
    assert len(receiver.receipts) == 1  # stopped with the application
