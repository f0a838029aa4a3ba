"""The OpenAPI document: bearer auth, problem+json responses on every operation."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

DESCRIPTION = """
Billing for a hosting provider's partner (reseller) programme. A customer organisation grants a
partner access to its account and chooses who pays: the customer or the partner. For every order
and renewal this API decides **who is charged, how much, which invoice goes to whom, and what
cashback the partner earns**.

* **Authentication**: `Authorization: Bearer <key>` — an organisation's API key, or the platform
  token for `/v1/admin`.
* **Money** is a string with two decimals (`"129.72"`), rates are decimal strings (`"0.081"`).
* **Errors** are `application/problem+json` (RFC 9457) with a stable `code`.
* **Idempotency**: send `Idempotency-Key` on any POST to make a retry safe.
* **Need to know**: an object you may not see answers 404; fields you may not see are `null`.
* **Lists** are newest first: `?limit=1..100&cursor=<next_cursor>`.
"""

TAGS = [
    {"name": "organizations", "description": "Your organisation."},
    {"name": "products", "description": "The catalogue."},
    {"name": "partnerships", "description": "Customer–partner relations and the billing mode."},
    {"name": "orders", "description": "Orders and renewals: who pays and how much."},
    {"name": "subscriptions", "description": "Products installed in a customer's organisation."},
    {"name": "invoices", "description": "Invoices and credit notes, seen by their payer only."},
    {"name": "cashback", "description": "The partner's cashback entries and balances."},
    {"name": "events", "description": "The event log, each org's own redacted view."},
    {"name": "webhooks", "description": "Signed webhook endpoints and their deliveries."},
    {"name": "admin", "description": "Platform operations (platform token only)."},
    {"name": "operations", "description": "Health, readiness and metrics."},
]

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "example": "https://partnerbilling.dev/problems/not_found"},
        "title": {"type": "string", "example": "Not found"},
        "status": {"type": "integer", "example": 404},
        "detail": {"type": "string", "example": "No such order."},
        "code": {"type": "string", "example": "not_found"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "msg": {"type": "string"},
                },
            },
        },
    },
}

_STANDARD = {
    "400": "Malformed request",
    "401": "Missing or unknown API key",
    "403": "The key may not take this action",
    "404": "No such object, or not yours to see",
    "405": "Method not allowed",
    "409": "Conflict with the object's state, or an Idempotency-Key still in use",
    "413": "Request body larger than 1 MiB",
    "422": "Invalid input (`validation_error`, or a business rule such as `price_not_available`)",
    "503": "The database is unreachable or too slow; retry",
    "500": "Unexpected error (never expected; logged with the request id)",
}


def problem_response(description: str) -> dict[str, Any]:
    """An OpenAPI response entry whose body is a problem document."""
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def install(app: FastAPI) -> None:
    """Replace FastAPI's generated document with one that declares the bearer scheme and the
    problem+json error responses of every operation."""

    def build() -> dict[str, Any]:
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
        schemas["Problem"] = PROBLEM_SCHEMA
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        components["securitySchemes"] = {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "An organisation API key, or the platform token for /v1/admin.",
            }
        }
        for path, item in doc.get("paths", {}).items():
            for method, operation in item.items():
                _complete_operation(path, method, operation)
        app.openapi_schema = doc
        return doc

    app.openapi = build  # type: ignore[method-assign]


def _complete_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    authenticated = path.startswith("/v1/")
    if authenticated:
        operation["security"] = [{"bearer": []}]
    wanted = ["400", "413", "422", "500", "503"] if authenticated else ["500"]
    if authenticated:
        wanted += ["401", "403", "404", "405", "409"]
    for status in wanted:
        responses[status] = problem_response(_STANDARD[status]) | (
            {"description": responses[status]["description"]} if status in responses else {}
        )
