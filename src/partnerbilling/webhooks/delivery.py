"""The delivery worker's webhook half: claim due deliveries, send them signed, record the result.

Each round claims a batch in a short transaction (``FOR UPDATE SKIP LOCKED``) and leases it by
pushing ``next_attempt_at`` past the longest the round can take, so no other worker takes it.
The requests go out concurrently outside any transaction; the results are recorded in a second
one, fenced by the lease. A worker that dies mid-round records nothing: when the lease runs out,
another worker sends the same deliveries again, with the same ``webhook-id`` (the event id).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import httpx
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import new_id, transaction, utcnow
from partnerbilling.jsonio import dumps
from partnerbilling.settings import Settings
from partnerbilling.sql import Connection
from partnerbilling.states import DeliveryStatus
from partnerbilling.visibility import event_view
from partnerbilling.webhooks import queue, service
from partnerbilling.webhooks.domain import ClaimedDelivery, DeliveryAttempt, DeliveryOutcome
from partnerbilling.webhooks.signing import signed_headers
from partnerbilling.webhooks.url_safety import UnsafeDestination, webhook_transport

log = logging.getLogger(__name__)

ATTEMPTS = Counter("partnerbilling_webhook_attempts_total", "Webhook delivery attempts.", ["outcome"])

USER_AGENT = "partnerbilling-webhooks/1.0"
_MAX_RESPONSE_BYTES = 64 * 1024
_ERROR_BODY_CHARS = 200
_ERROR_TEXT_CHARS = 1000


@dataclass(frozen=True, slots=True)
class Attempt:
    """What happened when one delivery was sent once."""

    delivery: ClaimedDelivery
    attempted_at: datetime
    finished_at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410


def lease_seconds(settings: Settings) -> float:
    """How long a claimed batch is reserved: every request of the batch may wait for a free slot
    and then take the whole timeout, plus a margin to record the results."""
    rounds = math.ceil(settings.worker_batch_size / max(settings.worker_concurrency, 1))
    return settings.webhook_timeout * (rounds + 1) + 1.0


async def deliver_due(
    engine: AsyncEngine, settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> int:
    """Send one batch of due deliveries; returns how many were claimed."""
    now = utcnow()
    async with transaction(engine) as conn:
        claimed = await queue.claim_due(
            conn, now, settings.worker_batch_size, now + timedelta(seconds=lease_seconds(settings))
        )
    if not claimed:
        return 0
    live = [d for d in claimed if d.enabled]
    async with AsyncExitStack() as stack:
        if transport is None:
            transport = await stack.enter_async_context(webhook_transport(settings))
        slots = asyncio.Semaphore(settings.worker_concurrency)
        attempts = await asyncio.gather(*(_send_bounded(transport, settings, d, slots) for d in live))
    async with transaction(engine) as conn:
        await _record(conn, settings, attempts, [d for d in claimed if not d.enabled])
    return len(claimed)


async def _send_bounded(
    transport: httpx.AsyncBaseTransport,
    settings: Settings,
    delivery: ClaimedDelivery,
    slots: asyncio.Semaphore,
) -> Attempt:
    async with slots:
        return await send(transport, settings, delivery)


def _signing_secrets(delivery: ClaimedDelivery, at: datetime) -> list[str]:
    secrets = [delivery.secret]
    expires = delivery.previous_secret_expires_at
    if delivery.previous_secret and expires is not None and expires > at:
        secrets.append(delivery.previous_secret)
    return secrets


async def send(transport: httpx.AsyncBaseTransport, settings: Settings, delivery: ClaimedDelivery) -> Attempt:
    """One signed POST of the event to the endpoint. Never raises: whatever goes wrong, from
    building and signing the request to the receiver's answer, is this delivery's failed attempt,
    recorded with the others of its batch."""
    attempted_at = utcnow()
    started = time.perf_counter()
    status_code: int | None = None
    error: str | None = None
    try:
        payload = _event_document(delivery)
        headers = signed_headers(
            _signing_secrets(delivery, attempted_at), delivery.event_id, attempted_at, payload.decode()
        )
        status_code, body = await _post(transport, settings, delivery.url, headers, payload)
        if not 200 <= status_code < 300:
            error = _status_error(status_code, body)
    except UnsafeDestination as exc:
        error = str(exc)
    except TimeoutError:
        error = f"timed out after {settings.webhook_timeout:g} s"
    except (httpx.HTTPError, OSError) as exc:
        error = _error_text(exc)
    except Exception as exc:  # never let one delivery's surprise stall its whole batch
        log.exception("webhook delivery %s failed unexpectedly", delivery.id)
        error = _error_text(exc)
    latency_ms = round((time.perf_counter() - started) * 1000)
    attempt = Attempt(delivery, attempted_at, utcnow(), status_code, latency_ms, error)
    ATTEMPTS.labels("succeeded" if attempt.succeeded else "failed").inc()
    return attempt


def _event_document(delivery: ClaimedDelivery) -> bytes:
    """The body: the event exactly as ``GET /v1/events/{id}`` shows it to the endpoint's org."""
    return dumps(event_view(delivery.event))


async def _post(
    transport: httpx.AsyncBaseTransport, settings: Settings, url: str, headers: dict[str, str], payload: bytes
) -> tuple[int, bytes]:
    """The receiver's status and (the start of) its answer, within the timeout overall."""
    if not settings.webhook_allow_private_urls and not url.startswith("https://"):
        raise UnsafeDestination("refused: webhook URLs must use https")
    request = httpx.Request(
        "POST",
        _url(url),
        headers={**headers, "user-agent": USER_AGENT},
        content=payload,
        extensions={"timeout": httpx.Timeout(settings.webhook_timeout).as_dict()},
    )
    async with asyncio.timeout(settings.webhook_timeout):
        response = await transport.handle_async_request(request)
        try:
            return response.status_code, await _read_some(response)
        finally:
            await response.aclose()


@lru_cache(maxsize=1024)
def _url(url: str) -> httpx.URL:
    return httpx.URL(url)


async def _read_some(response: httpx.Response) -> bytes:
    """Up to 64 KiB of the answer; reading it lets the connection be reused."""
    body = bytearray()
    async for chunk in response.aiter_raw():
        body += chunk
        if len(body) >= _MAX_RESPONSE_BYTES:
            break
    return bytes(body)


def _status_error(status_code: int, body: bytes) -> str:
    snippet = _storable(body[:_ERROR_BODY_CHARS].decode("utf-8", "replace").strip())
    return f"HTTP {status_code}" + (f": {snippet}" if snippet else "")


def _error_text(exc: Exception) -> str:
    return _storable(f"{type(exc).__name__}: {exc}".rstrip(": ")[:_ERROR_TEXT_CHARS])


def _storable(text: str) -> str:
    """Text PostgreSQL can keep: a NUL, which it refuses, would fail the whole batch's record."""
    return text.replace("\x00", "\ufffd")


def _result(attempt: Attempt, schedule: Sequence[int]) -> DeliveryOutcome:
    """The delivery's state after an attempt: succeeded, retried later, or failed for good."""
    count = attempt.delivery.attempt_count + 1
    status, next_at = DeliveryStatus.PENDING, attempt.finished_at
    if attempt.succeeded:
        status = DeliveryStatus.SUCCEEDED
    elif attempt.gone or count > len(schedule):
        status = DeliveryStatus.FAILED
    else:
        next_at = attempt.finished_at + timedelta(seconds=schedule[count - 1])
    return DeliveryOutcome(
        id=attempt.delivery.id,
        lease_until=attempt.delivery.lease_until,
        status=status,
        attempt_count=count,
        next_attempt_at=next_at,
        attempted_at=attempt.attempted_at,
    )


async def _record(
    conn: Connection,
    settings: Settings,
    attempts: Sequence[Attempt],
    unattempted: Sequence[ClaimedDelivery],
) -> None:
    # Endpoints before deliveries, the order in which the API locks them (disabling an endpoint
    # abandons its deliveries), so that a worker and a request never wait on each other.
    to_disable = await _track_endpoint_health(conn, settings, attempts)
    await queue.add_attempts(
        conn,
        [
            DeliveryAttempt(
                id=new_id("wha"),
                delivery_id=a.delivery.id,
                attempted_at=a.attempted_at,
                status_code=a.status_code,
                latency_ms=a.latency_ms,
                error=a.error,
            )
            for a in attempts
        ],
    )
    await queue.finish_attempts(conn, [_result(a, settings.webhook_retry_schedule) for a in attempts])
    await queue.fail_unattempted(conn, [(d.id, d.lease_until) for d in unattempted])
    for endpoint_id, reason in to_disable:
        log.warning("disabling webhook endpoint %s: %s", endpoint_id, reason)
        try:
            async with conn.begin_nested():  # one endpoint that cannot be disabled fails alone
                await service.disable_failing_endpoint(conn, endpoint_id, reason, utcnow())
        except Exception:
            log.exception(
                "webhook endpoint %s could not be disabled; tried again on its next failure", endpoint_id
            )


async def _track_endpoint_health(
    conn: Connection, settings: Settings, attempts: Sequence[Attempt]
) -> list[tuple[str, str]]:
    """Reset the failing streak on success, start it on failure; returns the endpoints to
    disable, with why: those answering 410 Gone, and those whose deliveries have failed without
    a success for ``webhook_disable_after_days``."""
    if not attempts:
        return []
    healthy = sorted({a.delivery.endpoint_id for a in attempts if a.succeeded})
    failing = sorted({a.delivery.endpoint_id for a in attempts if not a.succeeded} - set(healthy))
    gone = sorted({a.delivery.endpoint_id for a in attempts if a.gone})
    now = min(a.attempted_at for a in attempts)
    await queue.mark_healthy(conn, healthy)
    cutoff = now - timedelta(days=settings.webhook_disable_after_days)
    too_long = await queue.mark_failing(conn, failing, now, cutoff)
    days = settings.webhook_disable_after_days
    reasons = {endpoint_id: f"deliveries failed for {days} days" for endpoint_id in too_long}
    reasons |= {endpoint_id: "the endpoint answered 410 Gone" for endpoint_id in gone}
    return sorted(reasons.items())
