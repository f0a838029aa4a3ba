"""The OpenAPI document: bearer auth, the Idempotency-Key header, typed times, the problem+json
responses each operation can give (one example per status and code), and the webhooks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import get_args

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import BaseRoute

from partnerbilling import openapi_problems as problem_docs
from partnerbilling.errors import PROBLEM_JSON, DomainError
from partnerbilling.events.documents import ORGANIZATION_EVENT_DOCUMENTS
from partnerbilling.idempotency.service import REPLAYED_HEADER
from partnerbilling.jsonio import JSON
from partnerbilling.web_auth import OrgId, Platform
from partnerbilling.web_roles import ADMIN_PREFIX, ordered, roles_for, roles_sentence

DESCRIPTION = """
Billing for a hosting provider's partner (reseller) programme. A customer organisation grants a
partner access to its account and chooses who pays: the customer or the partner. For every order
and renewal this API decides **who is charged, how much, which invoice goes to whom, and what
cashback the partner earns**.

* **Authentication**: `Authorization: Bearer <key>` — an organisation's API key; for `/v1/admin`,
  the platform token or an operator key, whose role (`x-roles` on each admin operation) says
  what it may change (else 403 `role_forbidden`).
* **Rate limits**: each key may send a budget of requests a minute (`RateLimit-Limit`,
  `RateLimit-Remaining`, `RateLimit-Reset` on each answer); past it, 429 `rate_limited` with
  `Retry-After`.
* **Money** is a string with two decimals (`"129.72"`), rates are decimal strings (`"0.081"`);
  times are RFC 3339 in UTC.
* **Errors** are `application/problem+json` (RFC 9457) with a stable `code`; each operation lists
  the statuses it can answer, with an example of each code.
* **Idempotency**: send an `Idempotency-Key` header on any POST to make a retry safe.
* **Need to know**: an object you may not see answers 404; fields you may not see are `null`.
* **Lists** are newest first: `?limit=1..100&cursor=<next_cursor>`.
* **Webhooks**: the events your endpoints receive are listed under *webhooks*, signed per
  Standard Webhooks; `GET /v1/events` serves the same documents.
"""

TAGS = [
    {"name": "organizations", "description": "Your organisation."},
    {"name": "products", "description": "The catalogue."},
    {"name": "partnerships", "description": "Customer–partner relations and the billing mode."},
    {"name": "orders", "description": "Orders and renewals: who pays and how much."},
    {"name": "subscriptions", "description": "Products installed in a customer's organisation."},
    {"name": "invoices", "description": "Invoices and credit notes, seen by their payer only."},
    {"name": "cashback", "description": "The partner's cashback entries and balances."},
    {"name": "account", "description": "Your account: its balances and its entries, yours alone."},
    {"name": "payouts", "description": "Withdrawals from your balance to your payout IBAN."},
    {"name": "events", "description": "The event log, each org's own redacted view."},
    {"name": "webhooks", "description": "Signed webhook endpoints and their deliveries."},
    {"name": "admin", "description": "Platform operations (the platform token or an operator key)."},
    {"name": "operations", "description": "Health, readiness and metrics."},
]

IDEMPOTENCY_KEY: JSON = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry safe. The same key (per caller, kept 24 hours) with the same "
    "request replays the first 2xx answer, with `Idempotent-Replayed: true`; with a different "
    "request it is 422 `idempotency_key_reused`; while the first request still runs, 409 "
    "`idempotency_key_in_use`. Send a new random key (a UUID) with each new request.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "example": "5b0e3a8c-7d1f-4c2e-9a6b-2f4d8e1c0a97",
}
REPLAYED: JSON = {
    REPLAYED_HEADER: {
        "description": "`true` when this is the stored answer to an earlier request with the same "
        "Idempotency-Key (nothing was done again).",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
WEBHOOK_HEADERS: list[JSON] = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "The event's id, the same on every retry and redelivery: drop duplicates by it.",
        "schema": {"type": "string"},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "When this attempt was signed, in Unix seconds: refuse one far from your clock.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": "`v1,<base64 HMAC-SHA256 of '{webhook-id}.{webhook-timestamp}.{body}'>` with "
        "the endpoint's secret (the base64 after `whsec_`). For 24 hours after a rotation it "
        "carries two signatures, space-separated; accept the message if one matches.",
        "schema": {"type": "string"},
    },
]

# Property names of the times the API shows (rendered by visibility.rfc3339) and takes.
_TIME_SUFFIXES = ("_at", "_since")
_TIME_NAMES = ("as_of", "current_period_start", "current_period_end")


def problems(*errors: DomainError | type[DomainError]) -> dict[int | str, JSON]:
    """The ``responses`` of a route: the domain errors it can answer with, one example each.
    The statuses that follow from the kind of operation are added by :func:`install`."""
    responses: dict[int | str, JSON] = {}
    for error in errors:
        instance = error() if isinstance(error, type) else error
        entry = responses.setdefault(instance.status, problem_docs.problem_response(instance.status))
        problem_docs.add(entry, [problem_docs.with_request_id(instance.to_problem())])
    return responses


def problem_response(description: str) -> JSON:
    """An OpenAPI response entry whose body is a problem document."""
    return problem_docs.problem_response(None, description)


def install(app: FastAPI) -> None:
    """Replace FastAPI's generated document with the completed one."""

    def build() -> JSON:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = doc.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas["Problem"] = problem_docs.PROBLEM_SCHEMA
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        acting = _role_checked(app.routes)
        for path, item in doc.get("paths", {}).items():
            for method, operation in item.items():
                _complete_operation(path, method, operation, (method, path) in acting, schemas)
        _document_times(schemas)
        doc["webhooks"] = _webhooks()
        app.openapi_schema = doc
        return doc

    app.openapi = build  # type: ignore[method-assign]


def _api_routes(routes: list[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        # FastAPI may keep an included router as one entry; its routes are the operations.
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def _role_checked(routes: list[BaseRoute]) -> set[tuple[str, str]]:
    """``(method, path)`` of the operations that only one kind of caller may use: those acting as
    an organisation (the platform token gets 403) and the admin ones (an organisation key does)."""
    checks = {get_args(OrgId)[1].dependency, Platform.dependency}

    def calls(dependant: Dependant) -> Iterator[Callable[..., object] | None]:
        for sub in dependant.dependencies:
            yield sub.call
            yield from calls(sub)

    return {
        (method.lower(), route.path_format)
        for route in _api_routes(routes)
        if checks & set(calls(route.dependant))
        for method in route.methods or ()
    }


def _complete_operation(path: str, method: str, operation: JSON, role_checked: bool, schemas: JSON) -> None:
    responses: JSON = operation.setdefault("responses", {})
    if not path.startswith("/v1/"):
        _add_problems(responses, {500: [problem_docs.INTERNAL]})
        return
    if method == "post":
        # Every POST runs through the idempotency layer (unit_of_work.TransactionalRoute).
        operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
        for status, response in responses.items():
            if status.startswith("2"):
                response["headers"] = {**response.get("headers", {}), **REPLAYED}  # a 202's Location stays
    if path.startswith(ADMIN_PREFIX):
        _document_roles(path, method, operation)
    _add_problems(responses, problem_docs.for_operation(path, method, operation, role_checked, schemas))
    operation["responses"] = dict(sorted(responses.items()))


def _document_roles(path: str, method: str, operation: JSON) -> None:
    """The operator roles that may call an admin operation (:mod:`partnerbilling.web_roles`)."""
    allowed = roles_for(method, path)
    operation["x-roles"] = ordered(allowed)
    sentence = roles_sentence(allowed)
    operation["description"] = f"{operation.get('description', '').rstrip()}\n\n{sentence}".lstrip()


def _add_problems(responses: JSON, derived: dict[int, list[JSON]]) -> None:
    """Merge the derived problems into the responses (replacing FastAPI's own 422), then give
    every problem response its headers and examples."""
    for code, bodies in derived.items():
        entry = responses.get(str(code))
        if entry is None or PROBLEM_JSON not in entry.get("content", {}):
            entry = responses[str(code)] = problem_docs.problem_response(code)
        problem_docs.add(entry, bodies, first=True)
    for status, entry in responses.items():
        if PROBLEM_JSON in entry.get("content", {}):
            problem_docs.complete(int(status), entry)


def _document_times(schemas: JSON) -> None:
    """Every time is an RFC 3339 string: say so, for the response models that render them as
    plain strings too."""
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            if name.endswith(_TIME_SUFFIXES) or name in _TIME_NAMES:
                for variant in prop.get("anyOf", [prop]):
                    if variant.get("type") == "string":
                        variant["format"] = "date-time"


def _webhooks() -> JSON:
    """The OpenAPI 3.1 ``webhooks``: what an endpoint receives, one POST per event type (the
    platform's own events are never sent)."""
    return {name: {"post": _webhook(name, model)} for name, model in ORGANIZATION_EVENT_DOCUMENTS.items()}


def _webhook(event_type: str, model: type[BaseModel]) -> JSON:
    body = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {
        "operationId": "on" + "".join(word.title() for word in event_type.replace("_", ".").split(".")),
        "summary": f"`{event_type}`",
        "description": (model.__doc__ or "").strip() + "\n\nDelivered at least once to each enabled "
        "endpoint of the recipient that takes this type, signed per Standard Webhooks.",
        "tags": ["webhooks"],
        "security": [],
        "parameters": WEBHOOK_HEADERS,
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {
            "2XX": {
                "description": "Received. Another answer, or none in time, is retried on the "
                "schedule; `410 Gone` disables the endpoint."
            }
        },
    }
