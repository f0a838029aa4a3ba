"""The audit trail of admin writes (SPEC §18), in the web layer: every POST, PUT, PATCH or DELETE
on ``/v1/admin`` by an operator (the platform token or an operator key), answered or refused, is
recorded. An answered write is recorded in the request's own transaction, so the record commits
with the change; a refused or rolled-back one (403, 404, 409, 422, a failed commit, …) in a small
transaction of its own afterwards, so no write goes unrecorded. A request without a valid key
(401), or with an organisation's key (403), has no operator and is not recorded."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import orjson
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.exceptions import HTTPException

from partnerbilling.auth import Caller
from partnerbilling.errors import DomainError
from partnerbilling.failures import classify_exception
from partnerbilling.operators import service
from partnerbilling.sql import Connection
from partnerbilling.transactions import request_transaction

log = logging.getLogger(__name__)

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Run = Callable[[Request, Connection], Awaitable[Response]]


async def run_audited(request: Request, route: str, run: Run) -> Response:
    """``run`` in the request's transaction, recording the write (see the module)."""
    engine: AsyncEngine = request.app.state.engine
    try:
        async with request_transaction(engine) as conn:
            response = await run(request, conn)
            await _record(conn, request, route, response.status_code, response)
            return response
    except Exception as exc:
        try:
            async with request_transaction(engine) as conn:
                await _record(conn, request, route, answered_status(exc), None)
        except Exception:
            # The database is gone (the request's own error says so): the answer is the
            # request's, and the access log keeps the write's trace.
            log.exception("the audit record of %s %s could not be written", request.method, route)
        raise


async def _record(
    conn: Connection, request: Request, route: str, status: int, response: Response | None
) -> None:
    caller: Caller | None = getattr(request.state, "caller", None)
    if caller is None or caller.operator is None:
        return
    await service.record_write(
        conn,
        caller.operator,
        method=request.method,
        route=route,
        object_id=_object_id(request, response),
        request_id=getattr(request.state, "request_id", "-"),
        status=status,
    )


def _object_id(request: Request, response: Response | None) -> str | None:
    """The object the path names (its last id), else the one a successful write created."""
    if request.path_params:
        return str(list(request.path_params.values())[-1])
    if response is None or not 200 <= response.status_code < 300:
        return None
    try:
        body = orjson.loads(getattr(response, "body", b"") or b"null")
    except orjson.JSONDecodeError:
        return None
    created = body.get("id") if isinstance(body, dict) else None
    return created if isinstance(created, str) else None


def answered_status(exc: Exception) -> int:
    """The status the app answers an exception with (its handlers, or the last resort's)."""
    if isinstance(exc, DomainError):
        return exc.status
    if isinstance(exc, RequestValidationError):
        return 422
    if isinstance(exc, HTTPException):
        return exc.status_code
    return classify_exception(exc)[0]
