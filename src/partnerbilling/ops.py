"""The outer ASGI layer: request ids, metrics, the body size limit, and the last-resort guard
that turns any unexpected exception into a problem document (503 for the database, else 500)."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
import uuid
from typing import Any

import asyncpg
from prometheus_client import Counter, Histogram
from sqlalchemy import exc as sa_exc
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerbilling.errors import PROBLEM_JSON, problem
from partnerbilling.jsonio import dumps

log = logging.getLogger("partnerbilling.http")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REQUESTS = Counter("partnerbilling_http_requests_total", "HTTP requests.", ["method", "route", "status"])
LATENCY = Histogram(
    "partnerbilling_http_request_duration_seconds",
    "HTTP request latency.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57P")
_TIMEOUT_SQLSTATES = ("57014", "55P03")  # statement timeout / lock not available


_counters: dict[tuple[str, str, int], Any] = {}
_histograms: dict[tuple[str, str], Any] = {}


def _observe(method: str, route: str, status: int, seconds: float) -> None:
    """Count a request and its latency; label children are looked up once per label set."""
    counter = _counters.get((method, route, status))
    if counter is None:
        counter = _counters[(method, route, status)] = REQUESTS.labels(method, route, str(status))
    histogram = _histograms.get((method, route))
    if histogram is None:
        histogram = _histograms[(method, route)] = LATENCY.labels(method, route)
    counter.inc()
    histogram.observe(seconds)


class BodyTooLarge(Exception):
    pass


def classify_exception(exc: BaseException) -> tuple[int, str, str]:
    """``(status, code, detail)`` for an exception no handler took."""
    if isinstance(exc, BodyTooLarge):
        return 413, "payload_too_large", "The request body is larger than the limit of 1 MiB."
    sqlstate = _sqlstate(exc)
    if sqlstate in _TIMEOUT_SQLSTATES or isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return 503, "timeout", "The database did not answer in time; retry the request."
    if isinstance(exc, sa_exc.TimeoutError):
        return 503, "service_unavailable", "No database connection was free in time; retry."
    if (
        any(isinstance(e, _CONNECTION_ERRORS) for e in _chain(exc))
        or (isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated)
        or (sqlstate or "").startswith(_UNAVAILABLE_SQLSTATE_CLASSES)
    ):
        return 503, "service_unavailable", "The database is unreachable; retry the request."
    if sqlstate in ("40001", "40P01"):
        return 503, "conflict_retry", "The request collided with another one; retry it."
    if sqlstate is not None and sqlstate.startswith("22"):
        # A data exception: a value the database cannot store, such as a NUL character in a
        # path, query or body string that no schema rule caught. Bad input, never a 500.
        return 422, "validation_error", "The request contains a value that cannot be stored."
    return 500, "internal_error", "An unexpected error occurred; it has been logged."


# The connection is gone or unusable. The precompiled statements (partnerbilling.sql) raise
# the driver's own errors, SQLAlchemy wraps them.
_CONNECTION_ERRORS = (
    OSError,
    ConnectionError,
    sa_exc.InterfaceError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,  # a connection left busy by a cancelled statement
)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it wraps (SQLAlchemy's ``orig``, then causes)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = getattr(current, "orig", None) or current.__cause__
    return chain


def _sqlstate(exc: BaseException) -> str | None:
    for current in _chain(exc):
        for attr in ("sqlstate", "pgcode"):
            value = getattr(current, attr, None)
            if isinstance(value, str):
                return value
    return None


class OperationsMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            length = _content_length(scope)
            if length is not None and length > self.max_body_bytes:
                raise BodyTooLarge()
            await self.app(scope, self._limited(receive), send_with_id)
        except Exception as exc:
            status, code, detail = classify_exception(exc)
            if status == 500:
                log.exception("unhandled error (request %s)", request_id)
            else:
                log.warning("request %s answered %s %s: %r", request_id, status, code, exc)
            if not response_started:
                await _send_problem(send_with_id, status, code, detail, request_id)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            _observe(scope["method"], template, status, time.perf_counter() - started)
            request_id_var.reset(token)

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise BodyTooLarge()
            return message

        return limited_receive


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id" and 0 < len(value) <= 100:
            return str(value.decode("latin-1"))
    return uuid.uuid4().hex


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_problem(send: Send, status: int, code: str, detail: str, request_id: str) -> None:
    body = dumps(problem(status, code, detail, request_id=request_id))
    headers: list[Any] = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 503:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
