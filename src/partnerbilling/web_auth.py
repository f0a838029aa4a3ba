"""Authentication in the web layer: the bearer scheme and the typed dependencies that say who may
call an operation.

The route class (:class:`partnerbilling.unit_of_work.TransactionalRoute`) authenticates every
request first, before FastAPI reads the body or the parameters, so that a request without a valid
key is a 401 whatever else is wrong with it (and so that idempotency keys are scoped to the caller
before the handler runs). The dependencies below then hand the caller to the operation, refuse the
wrong kind of caller (403), and declare the bearer scheme, from which FastAPI derives each
operation's ``security`` in the OpenAPI document. Every operation declares one of them: ``OrgId``
(acting as an organisation), ``CurrentCaller`` (any caller), or, on the admin routers, ``Platform``.
Each is one dependency per request: a router-wide ``Authenticated`` on top would be solved again
for every request and add nothing to the document.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer

from partnerbilling.auth import Caller, authenticate, bearer_token, require_org, require_platform
from partnerbilling.sql import Connection

_SCHEME = "bearer"
_DESCRIPTION = "An organisation API key; for /v1/admin, the platform token or an operator key."


class _BearerCaller(HTTPBearer):
    """The bearer scheme as a dependency: FastAPI documents the operation's ``security`` from it
    and calls it with the request, and it hands over the caller the route class authenticated
    (one dependency per request, with no sub-dependency to solve)."""

    def __init__(self) -> None:
        super().__init__(scheme_name=_SCHEME, description=_DESCRIPTION, auto_error=False)

    async def __call__(self, request: Request) -> Caller:  # type: ignore[override]
        caller: Caller = request.state.caller
        return caller


class _BearerOrganization(_BearerCaller):
    async def __call__(self, request: Request) -> str:  # type: ignore[override]
        return require_org(request.state.caller)


class _BearerPlatform(_BearerCaller):
    async def __call__(self, request: Request) -> Caller:  # type: ignore[override]
        caller: Caller = request.state.caller
        require_platform(caller)
        return caller


async def authenticate_request(request: Request, conn: Connection, *, admin: bool = False) -> Caller:
    """The caller of ``request`` (or 401), kept on the request for the dependencies below; an
    operator key is one on the admin API (``admin``) only."""
    header = request.headers.get("authorization")
    token = bearer_token(header)
    caller = await authenticate(conn, token, request.app.state.settings.admin_token, admin=admin)
    request.state.caller = caller
    return caller


CurrentCaller = Annotated[Caller, Depends(_BearerCaller())]
"""An authenticated caller, an organisation or the platform."""
OrgId = Annotated[str, Depends(_BearerOrganization())]
"""The calling organisation's id; the platform token gets 403."""
Authenticated = Depends(_BearerCaller())
"""For a router's ``dependencies``: every operation needs a valid key."""
Platform = Depends(_BearerPlatform())
"""For a router's ``dependencies``: only the platform token (an organisation key gets 403)."""


def platform_only(route: APIRoute) -> bool:
    """Whether the operation takes the platform token only (it depends on ``Platform``), so that
    the route class refuses any other caller (403) before it looks at the request's body."""
    return any(isinstance(d.call, _BearerPlatform) for d in route.dependant.dependencies)
