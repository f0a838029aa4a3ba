"""The shared assertions refuse what they are meant to refuse: each check of a problem document,
checked on answers built by hand (no database, no application)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.asserts import (
    assert_no_leaks,
    assert_problem,
    assert_refused_field,
    assert_unreadable_body,
    assert_unsupported_media_type,
    error_fields,
)

GOOD = {
    "type": "https://partnerbilling.example/problems/not_found",
    "title": "Not found",
    "status": 404,
    "detail": "No such order.",
    "code": "not_found",
}


def _answer(
    status: int, body: dict[str, Any], content_type: str = "application/problem+json"
) -> httpx.Response:
    request = httpx.Request("GET", "http://test/v1/orders/ord_1")
    return httpx.Response(status, json=body, headers={"content-type": content_type}, request=request)


def test_a_well_formed_problem_passes_and_is_returned() -> None:
    assert assert_problem(_answer(404, GOOD), 404, "not_found") == GOOD
    assert assert_problem(_answer(404, GOOD), 404, {"gone", "not_found"}) == GOOD
    assert assert_problem(_answer(404, GOOD), 404) == GOOD


@pytest.mark.parametrize(
    ("status", "body", "content_type", "code"),
    [
        (410, GOOD, "application/problem+json", None),  # another status than expected
        (404, GOOD, "application/json", None),  # not problem+json
        (404, GOOD, "application/problem+json; charset=utf-8", None),  # not exactly problem+json
        (404, {**GOOD, "status": 410}, "application/problem+json", None),  # body and answer disagree
        (404, {k: v for k, v in GOOD.items() if k != "detail"}, "application/problem+json", None),
        (404, {**GOOD, "code": ""}, "application/problem+json", None),
        (404, {**GOOD, "type": "about:blank"}, "application/problem+json", None),  # type names no code
        (404, {**GOOD, "title": ""}, "application/problem+json", None),
        (404, {**GOOD, "detail": None}, "application/problem+json", None),
        (404, GOOD, "application/problem+json", "gone"),  # another code
        (404, GOOD, "application/problem+json", {"gone", "expired"}),  # none of these codes
    ],
    ids=[
        "status",
        "media-type",
        "media-type-parameters",
        "body-status",
        "missing-key",
        "empty-code",
        "type",
        "empty-title",
        "no-detail",
        "code",
        "codes",
    ],
)
def test_a_malformed_or_unexpected_problem_fails(
    status: int, body: dict[str, Any], content_type: str, code: str | set[str] | None
) -> None:
    with pytest.raises(AssertionError):
        assert_problem(_answer(status, body, content_type), 404, code)


def test_a_refused_field_is_named_in_the_errors() -> None:
    body = {**GOOD, "status": 422, "code": "validation_error", "type": "https://x/validation_error"}
    refused = _answer(422, {**body, "errors": [{"loc": ["body", "quantity"], "msg": "too large"}]})
    assert error_fields(assert_refused_field(refused, "quantity")) == {"body", "quantity"}
    with pytest.raises(AssertionError):
        assert_refused_field(refused, "sku")
    with pytest.raises(AssertionError):
        assert_refused_field(_answer(422, body), "quantity")  # no errors at all


def test_a_stack_trace_in_a_body_is_a_leak() -> None:
    assert_no_leaks(_answer(404, GOOD))
    with pytest.raises(AssertionError):
        assert_no_leaks(_answer(500, {**GOOD, "detail": 'Traceback (most recent call last): File "x"'}))


def test_an_unreadable_body_is_named_as_a_whole() -> None:
    body = {**GOOD, "status": 422, "code": "validation_error", "type": "https://x/validation_error"}
    assert_unreadable_body(_answer(422, {**body, "errors": [{"loc": ["body"], "msg": "not JSON"}]}))
    for errors in ([], [{"loc": ["body", "name"], "msg": "too long"}]):
        with pytest.raises(AssertionError):
            assert_unreadable_body(_answer(422, {**body, "errors": errors}))


def test_an_unsupported_media_type_names_json() -> None:
    body = {
        **GOOD,
        "status": 415,
        "code": "unsupported_media_type",
        "type": "https://x/unsupported_media_type",
    }
    assert_unsupported_media_type(_answer(415, {**body, "detail": "Send application/json."}))
    with pytest.raises(AssertionError):
        assert_unsupported_media_type(_answer(415, {**body, "detail": "Send something else."}))
