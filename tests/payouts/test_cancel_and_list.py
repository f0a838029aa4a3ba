"""Cancelling a payout (its organisation, while it is requested) and the operators' list."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.payouts.support import balance, credit, send, with_payout_accounts, with_payout_iban
from tests.support import Api, Org, count


async def _agency(api: Api, db: AsyncEngine, name: str = "Agency", currency: str = "CHF") -> Org:
    org = await api.org(name, currency=currency)
    await with_payout_iban(api, org)
    await credit(db, org, "200.00", currency)
    return org


async def test_a_requested_payout_is_cancelled_and_its_amount_returns(api: Api, db: AsyncEngine) -> None:
    org = await _agency(api, db)
    stranger = await _agency(api, db, "Stranger")
    payout = await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "80.00"})
    path = f"/v1/payouts/{payout['id']}/cancel"
    assert_problem(await api.call(stranger, "POST", path), 404, "not_found")
    assert_problem(await api.call(org, "POST", "/v1/payouts/po_nothing/cancel"), 404, "not_found")
    assert await balance(api, org) == "120.00"

    cancelled = await api.ok(org, "POST", path)
    assert cancelled["status"] == "cancelled" and cancelled["batch_id"] is None
    assert await balance(api, org) == "200.00"
    [returned, *_] = (await api.ok(org, "GET", "/v1/account/entries"))["data"]
    assert (returned["kind"], returned["amount"], returned["payout_id"]) == (
        "payout_returned",
        "80.00",
        payout["id"],
    )
    # Once: again, or any other decision, is refused and changes nothing.
    assert_problem(await api.call(org, "POST", path), 409, "invalid_state")
    assert_problem(await api.admin("POST", f"/v1/admin/payouts/{payout['id']}/fail"), 409, "invalid_state")
    assert await balance(api, org) == "200.00"
    events = (await api.ok(org, "GET", "/v1/events?type=payout.cancelled"))["data"]
    assert [e["data"] for e in events] == [await api.ok(org, "GET", f"/v1/payouts/{payout['id']}")]
    assert (await api.ok(stranger, "GET", "/v1/events?type=payout.cancelled"))["data"] == []
    # Nothing left to send.
    await with_payout_accounts(api)
    assert_problem(
        await api.admin("POST", "/v1/admin/payout-batches", json={"currency": "CHF"}), 409, "nothing_to_pay"
    )
    assert await check_database(db) == []


async def test_a_payout_in_transit_cannot_be_cancelled(api: Api, db: AsyncEngine) -> None:
    org = await _agency(api, db)
    payout = await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
    await send(api)
    refused = assert_problem(
        await api.call(org, "POST", f"/v1/payouts/{payout['id']}/cancel"), 409, "invalid_state"
    )
    assert "in transit" in refused["detail"]
    assert (await api.ok(org, "GET", f"/v1/payouts/{payout['id']}"))["status"] == "in_transit"
    assert await balance(api, org) == "150.00"


async def test_a_cancel_and_a_batch_at_the_same_time_never_both_win(api: Api, db: AsyncEngine) -> None:
    org = await _agency(api, db, currency="CHF")
    await with_payout_accounts(api)
    for _ in range(4):
        payout = await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
        cancel, batch = await asyncio.gather(
            api.call(org, "POST", f"/v1/payouts/{payout['id']}/cancel"),
            api.admin("POST", "/v1/admin/payout-batches", json={"currency": "CHF"}),
        )
        # Either the cancel came first (the batch has nothing to pay) or the batch did.
        assert sorted([cancel.status_code, batch.status_code]) in ([200, 409], [201, 409]), (
            cancel.text,
            batch.text,
        )
        status = (await api.ok(org, "GET", f"/v1/payouts/{payout['id']}"))["status"]
        assert status == ("cancelled" if cancel.status_code == 200 else "in_transit")
    assert await check_database(db) == []


async def test_operators_list_every_payout_by_status_and_currency(api: Api, db: AsyncEngine) -> None:
    chf = await _agency(api, db, "Swiss")
    eur = await _agency(api, db, "Euro", currency="EUR")
    made = [
        await api.ok(org, "POST", "/v1/payouts", json={"currency": currency, "amount": "50.00"})
        for org, currency in ((chf, "CHF"), (eur, "EUR"), (chf, "CHF"))
    ]
    everything = await api.ok(None, "GET", "/v1/admin/payouts?limit=2")
    rest = await api.ok(None, "GET", f"/v1/admin/payouts?limit=2&cursor={everything['next_cursor']}")
    assert [p["id"] for p in everything["data"] + rest["data"]] == [p["id"] for p in reversed(made)]
    assert rest["next_cursor"] is None
    assert {p["org_id"] for p in everything["data"] + rest["data"]} == {chf.id, eur.id}
    swiss = await api.ok(None, "GET", "/v1/admin/payouts?currency=CHF&status=requested")
    assert [p["id"] for p in swiss["data"]] == [made[2]["id"], made[0]["id"]]
    assert (await api.ok(None, "GET", "/v1/admin/payouts?status=completed"))["data"] == []
    for bad in ("status=paid", "currency=USD", "limit=0", "cursor=nonsense"):
        assert_problem(await api.admin("GET", f"/v1/admin/payouts?{bad}"), 422)
    assert_problem(await api.call(chf, "GET", "/v1/admin/payouts"), 403, "forbidden")
    assert await count(db, "payouts") == 3
