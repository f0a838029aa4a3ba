"""The problem+json side of the OpenAPI document: the Problem schema, the statuses an operation
can answer (derived from its kind: method, body, parameters, who may call it) and one example per
status and ``code``, made by the code that makes the real answers."""

from __future__ import annotations

from partnerbilling.errors import (
    PROBLEM_JSON,
    Forbidden,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    NotFound,
    RateLimited,
    RoleForbidden,
    Unauthenticated,
    problem,
    unreadable_body,
)
from partnerbilling.failures import BodyTooLarge, classify_exception
from partnerbilling.jsonio import JSON

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: JSON = {
    "title": "Problem",
    "description": "An RFC 9457 problem document. `code` is stable and meant for programs.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "description": "`https://partnerbilling.dev/problems/<code>`"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for people."},
        "code": {"type": "string", "description": "What went wrong, for programs."},
        "request_id": {"type": "string", "description": "Also sent as `X-Request-Id`."},
        "errors": {
            "type": "array",
            "description": "Each invalid input (`validation_error`): where it is and what is wrong.",
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

_DESCRIPTIONS = {
    401: "Missing, malformed, unknown or revoked API key",
    403: "This kind of key, or this caller, may not take this action",
    404: "No such object, or not yours to see",
    409: "The object's state does not allow this, or the Idempotency-Key's first request is still "
    "running; retry after `Retry-After` seconds",
    413: "Request body larger than the limit (1 MiB)",
    415: "The body is not `application/json`",
    429: "The key's request budget is spent; retry after `Retry-After` seconds",
    422: "Invalid input (`validation_error`, with `errors`), or a business rule refused it (its own `code`)",
    500: "Unexpected error (never expected; logged with the request id)",
    503: "The database is unreachable or too slow; retry after `Retry-After` seconds",
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}
_BUDGET_HEADERS = {
    name: {"description": description, "schema": {"type": "string", "pattern": "^[0-9]+$"}}
    for name, description in (
        ("RateLimit-Limit", "Requests a minute this key may send."),
        ("RateLimit-Remaining", "Requests left now (0 on a 429)."),
        ("RateLimit-Reset", "Seconds until the budget is full again."),
    )
}
_REQUEST_ID = "0f8e2c4a9b1d4e6f8a2c4e6a8b0d2f4a"
# Nouns of the path parameters whose id names no object by itself.
_NOUNS = {"org": "organization", "endpoint": "webhook endpoint", "key": "API key"}


def with_request_id(body: JSON) -> JSON:
    return {**body, "request_id": _REQUEST_ID}


def _classified(exc: BaseException) -> JSON:
    return with_request_id(problem(*classify_exception(exc)))


UNAUTHENTICATED = with_request_id(
    Unauthenticated("Send an API key as 'Authorization: Bearer <key>'.").to_problem()
)
ADMIN_ONLY = with_request_id(
    Forbidden("Only the platform token or an operator key may call the admin API.").to_problem()
)
ROLE_FORBIDDEN = with_request_id(
    RoleForbidden("The role 'readonly' may not call this operation; it needs admin or finance.").to_problem()
)
_BUDGET = {"Retry-After": "3", "RateLimit-Limit": "1200", "RateLimit-Remaining": "0", "RateLimit-Reset": "60"}
RATE_LIMITED = with_request_id(
    RateLimited("This key may send 1200 requests a minute; retry in 3 s.", _BUDGET).to_problem()
)
ORGANIZATION_ONLY = with_request_id(
    Forbidden("This endpoint acts as an organisation; use an organisation API key.").to_problem()
)
UNREADABLE_BODY = with_request_id(unreadable_body("not valid JSON").to_problem())
TOO_LARGE = _classified(BodyTooLarge())
NOT_JSON = with_request_id(problem(415, "unsupported_media_type", "Send the body as application/json."))
KEY_IN_USE = with_request_id(
    IdempotencyKeyInUse("A request with this Idempotency-Key is still running; retry.").to_problem()
)
KEY_REUSED = with_request_id(
    IdempotencyKeyReused("This Idempotency-Key was already used with a different request.").to_problem()
)


class _SerializationFailure(Exception):
    sqlstate = "40001"


UNAVAILABLE = _classified(ConnectionRefusedError())
TIMEOUT = _classified(TimeoutError())
COLLISION = _classified(_SerializationFailure())
INTERNAL = _classified(RuntimeError())
_DEFAULTS = {503: [UNAVAILABLE, TIMEOUT, COLLISION], 500: [INTERNAL]}


def problem_response(status: int | None, description: str | None = None) -> JSON:
    """An OpenAPI response whose body is a problem document."""
    return {
        "description": description or _DESCRIPTIONS[status or 500],
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
    }


def add(response: JSON, bodies: list[JSON], *, first: bool = False) -> None:
    """Add each problem body as a named example (named by its ``code``) of the response."""
    media = response["content"][PROBLEM_JSON]
    current: JSON = media.get("examples", {})
    added: JSON = {}
    for body in bodies:
        if any(example["value"] == body for example in (*current.values(), *added.values())):
            continue
        name, n = body["code"], 1
        while name in current or name in added:
            n += 1
            name = f"{body['code']}_{n}"
        added[name] = {"summary": body["detail"], "value": body}
    media["examples"] = {**added, **current} if first else {**current, **added}


def complete(status: int, response: JSON) -> None:
    """Give a problem response the headers its status carries and, if it has none, its examples."""
    if status in (409, 503):
        response["headers"] = _RETRY_AFTER
    if status == 429:
        response["headers"] = {**_RETRY_AFTER, **_BUDGET_HEADERS}
    if not response["content"][PROBLEM_JSON].get("examples"):
        add(response, _DEFAULTS.get(status, []))


def for_operation(
    path: str, method: str, operation: JSON, role_checked: bool, schemas: JSON
) -> dict[int, list[JSON]]:
    """The problems an API operation can answer with, by status, as its kind implies; a route
    declares its domain errors itself (``openapi.problems``)."""
    found: dict[int, list[JSON]] = {401: [UNAUTHENTICATED]}
    found[429] = [RATE_LIMITED]
    if role_checked:
        found[403] = [ADMIN_ONLY if path.startswith("/v1/admin/") else ORGANIZATION_ONLY]
    if path.startswith("/v1/admin/") and method != "get":
        found[403] = [*found.get(403, []), ROLE_FORBIDDEN]
    path_params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    if path_params:
        found[404] = [_not_found(path_params[-1], method)]
    if "requestBody" in operation:
        found |= {413: [TOO_LARGE], 415: [NOT_JSON]}
    invalid = _invalid_input(operation, schemas)
    unprocessable = [invalid] if invalid else []
    if "requestBody" in operation:
        unprocessable.append(UNREADABLE_BODY)
    if method == "post":
        found[409] = [KEY_IN_USE]
        unprocessable.append(KEY_REUSED)
    if unprocessable:
        found[422] = unprocessable
    return found | _DEFAULTS


def _not_found(param: str, method: str) -> JSON:
    if method == "put":  # PUT creates what is missing: only a path that leads nowhere is 404
        return with_request_id(problem(404, "not_found", "No such resource."))
    noun = param.removesuffix("_id")
    return with_request_id(NotFound(f"No such {_NOUNS.get(noun, noun)}.").to_problem())


def _invalid_input(operation: JSON, schemas: JSON) -> JSON | None:
    """A realistic ``validation_error`` for the operation's first input, or None if it has none."""
    loc_msg = _body_error(operation, schemas) or _parameter_error(operation)
    if loc_msg is None:
        return None
    loc, msg = loc_msg
    return with_request_id(
        problem(
            422,
            "validation_error",
            f"{'.'.join(loc)}: {msg}",
            title="The request is not valid",
            errors=[{"loc": loc, "msg": msg}],
        )
    )


def _body_error(operation: JSON, schemas: JSON) -> tuple[list[str], str] | None:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None  # no body, or a file the operation reads itself (it documents its own 422)
    schema = content["application/json"]["schema"]
    ref = next((s["$ref"] for s in schema.get("anyOf", [schema]) if "$ref" in s), None)
    model = schemas.get(ref.rsplit("/", 1)[1], {}) if ref else {}
    if model.get("required"):
        return ["body", model["required"][0]], "Field required"
    for name, prop in model.get("properties", {}).items():
        return ["body", name], _wrong_value(prop)
    return ["body"], "Input should be a valid dictionary or object to extract fields from"


def _wrong_value(prop: JSON) -> str:
    """Pydantic's message for a value of the wrong kind in this property."""
    schema = next((v for v in prop.get("anyOf", [prop]) if v.get("type") != "null"), prop)
    if "enum" in schema:
        *others, last = [repr(v) for v in schema["enum"]]
        return f"Input should be {', '.join(others)} or {last}" if others else f"Input should be {last}"
    if schema.get("format") == "date-time":
        return "Input should be a valid datetime"
    kind = {"integer": "integer", "boolean": "boolean", "array": "list"}.get(schema.get("type", ""), "string")
    return f"Input should be a valid {kind}"


def _parameter_error(operation: JSON) -> tuple[list[str], str] | None:
    by_place = {p["in"]: p for p in reversed(operation.get("parameters", []))}
    query, path, header = by_place.get("query"), by_place.get("path"), by_place.get("header")
    if query is not None:
        if query["name"] == "limit":
            return ["query", "limit"], "Input should be less than or equal to 100"
        return ["query", query["name"]], _wrong_value(query["schema"])
    if path is not None:
        schema = path["schema"]
        if "maxLength" in schema:
            return ["path", path["name"]], f"String should have at most {schema['maxLength']} characters"
        return ["path", path["name"]], f"String should match pattern '{schema['pattern']}'"
    if header is not None:
        return ["header", header["name"]], "must be 1-255 characters"
    return None
