"""Every assertion the tests share: problem documents, the fields a refusal names, the shape of an
order, invoice numbers. World-building and database probes live in ``tests/support.py``."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

import httpx

from partnerbilling.errors import PROBLEM_JSON

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}
ORDER_KEYS = {
    "id",
    "billing_status",
    "kind",
    "channel",
    "customer_id",
    "placed_by_id",
    "partnership_id",
    "subscription_id",
    "sku",
    "quantity",
    "currency",
    "payer_id",
    "public_amount",
    "discount",
    "net_amount",
    "invoice_id",
    "cashback",
    "created_at",
}
INVOICE_NUMBER = re.compile(r"^(\d{4})-(\d{6})$")


def _described(response: httpx.Response) -> tuple[object, ...]:
    """The request (when the response has one) and the answer, for an assertion's message."""
    try:
        request = response.request
    except RuntimeError:
        return (response.status_code, response.text)
    return (request.method, request.url, response.status_code, response.text)


def assert_problem(
    response: httpx.Response, status: int, code: str | Collection[str] | None = None
) -> dict[str, Any]:
    """The response is an RFC 9457 problem document with this status and a well-formed body (and
    this code, or one of these codes); return the body."""
    assert response.status_code == status, _described(response)
    assert response.headers["content-type"] == PROBLEM_JSON, response.headers
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS, body
    assert body["status"] == status, body
    assert isinstance(body["code"], str) and body["code"], body
    assert body["type"].endswith("/" + body["code"]), body
    assert isinstance(body["title"], str) and body["title"], body
    assert isinstance(body["detail"], str) and body["detail"], body
    if isinstance(code, str):
        assert body["code"] == code, body
    elif code is not None:
        assert body["code"] in code, body
    return body


def error_fields(problem: dict[str, Any]) -> set[str]:
    """Every name that occurs in the ``loc`` of the problem's ``errors``."""
    return {str(part) for error in problem.get("errors") or [] for part in error["loc"]}


def assert_refused_field(
    response: httpx.Response, field: str, code: str = "validation_error"
) -> dict[str, Any]:
    """The response is a 422 problem with this code whose ``errors`` name ``field``; return it."""
    problem = assert_problem(response, 422, code)
    assert field in error_fields(problem), problem
    return problem


def assert_unreadable_body(response: httpx.Response) -> dict[str, Any]:
    """The response is a 422 problem whose ``errors`` all name the body as a whole (it could not
    be read as JSON); return it."""
    problem = assert_problem(response, 422, "validation_error")
    assert problem["errors"] and all(error["loc"] == ["body"] for error in problem["errors"]), problem
    return problem


def assert_unsupported_media_type(response: httpx.Response) -> dict[str, Any]:
    """The response is a 415 problem that names the media type the service takes; return it."""
    problem = assert_problem(response, 415, "unsupported_media_type")
    assert "application/json" in problem["detail"], problem
    return problem


def invoice_number(year: int, n: int) -> str:
    return f"{year}-{n:06d}"


def this_year() -> int:
    """The year invoices issued now are numbered in (their issue time is UTC)."""
    return datetime.now(UTC).year


# What a stack trace or a driver's message would leave in a body.
LEAKS = ("Traceback", 'File "', "asyncpg", "sqlalchemy", "psycopg", "SELECT ", "INSERT ", "postgres")


def assert_no_leaks(response: httpx.Response) -> None:
    """Nothing of a stack trace or a driver's message is in the body."""
    for leak in LEAKS:
        assert leak not in response.text, f"{leak!r} in {response.text}"
