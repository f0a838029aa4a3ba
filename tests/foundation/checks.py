"""Assertions shared by the foundation tests."""

from __future__ import annotations

from typing import Any

import httpx

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem document with this status (and code); return it."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert isinstance(body["code"], str) and body["code"]
    assert body["type"].endswith("/" + body["code"])
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    return body


def error_fields(problem: dict[str, Any]) -> set[str]:
    """Every name that occurs in the ``loc`` of the problem's ``errors``."""
    return {str(part) for error in problem.get("errors") or [] for part in error["loc"]}
