"""POST /v1/admin/accounts/{org_id}/adjustments (SPEC §9, §13): the platform credits or debits an
account with an ``adjustment`` entry, never below zero, told to that organisation alone."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.payouts.support import balance
from tests.support import Api, Org, count


def _path(org: Org | str) -> str:
    return f"/v1/admin/accounts/{org if isinstance(org, str) else org.id}/adjustments"


async def _adjust(api: Api, org: Org, amount: str, **headers: str) -> Any:
    body = {"currency": "CHF", "amount": amount, "reason": "Goodwill"}
    return await api.admin("POST", _path(org), json=body, headers=headers)


async def test_an_adjustment_credits_and_debits_the_account(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Adjusted AG")
    credited = await _adjust(api, org, "+12.5")
    assert credited.status_code == 201, credited.text
    entry = credited.json()
    assert (entry["currency"], entry["amount"], entry["kind"], entry["description"]) == (
        "CHF", "12.50", "adjustment", "Goodwill",
    )  # fmt: skip
    assert (await _adjust(api, org, "-2.50")).json()["amount"] == "-2.50"
    assert await balance(api, org) == "10.00"
    listed = (await api.ok(org, "GET", "/v1/account/entries"))["data"]
    assert [e["amount"] for e in listed] == ["-2.50", "12.50"]
    assert entry in listed
    assert await check_database(db) == []


async def test_an_adjustment_below_zero_is_refused(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Short AG")
    assert_problem(await _adjust(api, org, "-0.01"), 409, "negative_balance")  # no account yet
    await _adjust(api, org, "5.00")
    assert_problem(await _adjust(api, org, "-5.01"), 409, "negative_balance")
    assert (await _adjust(api, org, "-5.00")).status_code == 201
    assert await balance(api, org) == "0.00"
    assert await count(db, "account_entries", "org_id = :o", o=org.id) == 2


async def test_the_organisation_alone_is_told(api: Api) -> None:
    org, other = await api.org("Told AG"), await api.org("Other AG")
    entry = (await _adjust(api, org, "7.00")).json()
    [event] = [e for e in (await api.ok(org, "GET", "/v1/events"))["data"] if e["type"] == "account.credited"]
    assert event["data"] == entry
    assert [
        e for e in (await api.ok(other, "GET", "/v1/events"))["data"] if e["type"].startswith("account.")
    ] == []
    await _adjust(api, org, "-1.00")
    types = [e["type"] for e in (await api.ok(org, "GET", "/v1/events"))["data"]]
    assert types.count("account.debited") == 1


async def test_unknown_organisations_bad_input_and_org_keys_are_refused(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Guarded AG")
    good = {"currency": "CHF", "amount": "1.00", "reason": "Goodwill"}
    assert_problem(await api.admin("POST", _path("org_unknown"), json=good), 404, "not_found")
    assert_problem(await api.call(org, "POST", _path(org), json=good), 403, "forbidden")
    assert await count(db, "account_entries") == 0


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "0"},
        {"amount": "0.00"},
        {"amount": "1.234"},
        {"amount": 5},
        {"amount": "5e2"},
        {"amount": "--1.00"},
        {"amount": "12345678901.00"},
        {"currency": "USD"},
        {"reason": ""},
        {"reason": "two\nlines"},
        {"extra": True},
    ],
)
async def test_bad_input_is_422_and_writes_nothing(api: Api, db: AsyncEngine, change: dict[str, Any]) -> None:
    org = await api.org("Strict AG")
    body = {"currency": "CHF", "amount": "1.00", "reason": "Goodwill", **change}
    assert_problem(await api.admin("POST", _path(org), json=body), 422, "validation_error")
    assert await count(db, "account_entries") == 0


async def test_an_idempotency_key_replays_the_first_adjustment(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Replayed AG")
    first = await _adjust(api, org, "3.00", **{"Idempotency-Key": "adj-1"})
    again = await _adjust(api, org, "3.00", **{"Idempotency-Key": "adj-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert_problem(
        await _adjust(api, org, "4.00", **{"Idempotency-Key": "adj-1"}), 422, "idempotency_key_reused"
    )
    assert await balance(api, org) == "3.00"
