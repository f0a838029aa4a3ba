"""The outer ASGI layer: request ids, metrics, the access log, the body size limit, and the
last-resort guard that turns any unexpected exception into a problem document (503 for the
database, else 500)."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Mapping

from prometheus_client import Counter, Histogram
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerbilling.errors import PROBLEM_JSON, problem
from partnerbilling.failures import BodyTooLarge, classify_exception, exception_chain
from partnerbilling.jsonio import dumps

log = logging.getLogger("partnerbilling.http")
access_log = logging.getLogger("partnerbilling.access")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REQUESTS = Counter("partnerbilling_http_requests_total", "HTTP requests.", ["method", "route", "status"])
LATENCY = Histogram(
    "partnerbilling_http_request_duration_seconds",
    "HTTP request latency.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

# nginx's label for "the client closed the connection before the response": the client's failure.
CLIENT_CLOSED_REQUEST = 499

_counters: dict[tuple[str, str, int], Counter] = {}
_histograms: dict[tuple[str, str], Histogram] = {}


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


class OperationsMiddleware:
    """``larger``: paths whose bodies may exceed ``max_body_bytes``, with their own limit."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, larger: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = request_id_var.set(request_id)
        # For the routes (``request.state.request_id``: the audit trail), which do not import this.
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        exchange = _Exchange(request_id, send)
        try:
            limit = self.larger.get(scope["path"], self.max_body_bytes)
            length = _content_length(scope)
            if length is not None and length > limit:
                raise BodyTooLarge()
            await self.app(scope, self._watched(receive, exchange, limit), exchange.send)
            if exchange.client_left and not exchange.response_started:
                exchange.status = CLIENT_CLOSED_REQUEST
        except Exception as exc:
            await self._answer_failure(exc, exchange)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            seconds = time.perf_counter() - started
            _observe(scope["method"], template, exchange.status, seconds)
            # The route template, as in the metrics: a path carries whatever a client put in it,
            # an API key pasted in the wrong place included.
            access_log.info(
                "%s %s %s %.1fms request_id=%s",
                scope["method"],
                template,
                exchange.status,
                seconds * 1000,
                request_id,
            )
            request_id_var.reset(token)

    async def _answer_failure(self, exc: Exception, exchange: _Exchange) -> None:
        """The last resort: a problem document for an exception no handler took, unless the
        client has gone (then the request is the client's failure, not the service's)."""
        request_id = exchange.request_id
        if any(isinstance(e, ClientDisconnect) for e in exception_chain(exc)):
            exchange.status = CLIENT_CLOSED_REQUEST
            log.warning("request %s: the client disconnected before the response was sent", request_id)
            return
        status, code, detail = classify_exception(exc)
        exchange.status = status
        if status == 500:
            log.exception("unhandled error (request %s)", request_id)
        else:
            log.warning("request %s answered %s %s: %r", request_id, status, code, exc)
        if not exchange.response_started:
            await _send_problem(exchange.send, status, code, detail, request_id)

    def _watched(self, receive: Receive, exchange: _Exchange, limit: int) -> Receive:
        """``receive`` that enforces the body limit and notes a client's disconnect."""
        seen = 0

        async def watched_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            elif message["type"] == "http.disconnect":
                exchange.client_left = True
            return message

        return watched_receive


class _Exchange:
    """What the middleware knows of one request's response: its status, whether it started,
    whether the client went away; ``send`` adds the request id header."""

    def __init__(self, request_id: str, send: Send) -> None:
        self.request_id = request_id
        self._send = send
        self.status = 500
        self.response_started = False
        self.client_left = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.response_started = True
            self.status = message["status"]
            message.setdefault("headers", [])
            message["headers"] = [*message["headers"], (b"x-request-id", self.request_id.encode())]
        await self._send(message)


# A client-sent id goes into every log line of its request: only a plain token is taken as is.
_SAFE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,100}")


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id" and _SAFE_REQUEST_ID.fullmatch(value):
            return str(value.decode("ascii"))
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
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 503:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
