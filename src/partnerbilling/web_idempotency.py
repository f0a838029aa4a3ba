"""Idempotency keys on POST (SPEC §4), in the web layer: run a request once per key, replay the
first response, refuse a different body (the fingerprint is :mod:`partnerbilling.idempotency.service`'s)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from fastapi.routing import APIRoute

from partnerbilling.errors import IdempotencyKeyInUse, IdempotencyKeyReused, ValidationFailed
from partnerbilling.idempotency import repository
from partnerbilling.idempotency.redaction import secret_fields, without_secrets
from partnerbilling.idempotency.service import HEADER, KEPT_HEADERS, REPLAYED_HEADER, request_fingerprint
from partnerbilling.sql import Connection


def _body_optional(route: object) -> bool:
    """Whether the matched route's operation may be called without a body."""
    if not isinstance(route, APIRoute):
        return False
    return route.body_field is None or not route.body_field.field_info.is_required()


def idempotency_key(request: Request) -> str | None:
    """The request's Idempotency-Key, validated (1–255 characters)."""
    key = request.headers.get(HEADER)
    if key is None or request.method != "POST":
        return None
    if not 1 <= len(key) <= 255:
        raise ValidationFailed(
            "Idempotency-Key must be 1 to 255 characters.",
            errors=[{"loc": ["header", "Idempotency-Key"], "msg": "must be 1-255 characters"}],
        )
    return key


async def run_idempotently(
    conn: Connection,
    scope: str,
    key: str,
    request: Request,
    call: Callable[[], Awaitable[Response]],
) -> Response:
    """Run ``call`` once per key. The record is written in the request's own transaction, so it
    exists exactly when the change it answers for was committed. A response field the operation
    declares secret (``replayed_without``) is stored, and so replayed, as ``null``."""
    route = request.scope.get("route")
    fingerprint = request_fingerprint(
        request.method, request.url.path, await request.body(), body_optional=_body_optional(route)
    )
    if not await repository.try_lock(conn, scope, key):
        raise IdempotencyKeyInUse("A request with this Idempotency-Key is still running; retry.")
    stored = await repository.find_fresh(conn, scope, key)
    if stored is not None:
        if stored.request_hash != fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was already used with a different request.")
        headers = dict(stored.response_headers)
        headers[REPLAYED_HEADER] = "true"
        return Response(
            content=bytes(stored.response_body), status_code=stored.response_status, headers=headers
        )
    response = await call()
    if 200 <= response.status_code < 300:
        kept = {k: v for k, v in response.headers.items() if k in KEPT_HEADERS}
        body = bytes(response.body)
        if secrets := secret_fields(route):
            body = without_secrets(body, secrets)
        await repository.save(conn, scope, key, fingerprint, response.status_code, body, kept)
    return response
