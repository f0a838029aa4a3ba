"""The operations middleware around one request: a client that leaves mid-body, the request id
it may send, and the access log line."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any
from urllib.parse import unquote

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerbilling.app import create_app
from partnerbilling.ops import OperationsMiddleware
from partnerbilling.settings import Settings
from tests.support import ADMIN_TOKEN


def _requests_total(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("partnerbilling_http_requests_total", labels) or 0.0


def _scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }


async def _call(
    app: ASGIApp, method: str, path: str, headers: list[tuple[bytes, bytes]], messages: list[Message]
) -> list[Message]:
    """A raw ASGI call whose client sends ``messages`` (the last one again and again); returns
    whatever the application sent back."""
    pending = list(messages)

    async def receive() -> Message:
        return pending.pop(0) if len(pending) > 1 else pending[0]

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(_scope(method, path, headers), receive, send)
    return sent


async def _call_and_leave(app: ASGIApp, path: str, headers: list[tuple[bytes, bytes]]) -> list[Message]:
    """A POST whose client sends half its announced body, then disconnects."""
    body = b'{"name": "Acme", "billing_email": "billing@acme.example", "currency": "CHF"}'
    headers = [
        (b"authorization", f"Bearer {ADMIN_TOKEN}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *headers,
    ]
    messages: list[Message] = [
        {"type": "http.request", "body": body[:20], "more_body": True},
        {"type": "http.disconnect"},
    ]
    return await _call(app, "POST", path, headers, messages)


@pytest.mark.parametrize(
    "headers",
    [[], [(b"idempotency-key", b"leave-1")]],
    ids=["plain", "with-idempotency-key"],
)
async def test_a_client_that_disconnects_mid_body_is_counted_as_499_without_a_traceback(
    db: AsyncEngine, settings: Settings, caplog: pytest.LogCaptureFixture, headers: list[tuple[bytes, bytes]]
) -> None:
    app = create_app(settings, engine=db)
    route = "/v1/admin/organizations"
    before = {status: _requests_total("POST", route, status) for status in ("400", "499", "500")}
    with caplog.at_level(logging.INFO):
        sent = await _call_and_leave(app, route, headers)

    assert sent == []  # nobody is listening any more
    after = {status: _requests_total("POST", route, status) for status in ("400", "499", "500")}
    assert after["499"] - before["499"] == 1
    assert after["500"] == before["500"]
    assert after["400"] == before["400"]
    assert not [r for r in caplog.records if r.exc_info or "unhandled" in r.getMessage()]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "disconnect" in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]


async def test_a_disconnect_the_application_takes_quietly_is_counted_as_499(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An application that sees ``http.disconnect`` and returns without answering."""

    async def listens_until_the_client_leaves(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    app = OperationsMiddleware(listens_until_the_client_leaves, max_body_bytes=1024)
    before = _requests_total("GET", "<unmatched>", "499")
    messages: list[Message] = [
        {"type": "http.request", "body": b"", "more_body": True},
        {"type": "http.disconnect"},
    ]
    with caplog.at_level(logging.INFO):
        assert await _call(app, "GET", "/events", [], messages) == []
    assert _requests_total("GET", "<unmatched>", "499") - before == 1
    assert not [r for r in caplog.records if r.exc_info]


# --- the request id ----------------------------------------------------------------------------

_GET: list[Message] = [{"type": "http.request", "body": b"", "more_body": False}]


async def _request_id_of(app: ASGIApp, sent_id: bytes, caplog: pytest.LogCaptureFixture) -> tuple[str, str]:
    """The id the response carries and the one the access log line names, for a request that
    sent ``sent_id`` as its X-Request-Id."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="partnerbilling.access"):
        sent = await _call(app, "GET", "/healthz", [(b"x-request-id", sent_id)], _GET)
    headers = dict(sent[0]["headers"])
    [line] = [r.getMessage() for r in caplog.records if r.name == "partnerbilling.access"]
    logged = re.fullmatch(r"GET /healthz 200 \d+\.\dms request_id=(\S+)", line)
    assert logged, line
    return headers[b"x-request-id"].decode("latin-1"), logged.group(1)


async def test_a_plain_client_request_id_is_kept(
    db: AsyncEngine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, engine=db)
    for sent_id in (b"abc-123", b"req_01.J:2", b"x" * 100):
        assert await _request_id_of(app, sent_id, caplog) == (sent_id.decode(), sent_id.decode())


@pytest.mark.parametrize(
    "sent_id",
    [b"abc\r\nX-Admin: yes", b"abc\ninjected", b'"quoted"', b"with space", "café".encode(), b"x" * 101, b""],
    ids=["crlf", "lf", "quotes", "space", "non-ascii", "too-long", "empty"],
)
async def test_an_unsafe_client_request_id_is_replaced_by_a_generated_one(
    db: AsyncEngine, settings: Settings, caplog: pytest.LogCaptureFixture, sent_id: bytes
) -> None:
    app = create_app(settings, engine=db)
    answered, logged = await _request_id_of(app, sent_id, caplog)
    assert answered == logged
    assert uuid.UUID(hex=answered).hex == answered  # one of ours


async def test_every_request_gets_one_access_log_line_with_method_route_status_and_duration(
    db: AsyncEngine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, engine=db)
    admin = (b"authorization", f"Bearer {ADMIN_TOKEN}".encode())
    with caplog.at_level(logging.INFO, logger="partnerbilling.access"):
        await _call(
            app, "GET", "/v1/admin/organizations/org_secret1", [admin, (b"x-request-id", b"r-1")], _GET
        )
        await _call(app, "GET", "/no/such%0d%0aroute/pb_secret2", [(b"x-request-id", b"r-2")], _GET)
        await _call(app, "GET", "/healthz", [(b"x-request-id", b"r-3")], _GET)
    lines = [r.getMessage() for r in caplog.records if r.name == "partnerbilling.access"]
    assert len(lines) == 3, lines
    # The route template, never the path: it may carry anything, a pasted API key included.
    assert re.fullmatch(r"GET /v1/admin/organizations/\{org_id\} 404 \d+\.\dms request_id=r-1", lines[0])
    assert re.fullmatch(r"GET <unmatched> 404 \d+\.\dms request_id=r-2", lines[1]), lines
    assert re.fullmatch(r"GET /healthz 200 \d+\.\dms request_id=r-3", lines[2]), lines
