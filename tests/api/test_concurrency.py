"""Real concurrency on real PostgreSQL: many requests at once through the in-process app, each in
its own connection and transaction from the engine's pool (10 + 10 overflow)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem, invoice_number, this_year
from tests.support import Api, Org, build_world, count, counts, rows


async def _all(calls: list[Awaitable[httpx.Response]]) -> list[httpx.Response]:
    return list(await asyncio.gather(*calls))


async def _staggered(calls: list[Awaitable[httpx.Response]], step: float) -> list[httpx.Response]:
    """All at once, the n-th starting ``n * step`` seconds late, so they overlap in many ways."""

    async def later(n: int, call: Awaitable[httpx.Response]) -> httpx.Response:
        await asyncio.sleep(n * step)
        return await call

    return list(await asyncio.gather(*(later(n, call) for n, call in enumerate(calls))))


def _order(
    api: Api, who: Org, customer: Org, sku: str = "web-hosting-pro", **kwargs: Any
) -> Awaitable[httpx.Response]:
    body = {"customer_id": customer.id, "sku": sku, "quantity": 1}
    return api.call(who, "POST", "/v1/orders", json=body, **kwargs)


async def test_one_idempotency_key_charges_once_under_concurrency(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    key = {"Idempotency-Key": "order-42"}
    responses = await _all([_order(api, w.agency, w.acme, headers=key) for _ in range(20)])

    created = [r for r in responses if r.status_code == 201]
    in_use = [r for r in responses if r.status_code != 201]
    assert created, [r.text for r in responses]
    for r in in_use:
        assert_problem(r, 409, "idempotency_key_in_use")
    assert len({r.content for r in created}) == 1
    first = created[0].json()
    # Exactly one of them ran; any other 201 is a replay of it.
    assert sum(r.headers.get("Idempotent-Replayed") != "true" for r in created) == 1

    assert await counts(db, ("orders", "subscriptions", "invoices", "cashback_entries")) == {
        "orders": 1,
        "subscriptions": 1,
        "invoices": 1,
        "cashback_entries": 1,
    }
    assert await count(db, "events", "type = 'order.created'") == 2  # one per recipient

    retry = await _order(api, w.agency, w.acme, headers=key)
    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first
    assert await count(db, "orders") == 1

    # The same key with a different body is refused, and charges nothing.
    other = await _order(api, w.agency, w.acme, "domain-ch", headers=key)
    assert_problem(other, 422, "idempotency_key_reused")
    assert await count(db, "orders") == 1
    # Keys are scoped to the caller: the customer's same key is a new request.
    own = await _order(api, w.acme, w.acme, headers=key)
    assert own.status_code == 201, own.text
    assert "Idempotent-Replayed" not in own.headers
    assert own.json()["id"] != first["id"]


async def test_concurrent_orders_get_contiguous_invoice_numbers(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    calls = [_order(api, w.agency if n % 2 else w.acme, w.acme) for n in range(50)]
    responses = await _all(calls)
    assert [r.status_code for r in responses] == [201] * 50, [
        r.text for r in responses if r.status_code != 201
    ]

    year = this_year()
    numbers = [row.number for row in await rows(db, "SELECT number FROM invoices")]
    assert sorted(numbers) == [invoice_number(year, n) for n in range(1, 51)]
    # Every order has its own invoice, as the payer sees it.
    listed: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = await api.ok(w.acme, "GET", "/v1/invoices", params=params)
        listed += [i["number"] for i in page["data"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert sorted(listed) == sorted(numbers)
    orders = {r.json()["id"] for r in responses}
    assert {row.order_id for row in await rows(db, "SELECT order_id FROM invoices")} == orders


async def test_billing_mode_changes_racing_with_orders(api: Api, db: AsyncEngine) -> None:
    """Each order's payer follows the billing mode committed before it.

    The oracle: a charge takes the partnership row's share lock before it reads the time it
    stores as ``orders.created_at``; a change takes the row's exclusive lock before it reads the
    time it stores as ``partnership_changes.changed_at``. The locks conflict, so of an order and a
    change, one commits before the other takes its lock and timestamp: the timestamps order
    them as their commits did, and the mode in effect for an order is the last change before it.
    """
    w = await build_world(api)
    pid = w.partnership["id"]

    def place(n: int) -> Awaitable[httpx.Response]:
        return _order(api, w.agency if n % 2 else w.acme, w.acme)

    # Ten rounds of three orders racing one change, staggered so that the change lands before,
    # between or after them. (Fired all at once, the orders' share locks overlap without a gap
    # and starve the change until they are all done.) The rounds make sure both modes are seen.
    responses: list[httpx.Response] = []
    for round_ in range(10):
        mode = "partner" if round_ % 2 == 0 else "customer"
        patch = api.call(w.acme, "PATCH", f"/v1/partnerships/{pid}", json={"billing_mode": mode})
        responses += await _staggered([place(0), patch, place(1), place(2)], 0.01)
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses if r.is_error]

    changes = await rows(
        db,
        "SELECT changed_at, old_value, new_value FROM partnership_changes"
        " WHERE partnership_id = :p AND field = 'billing_mode' ORDER BY changed_at",
        p=pid,
    )
    assert len(changes) == 10
    # The history is a consistent chain from the initial mode.
    chain = ["customer"]
    for change in changes:
        assert change.old_value == chain[-1]
        chain.append(change.new_value)
    assert (await api.ok(w.acme, "GET", f"/v1/partnerships/{pid}"))["billing_mode"] == chain[-1]

    orders = await rows(
        db,
        "SELECT o.created_at, o.payer_id, o.channel, o.discount, c.id AS cashback_id"
        " FROM orders o LEFT JOIN cashback_entries c ON c.order_id = o.id",
    )
    assert len(orders) == 30
    change_times = [c.changed_at for c in changes]
    for order in orders:
        assert order.created_at not in change_times, "a tie would leave the order undecided"
        mode = _mode_at(order.created_at, changes)
        expected_payer = w.agency.id if mode == "partner" else w.acme.id
        assert order.payer_id == expected_payer, (order, mode)
        rebate = mode == "partner" and order.channel == "partner"
        assert (order.discount > 0) == rebate, order
        assert (order.cashback_id is None) == rebate, order
    assert {order.payer_id for order in orders} == {w.acme.id, w.agency.id}


def _mode_at(at: datetime, changes: list[Any]) -> str:
    mode = "customer"
    for change in changes:
        if change.changed_at < at:
            mode = change.new_value
    return mode
