"""The FastAPI application: lifespan, routers, problem+json errors, offline docs, health."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from partnerbilling import driver_pool, openapi
from partnerbilling.db import make_engine, resolve_database_url, transaction
from partnerbilling.errors import (
    FIELD_ERRORS,
    PROBLEM_JSON,
    DomainError,
    ValidationFailed,
    problem,
    unreadable_body,
)
from partnerbilling.failures import BodyTooLarge, classify_exception
from partnerbilling.jsonio import JSON, dumps
from partnerbilling.ops import OperationsMiddleware, request_id_var
from partnerbilling.payments.router import IMPORT_PATH
from partnerbilling.routers import ALL_ROUTERS
from partnerbilling.settings import Settings, get_settings
from partnerbilling.sql import Statement
from partnerbilling.web_rate_limit import budgets

log = logging.getLogger(__name__)

# What the readiness probe asks the database.
_READY = Statement(text("SELECT 1"))

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


def problem_response(body: JSON, headers: dict[str, str] | None = None) -> Response:
    body.setdefault("request_id", request_id_var.get())
    return Response(dumps(body), status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


async def _domain_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    headers = {"Retry-After": "1"} if exc.status in (409, 503) else exc.headers
    return problem_response(exc.to_problem(), headers)


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if malformed := [err for err in exc.errors() if err.get("type") == "json_invalid"]:
        # FastAPI names the position in the body (["body", 12]); the body as a whole is at fault.
        reason = (malformed[0].get("ctx") or {}).get("error")
        return problem_response(
            unreadable_body(f"not valid JSON ({reason})" if reason else "not valid JSON").to_problem()
        )
    errors = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": str(err.get("msg", ""))}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)[:1000]
    # A field refusal with a code of its own (an invalid VAT number, IBAN, BIC) keeps it when it
    # is all that is wrong; with other faults the request is a plain validation error.
    kinds = {str(err.get("type")) for err in exc.errors()}
    refusal = FIELD_ERRORS.get(kinds.pop()) if len(kinds) == 1 else ValidationFailed
    return problem_response((refusal or ValidationFailed)(detail, errors=errors).to_problem())


def _allowed_methods(request: Request) -> str:
    """Every method of every route on the request's path (Starlette names only the first route's)."""
    methods: set[str] = set()
    routes = list(request.app.router.routes)
    while routes:
        route = routes.pop()
        # FastAPI keeps an included router as one entry; its routes are the ones with methods.
        included = getattr(route, "original_router", None)
        if included is not None:
            routes.extend(included.routes)
        elif route.matches(request.scope)[0] is not Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.__cause__, ClientDisconnect):
        raise exc.__cause__  # nobody to answer: the operations middleware counts it as the client's
    if isinstance(exc.__cause__, BodyTooLarge):
        # FastAPI turns any error while reading the body into a 400; a streamed body over the
        # limit is the same 413 as one whose Content-Length announces it.
        status, code, detail = classify_exception(exc.__cause__)
        return problem_response(problem(status, code, detail))
    if exc.status_code == 400:
        # FastAPI's other 400: a body it could not decode (invalid UTF-8, nested too deep for
        # its parser). The routes check bodies first (unit_of_work.check_body); this is the rest.
        return problem_response(unreadable_body("not valid JSON").to_problem())
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else "The request failed."
    if exc.status_code == 404 and detail == "Not Found":
        detail = "No such resource."
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return problem_response(problem(exc.status_code, code, detail), headers)


# Allocations (net) between two collections of the youngest generation, while serving.
GC_YOUNG_THRESHOLD = 10_000


def _lifespan(
    settings: Settings, engine: AsyncEngine | None, run_worker: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The application's lifespan: the engine (and the embedded PostgreSQL) when none is given,
    and the worker (delivery and jobs) when asked for; stopped in reverse order."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        embedded = None
        own_engine = engine is None
        if own_engine:
            url, embedded = await asyncio.to_thread(resolve_database_url, settings)
            app.state.engine = make_engine(url, settings)
        stop = asyncio.Event()
        worker = None
        if run_worker:
            from partnerbilling.worker import run_worker as deliver_forever

            worker = asyncio.create_task(deliver_forever(app.state.engine, settings, stop))
        # What start-up built (routes, schemas, compiled statements) lives as long as the
        # process: out of the collector's reach, a full collection no longer walks it and a
        # request that triggers one waits less.
        gc.freeze()
        # A request allocates thousands of short-lived objects; collecting the youngest
        # generation every 700 allocations (the default) runs it several times per request.
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                await worker
            if own_engine:
                await driver_pool.close(app.state.engine)
                await app.state.engine.dispose()
            if embedded is not None:
                await asyncio.to_thread(embedded.stop)

    return lifespan


def _add_operations_routes(app: FastAPI, settings: Settings) -> None:
    """Health, readiness and metrics: outside the API's versioned paths and its transactions."""

    @app.get("/healthz", tags=["operations"], summary="The process is alive", operation_id="getHealth")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="The database is reachable",
        operation_id="getReadiness",
        responses={503: openapi.problem_response("The database is unreachable")},
    )
    async def readyz(request: Request) -> Response:
        try:
            async with asyncio.timeout(settings.db_connect_timeout + 1):
                async with transaction(request.app.state.engine) as conn:
                    await _READY.value(conn, {})
        except Exception as exc:  # any failure to reach the database means "not ready"
            log.warning("readiness check failed: %r", exc)
            return problem_response(
                problem(503, "service_unavailable", "The database is unreachable."),
                {"Retry-After": "1"},
            )
        return Response(dumps({"status": "ready"}), media_type="application/json")

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        response_class=PlainTextResponse,
        operation_id="getMetrics",
    )
    async def metrics() -> Response:
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def create_app(
    settings: Settings | None = None, engine: AsyncEngine | None = None, run_worker: bool = False
) -> FastAPI:
    """Build the application. Without an engine, one is made at start-up from the settings
    (starting the embedded PostgreSQL when no database URL is configured). With ``run_worker``,
    the worker runs inside the process: webhook and e-mail delivery, and the jobs (renewal and
    dunning runs) that the admin API starts."""
    settings = settings or get_settings()
    app = FastAPIOffline(
        title="partnerbilling",
        version="1.0.0",
        summary="Who pays, how much, which invoice goes to whom, and the partner's cashback.",
        description=openapi.DESCRIPTION,
        openapi_tags=openapi.TAGS,
        lifespan=_lifespan(settings, engine, run_worker),
    )
    app.state.settings = settings
    app.state.budgets = budgets(settings.rate_limit_per_minute)
    if engine is not None:
        app.state.engine = engine

    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(
        OperationsMiddleware,
        max_body_bytes=settings.max_body_bytes,
        larger={IMPORT_PATH: settings.import_max_bytes},
    )

    # The API's routes go into the app's own router, first and hottest first (ALL_ROUTERS'
    # order), rather than as included routers: FastAPI walks an included router twice per
    # request (to match it, then to pick its route), and the app's own routes once. The
    # routers add nothing to their routes when included: prefix, tags, route class and
    # dependencies are already each route's own.
    app.router.routes[:0] = [route for router in ALL_ROUTERS for route in router.routes]
    _add_operations_routes(app, settings)

    openapi.install(app)
    return app
