"""Which bodies make "the same request" under one Idempotency-Key: for an operation whose body is
optional (or that takes none), an absent body, ``null`` and ``{}`` all mean "no options"."""

from __future__ import annotations

from typing import TypedDict

import httpx
import pytest

from partnerbilling.idempotency.service import request_fingerprint
from tests.asserts import assert_problem
from tests.support import Api, build_world


class _Body(TypedDict, total=False):
    """How a request carries its body: raw bytes or JSON (neither: no body at all)."""

    content: bytes
    json: dict[str, object]


NOTHING: dict[str, _Body] = {
    "absent": {},
    "empty": {"content": b""},
    "null": {"content": b"null"},
    "object": {"json": {}},
}
HEADERS = {"Content-Type": "application/json"}


async def _unpaid_invoice(api: Api) -> str:
    w = await build_world(api)
    placed = await api.order(w.agency, w.acme, "web-hosting-pro")
    order = await api.ok(w.acme, "GET", f"/v1/orders/{placed['id']}")
    return str(order["invoice_id"])


async def _pay(api: Api, path: str, key: str, body: _Body) -> httpx.Response:
    headers = {**api.admin_auth, **HEADERS, "Idempotency-Key": key}
    return await api.client.post(path, headers=headers, **body)


@pytest.mark.parametrize(
    ("first", "then"),
    [("absent", "object"), ("object", "absent"), ("empty", "object"), ("absent", "null")],
)
async def test_no_body_and_an_empty_object_are_one_optional_body(api: Api, first: str, then: str) -> None:
    path = f"/v1/admin/invoices/{await _unpaid_invoice(api)}/pay"
    paid = await _pay(api, path, "pay-once", NOTHING[first])
    assert paid.status_code == 200, paid.text
    again = await _pay(api, path, "pay-once", NOTHING[then])
    assert again.status_code == 200, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == paid.json()


async def test_a_body_with_content_is_still_a_different_request(api: Api) -> None:
    path = f"/v1/admin/invoices/{await _unpaid_invoice(api)}/pay"
    assert (await _pay(api, path, "pay-once", {})).status_code == 200
    other = await _pay(api, path, "pay-once", {"json": {"paid_at": "2026-03-01T10:00:00Z"}})
    assert_problem(other, 422, "idempotency_key_reused")


async def test_an_operation_without_a_body_takes_an_empty_object_as_no_body(api: Api) -> None:
    acme = await api.org("Acme")
    endpoint = await api.ok(acme, "POST", "/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/h"})
    path = f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret"
    headers = {**HEADERS, "Idempotency-Key": "rotate-once"}
    first = await api.call(acme, "POST", path, headers=headers)
    again = await api.call(acme, "POST", path, headers=headers, json={})
    assert first.status_code == again.status_code == 200, again.text
    assert again.headers["Idempotent-Replayed"] == "true"


async def test_a_required_body_is_not_optional(api: Api) -> None:
    """An absent body where one is required is refused (422, not stored): the `{}` after it is a
    request of its own, refused on its own merits."""
    acme = await api.org("Acme")
    headers = {**HEADERS, "Idempotency-Key": "order"}
    absent = await api.call(acme, "POST", "/v1/orders", headers=headers)
    empty = await api.call(acme, "POST", "/v1/orders", headers=headers, json={})
    for response in (absent, empty):
        assert_problem(response, 422, "validation_error")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (b'{"a": {}}', b'{"a": []}'),
        (b'{"a": 1}', b'{"a": 1.0}'),
        (b'{"a": 1}', b'{"a": true}'),
        (b'{"a": "1"}', b'{"a": 1}'),
        (b'{"a": null}', b'{"a": {}}'),
        (b'{"a": [1, 2]}', b'{"a": [2, 1]}'),
    ],
)
def test_bodies_that_differ_in_content_have_different_fingerprints(one: bytes, other: bytes) -> None:
    assert request_fingerprint("POST", "/v1/x", one) != request_fingerprint("POST", "/v1/x", other)


def test_key_order_and_white_space_do_not_make_another_request() -> None:
    assert request_fingerprint("POST", "/v1/x", b'{"a": 1, "b": [1, {"c": 2, "d": 3}]}') == (
        request_fingerprint("POST", "/v1/x", b'{ "b":[1,{"d":3,"c":2}],"a":1 }')
    )
