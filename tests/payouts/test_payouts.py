"""Payouts over HTTP: the amount leaves the balance at once, a failed one comes back, the rules
of a request, the events, and need to know."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.payouts.support import CH_IBAN, balance, credit, send, with_payout_iban
from tests.support import Api, Org, count, rows


async def _partner(api: Api, db: AsyncEngine, money: str = "120.00") -> Org:
    org = await api.org("WebAgency")
    await with_payout_iban(api, org, legal_name="WebAgency GmbH")
    await credit(db, org, money)
    return org


async def _request(api: Api, org: Org, amount: str, currency: str = "CHF", **kwargs: Any) -> Any:
    return await api.call(org, "POST", "/v1/payouts", json={"currency": currency, "amount": amount}, **kwargs)


async def test_a_payout_leaves_the_balance_and_a_failed_one_comes_back(api: Api, db: AsyncEngine) -> None:
    org = await _partner(api, db)
    response = await _request(api, org, "50.00")
    assert response.status_code == 201, response.text
    payout = response.json()
    assert payout["status"] == "requested" and payout["amount"] == "50.00" and payout["iban"] == CH_IBAN
    assert set(payout) == {
        "id", "org_id", "currency", "amount", "iban", "status", "batch_id", "created_at", "updated_at"
    }  # fmt: skip
    assert payout["org_id"] == org.id and payout["batch_id"] is None
    assert await balance(api, org) == "70.00"
    [stored] = await rows(db, "SELECT account_holder FROM payouts WHERE id = :p", p=payout["id"])
    assert stored.account_holder == "WebAgency GmbH"
    entries = (await api.ok(org, "GET", "/v1/account/entries"))["data"]
    newest = entries[0]
    assert (newest["kind"], newest["amount"], newest["payout_id"]) == ("payout", "-50.00", payout["id"])

    failed = await api.ok(None, "POST", f"/v1/admin/payouts/{payout['id']}/fail")
    assert failed["status"] == "failed"
    assert await balance(api, org) == "120.00"
    entries = (await api.ok(org, "GET", "/v1/account/entries"))["data"]
    assert (entries[0]["kind"], entries[0]["amount"]) == ("payout_returned", "50.00")
    # Failed is final: a second decision is refused and changes nothing.
    for action in ("fail", "complete"):
        again = await api.admin("POST", f"/v1/admin/payouts/{payout['id']}/{action}")
        assert_problem(again, 409, "invalid_state")
    assert await balance(api, org) == "120.00"
    assert await check_database(db) == []


async def test_a_completed_payout_stays_paid_out(api: Api, db: AsyncEngine) -> None:
    org = await _partner(api, db)
    payout = (await _request(api, org, "100.00")).json()
    # Requested is not sent yet: only a payout in transit (sent in a batch) can be completed.
    early = await api.admin("POST", f"/v1/admin/payouts/{payout['id']}/complete")
    assert "in transit" in assert_problem(early, 409, "invalid_state")["detail"]
    await send(api)
    done = await api.ok(None, "POST", f"/v1/admin/payouts/{payout['id']}/complete")
    assert done["status"] == "completed" and done["updated_at"] >= done["created_at"]
    assert await balance(api, org) == "20.00"
    assert (await api.ok(org, "GET", f"/v1/payouts/{payout['id']}"))["status"] == "completed"
    assert_problem(await api.admin("POST", f"/v1/admin/payouts/{payout['id']}/fail"), 409, "invalid_state")
    assert_problem(await api.admin("POST", "/v1/admin/payouts/po_nothing/complete"), 404, "not_found")
    assert await check_database(db) == []


async def test_what_a_request_needs(api: Api, db: AsyncEngine) -> None:
    org = await api.org("NoIban")
    await credit(db, org, "80.00")
    body = assert_problem(await _request(api, org, "60.00"), 422, "payout_account_missing")
    assert "payout_iban" in body["detail"]
    await with_payout_iban(api, org)

    below = assert_problem(await _request(api, org, "49.99"), 422, "validation_error")
    assert [e["loc"] for e in below["errors"]] == [["body", "amount"]]
    assert_problem(await _request(api, org, "80.01"), 422, "insufficient_balance")
    no_account = assert_problem(await _request(api, org, "60.00", "EUR"), 422, "validation_error")
    assert [e["loc"] for e in no_account["errors"]] == [["body", "currency"]]
    not_a_string = assert_problem(
        await api.call(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": 60}), 422
    )
    assert ["body", "amount"] in [e["loc"] for e in not_a_string["errors"]]

    assert await count(db, "payouts") == 0
    assert await balance(api, org) == "80.00"
    await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "80.00"})
    assert await balance(api, org) == "0.00"


async def test_an_idempotent_retry_pays_out_once(api: Api, db: AsyncEngine) -> None:
    org = await _partner(api, db)
    headers = {"Idempotency-Key": "payout-1"}
    first = await _request(api, org, "60.00", headers=headers)
    second = await _request(api, org, "60.00", headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second.headers["Idempotent-Replayed"] == "true"
    assert await count(db, "payouts") == 1
    assert await balance(api, org) == "60.00"


async def test_parallel_requests_never_overdraw(api: Api, db: AsyncEngine) -> None:
    org = await _partner(api, db, "230.00")
    answers = await asyncio.gather(*(_request(api, org, "50.00") for _ in range(10)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] * 4 + [422] * 6, statuses
    for refused in (r for r in answers if r.status_code == 422):
        assert_problem(refused, 422, "insufficient_balance")
    assert await balance(api, org) == "30.00"
    assert await count(db, "payouts") == 4
    assert await count(db, "account_entries", "kind = 'payout'") == 4
    assert await check_database(db) == []


async def test_events_go_to_the_organisation_only(api: Api, db: AsyncEngine) -> None:
    org = await _partner(api, db)
    other = await api.org("Other")
    first = (await _request(api, org, "50.00")).json()
    second = (await _request(api, org, "50.00")).json()
    await send(api)
    await api.ok(None, "POST", f"/v1/admin/payouts/{first['id']}/complete")
    await api.ok(None, "POST", f"/v1/admin/payouts/{second['id']}/fail")
    events = (await api.ok(org, "GET", "/v1/events?limit=100"))["data"]
    payout_events = [(e["type"], e["data"]["id"]) for e in events if e["type"].startswith("payout.")]
    assert sorted(payout_events) == sorted(
        [
            ("payout.requested", first["id"]),
            ("payout.requested", second["id"]),
            ("payout.in_transit", first["id"]),
            ("payout.in_transit", second["id"]),
            ("payout.completed", first["id"]),
            ("payout.failed", second["id"]),
        ]
    )
    failed = next(e for e in events if e["type"] == "payout.failed")
    assert failed["data"] == await api.ok(org, "GET", f"/v1/payouts/{second['id']}")
    kinds = [e["data"]["kind"] for e in events if e["type"].startswith("account.")]
    assert kinds.count("payout") == 2 and kinds.count("payout_returned") == 1
    assert (await api.ok(other, "GET", "/v1/events"))["data"] == []


async def test_a_stranger_sees_nothing(api: Api, db: AsyncEngine) -> None:
    org = await _partner(api, db)
    stranger = await api.org("Stranger")
    payout = (await _request(api, org, "50.00")).json()
    assert_problem(await api.call(stranger, "GET", f"/v1/payouts/{payout['id']}"), 404, "not_found")
    assert (await api.ok(stranger, "GET", "/v1/payouts"))["data"] == []
    assert (await api.ok(stranger, "GET", "/v1/account"))["balances"] == []
    assert (await api.ok(stranger, "GET", "/v1/account/entries"))["data"] == []
    for action in ("complete", "fail"):
        refused = await api.call(org, "POST", f"/v1/admin/payouts/{payout['id']}/{action}")
        assert_problem(refused, 403, "forbidden")
    assert_problem(await api.call(org, "GET", "/v1/admin/payouts"), 403, "forbidden")
    assert_problem(
        await api.call(org, "POST", "/v1/admin/payout-batches", json={"currency": "CHF"}), 403, "forbidden"
    )
    assert (await api.ok(org, "GET", f"/v1/payouts/{payout['id']}"))["status"] == "requested"


async def test_lists_are_newest_first_and_paginated(api: Api, db: AsyncEngine) -> None:
    org = await _partner(api, db, "500.00")
    made = [(await _request(api, org, f"{50 + i}.00")).json()["id"] for i in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        query = "/v1/payouts?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = await api.ok(org, "GET", query)
        seen += [p["id"] for p in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made[::-1]
