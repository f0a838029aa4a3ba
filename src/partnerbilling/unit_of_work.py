"""One transaction per request: the route class that opens and commits it, authenticates the caller
(:mod:`partnerbilling.web_auth`), spends its key's request budget (:mod:`partnerbilling.web_rate_limit`),
checks an operator's role (:mod:`partnerbilling.web_roles`), records admin writes
(:mod:`partnerbilling.web_audit`) and runs a POST with an Idempotency-Key at most once."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, cast

from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from partnerbilling.auth import require_platform
from partnerbilling.errors import unreadable_body
from partnerbilling.jsonio import UnreadableJson, is_json_media_type, read_body
from partnerbilling.sql import Connection
from partnerbilling.transactions import request_transaction
from partnerbilling.web_audit import WRITES, run_audited
from partnerbilling.web_auth import authenticate_request, platform_only
from partnerbilling.web_idempotency import idempotency_key, run_idempotently
from partnerbilling.web_rate_limit import add_budget_headers, spend_budget
from partnerbilling.web_roles import require_role, route_roles

SEND_JSON = "Send the body as JSON with Content-Type: application/json."


class TransactionalRoute(APIRoute):
    """Each request runs in one database transaction, committed only if the handler succeeded
    (before the response is sent), and rolled back on any error. The caller is authenticated
    first, its key's request budget spent and, on the admin API, its role checked; then its
    body is checked (:func:`check_body`), and a POST with an Idempotency-Key is run at most
    once. An admin write is recorded in the audit trail, refused ones too."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[object, object, Response]]:
        # FastAPI solves what is left of the operation's dependencies; the ones that take the
        # request alone (the caller, the connection) the route class calls itself, first, as
        # FastAPI would have: solving one costs FastAPI more than calling it. The operation's
        # dependant (the OpenAPI document's) stays whole.
        full = self.dependant
        direct, self.dependant = _take_request_only(full)
        try:
            handler = super().get_route_handler()
        finally:
            self.dependant = full
        admin_only, media_types = platform_only(self), body_media_types(self)
        roles = route_roles(self) if admin_only else None

        async def run(request: Request, conn: Connection) -> Response:
            request.state.conn = conn
            caller = await authenticate_request(request, conn, admin=admin_only)
            allowance = spend_budget(request, caller)
            if roles is not None:
                # 403 before anything about the request's input: its body, its object.
                require_platform(caller)
                require_role(caller, roles)
            await check_body(request, media_types)
            request.state.solved = await _solve(direct, request)
            key = idempotency_key(request)
            if key is None:
                response = await handler(request)
            else:
                response = await run_idempotently(conn, caller.scope, key, request, lambda: handler(request))
            if allowance is not None:
                add_budget_headers(response, allowance)
            return response

        async def run_in_transaction(request: Request) -> Response:
            async with request_transaction(request.app.state.engine) as conn:
                return await run(request, conn)

        async def run_and_record(request: Request) -> Response:
            return await run_audited(request, self.path_format, run)

        return run_and_record if admin_only and (self.methods or set()) & WRITES else run_in_transaction


# A dependency the route class calls itself: its parameter's name (None for one a router declares
# for its effect only) and the call, which takes the request.
RequestOnly = tuple[str | None, Callable[[Request], Awaitable[object]]]

# The name the request is passed to an operation under when the operation does not take it.
_REQUEST = "_transactional_request"


def _take_request_only(dependant: Dependant) -> tuple[tuple[RequestOnly, ...], Dependant]:
    """The dependencies of ``dependant`` that are coroutines of the request alone, and a copy of
    it without them whose endpoint takes their values from ``request.state.solved``."""
    inlined: list[Dependant] = []
    rest: list[Dependant] = []
    for d in dependant.dependencies:
        (inlined if _request_only(d) else rest).append(d)
    if not inlined:
        return (), dependant
    direct = tuple((d.name, cast(Callable[[Request], Awaitable[object]], d.call)) for d in inlined)
    endpoint = cast(Callable[..., Awaitable[object]], dependant.call)
    takes_request = dependant.request_param_name is not None
    request_name = dependant.request_param_name or _REQUEST

    @functools.wraps(endpoint)
    async def call(**values: object) -> object:
        request = cast(Request, values[request_name] if takes_request else values.pop(request_name))
        return await endpoint(**values, **request.state.solved)

    return direct, dataclasses.replace(
        dependant, dependencies=rest, call=call, request_param_name=request_name
    )


def _request_only(d: Dependant) -> bool:
    """A coroutine that takes the request and nothing else."""
    takes_nothing_else = not (
        d.dependencies
        or d.path_params
        or d.query_params
        or d.header_params
        or d.cookie_params
        or d.body_params
        or d.http_connection_param_name
        or d.websocket_param_name
        or d.response_param_name
        or d.background_tasks_param_name
        or d.security_scopes_param_name
    )
    coroutine = inspect.iscoroutinefunction(d.call) or inspect.iscoroutinefunction(type(d.call).__call__)
    return bool(d.request_param_name) and takes_nothing_else and coroutine


async def _solve(direct: tuple[RequestOnly, ...], request: Request) -> dict[str, object]:
    """The values of the dependencies the route class calls itself, by parameter name."""
    solved = {}
    for name, call in direct:
        value = await call(request)
        if name is not None:
            solved[name] = value
    return solved


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
async def _conn(request: Request) -> Connection:
    conn: Connection = request.state.conn
    return conn


Conn = Annotated[Connection, Depends(_conn)]
