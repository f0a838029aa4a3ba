"""The bank's answers, imported like its notifications (POST /v1/admin/payments/import): a
camt.054 debit of a payout completes it, a pain.002 rejection fails it (its amount returned),
for one payout or its whole batch; importing an answer again changes nothing."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.payouts.bank_files import camt054_debits, pain002
from tests.payouts.support import balance, credit, send, with_payout_iban
from tests.support import Api, Org, rows


async def _import(api: Api, data: bytes) -> httpx.Response:
    return await api.admin(
        "POST", "/v1/admin/payments/import", content=data, headers={"Content-Type": "application/xml"}
    )


async def _sent(
    api: Api, db: AsyncEngine, amounts: list[str], name: str = "Agency"
) -> tuple[Org, dict[str, str], list[str]]:
    """An organisation's payouts of ``amounts``, sent in one batch: (org, batch, payout ids)."""
    org = await api.org(name)
    await with_payout_iban(api, org)
    await credit(db, org, "1000.00")
    ids = [
        (await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": a}))["id"]
        for a in amounts
    ]
    return org, await send(api), ids


async def _statuses(db: AsyncEngine) -> dict[str, str]:
    return {r.id: r.status for r in await rows(db, "SELECT id, status FROM payouts")}


async def test_a_debit_completes_its_payouts_once(api: Api, db: AsyncEngine) -> None:
    org, batch, ids = await _sent(api, db, ["50.00", "60.00", "70.00"])
    later = (await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "80.00"}))["id"]
    # The bank paid two of the batch; a debit naming a payout not sent (still requested) is not it.
    notification = camt054_debits([(ids[0], "50.00"), (ids[1], "60.00"), (later, "80.00")])
    response = await _import(api, notification)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["payouts_completed"] == sorted(ids[:2]) and answer["payouts_failed"] == []
    assert answer["matched"] == [] and answer["message"] == "camt.054.001.08"
    assert await _statuses(db) == {
        ids[0]: "completed",
        ids[1]: "completed",
        ids[2]: "in_transit",
        later: "requested",
    }
    assert (await api.ok(None, "GET", f"/v1/admin/payout-batches/{batch['id']}"))["status"] == "in_transit"

    again = (await _import(api, notification)).json()
    assert again["payouts_completed"] == [] and await _statuses(db) == {
        ids[0]: "completed", ids[1]: "completed", ids[2]: "in_transit", later: "requested"
    }  # fmt: skip
    completed = (await api.ok(org, "GET", "/v1/events?type=payout.completed"))["data"]
    assert sorted(e["data"]["id"] for e in completed) == sorted(ids[:2])
    assert await balance(api, org) == "740.00"  # nothing returned
    # Not booked yet: nothing happens.
    pending = (await _import(api, camt054_debits([(ids[2], "70.00")], status="PDNG"))).json()
    assert pending["payouts_completed"] == []
    single = (await _import(api, camt054_debits([(ids[2], "70.00")], batch=False))).json()
    assert single["payouts_completed"] == [ids[2]]
    assert (await api.ok(None, "GET", f"/v1/admin/payout-batches/{batch['id']}"))["status"] == "completed"
    assert await check_database(db) == []


async def test_a_rejected_transaction_fails_its_payout_and_returns_the_amount(
    api: Api, db: AsyncEngine
) -> None:
    for version in ("10", "03"):
        org, batch, ids = await _sent(api, db, ["50.00", "60.00"], name=f"Agency {version}")
        assert await balance(api, org) == "890.00"
        report = pain002(batch["message_id"], rejected=[ids[0]], accepted=[ids[1]], version=version)
        answer = (await _import(api, report)).json()
        assert answer["message"] == f"pain.002.001.{version}"
        assert (answer["payouts_failed"], answer["payouts_completed"], answer["matched"]) == (
            [ids[0]],
            [],
            [],
        )
        statuses = await _statuses(db)
        assert (statuses[ids[0]], statuses[ids[1]]) == ("failed", "in_transit")
        assert await balance(api, org) == "940.00"
        [returned, *_] = (await api.ok(org, "GET", "/v1/account/entries"))["data"]
        assert (returned["kind"], returned["payout_id"], returned["amount"]) == (
            "payout_returned",
            ids[0],
            "50.00",
        )
        assert (await _import(api, report)).json()["payouts_failed"] == []  # once
        assert await balance(api, org) == "940.00"
        failed = (await api.ok(org, "GET", "/v1/events?type=payout.failed"))["data"]
        assert [e["data"]["id"] for e in failed] == [ids[0]]
    assert await check_database(db) == []


async def test_a_rejected_file_fails_its_whole_batch(api: Api, db: AsyncEngine) -> None:
    org, batch, ids = await _sent(api, db, ["50.00", "60.00", "70.00"])
    await _import(api, camt054_debits([(ids[0], "50.00")]))  # one was paid before
    other = await api.org("Other")
    await with_payout_iban(api, other)
    await credit(db, other, "100.00")
    waiting = (await api.ok(other, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "100.00"}))["id"]
    answer = (await _import(api, pain002(batch["message_id"], group_status="RJCT"))).json()
    assert answer["payouts_failed"] == sorted(ids[1:])
    assert await _statuses(db) == {
        ids[0]: "completed",
        ids[1]: "failed",
        ids[2]: "failed",
        waiting: "requested",
    }
    assert await balance(api, org) == "950.00"
    assert (await api.ok(None, "GET", f"/v1/admin/payout-batches/{batch['id']}"))[
        "status"
    ] == "partially_failed"
    # An accepted group, or a report on a file that is not ours, changes nothing.
    for report in (
        pain002(batch["message_id"], group_status="ACCP"),
        pain002("PB-NOT-OURS", group_status="RJCT"),
    ):
        assert (await _import(api, report)).json()["payouts_failed"] == []
    assert await check_database(db) == []


async def test_a_bad_status_report_is_refused_and_changes_nothing(api: Api, db: AsyncEngine) -> None:
    org, batch, ids = await _sent(api, db, ["50.00"])
    good = pain002(batch["message_id"], rejected=ids)
    entity = b'<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    doctype = good.replace(b"<Document", entity + b"<Document", 1).replace(b"AC04", b"&x;")
    no_header = good.replace(b"<GrpHdr>", b"<Hdr>").replace(b"</GrpHdr>", b"</Hdr>")
    for data in (doctype, no_header, good[:-20]):
        assert_problem(await _import(api, data), 422, "unreadable_notification")
    assert await _statuses(db) == {ids[0]: "in_transit"}
    assert await balance(api, org) == "950.00"
