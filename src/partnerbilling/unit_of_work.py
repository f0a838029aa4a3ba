"""One transaction per request: the route class that opens and commits it, authenticates the caller
(:mod:`partnerbilling.web_auth`) and runs a POST with an Idempotency-Key at most once."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.exceptions import HTTPException

from partnerbilling.auth import require_platform
from partnerbilling.db import transaction
from partnerbilling.errors import unreadable_body
from partnerbilling.jsonio import UnreadableJson, is_json_media_type, read_body
from partnerbilling.web_auth import authenticate_request, platform_only
from partnerbilling.web_idempotency import idempotency_key, run_idempotently

SEND_JSON = "Send the body as JSON with Content-Type: application/json."


class TransactionalRoute(APIRoute):
    """Each request runs in one database transaction, committed only if the handler succeeded
    (before the response is sent), and rolled back on any error. The caller is authenticated
    first, then its body is checked (:func:`check_body`), and a POST with an Idempotency-Key is
    run at most once."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[object, object, Response]]:
        handler = super().get_route_handler()
        admin_only, media_types = platform_only(self), body_media_types(self)

        async def run_in_transaction(request: Request) -> Response:
            engine = request.app.state.engine
            async with transaction(engine) as conn:
                request.state.conn = conn
                caller = await authenticate_request(request, conn)
                if admin_only:
                    require_platform(caller)  # 403 before anything about the request's input
                await check_body(request, media_types)
                key = idempotency_key(request)
                if key is None:
                    return await handler(request)
                return await run_idempotently(conn, caller.scope, key, request, lambda: handler(request))

        return run_in_transaction


def body_media_types(route: APIRoute) -> tuple[str, ...] | None:
    """The media types an operation declares for its body in ``openapi_extra`` (a file it reads
    itself, such as a bank notification), or None: JSON, read by FastAPI."""
    content = ((route.openapi_extra or {}).get("requestBody") or {}).get("content")
    return tuple(content) if content else None


async def check_body(request: Request, media_types: tuple[str, ...] | None = None) -> None:
    """Refuse a body the service cannot read, the same way on every operation, before anything
    reads it: one that is not sent as JSON is a 415, one that is not JSON (invalid UTF-8 or
    JSON, nested too deep) a 422 naming the body. No body at all needs no Content-Type: an
    operation whose body is optional takes its defaults, one that needs a body says so (422).
    An operation that takes another media type (``media_types``) reads the body itself."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    body = await request.body()
    if not body:
        return
    if media_types is not None:
        sent = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
        if sent not in media_types:
            raise HTTPException(415, f"Send the body as {' or '.join(media_types)}.")
        return
    if not is_json_media_type(request.headers.get("content-type")):
        raise HTTPException(415, SEND_JSON)
    try:
        # Starlette's cache of the parsed body: FastAPI then validates this value instead of
        # parsing the body a second time.
        request._json = read_body(body)
    except UnreadableJson as exc:
        raise unreadable_body(str(exc)) from None


# The dependencies are coroutines: FastAPI runs a plain function in a thread, which costs a
# thread switch per dependency and request.
async def _conn(request: Request) -> AsyncConnection:
    conn: AsyncConnection = request.state.conn
    return conn


Conn = Annotated[AsyncConnection, Depends(_conn)]
