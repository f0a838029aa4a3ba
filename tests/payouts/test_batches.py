"""Payout batches: every requested payout of a currency goes to the bank once, in one pain.001
file that is the same bytes on every download and debits the issuer's payout account."""

from __future__ import annotations

import asyncio
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.payouts.files import NS, text_at, valid_pain001
from tests.payouts.support import (
    CH_IBAN,
    DE_IBAN,
    PAYOUT_ACCOUNTS,
    credit,
    send,
    with_payout_accounts,
    with_payout_iban,
)
from tests.profiles.helpers import QR_IBAN, put_issuer
from tests.support import Api, Org, rows


async def _payouts(api: Api, db: AsyncEngine) -> dict[str, tuple[str, str, str]]:
    """Three CHF payouts of two organisations, one EUR; id → (amount, IBAN, holder)."""
    made: dict[str, tuple[str, str, str]] = {}
    for name, amounts in (("Zürcher Agentur", ["50.00", "72.35"]), ("Second", ["99.99"])):
        org = await api.org(name)
        await with_payout_iban(api, org, CH_IBAN, legal_name=f"{name} GmbH")
        await credit(db, org, "500.00")
        for amount in amounts:
            payout = await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": amount})
            made[payout["id"]] = (amount, CH_IBAN, f"{name} GmbH")
    euro = await api.org("Euro", currency="EUR")
    await with_payout_iban(api, euro, DE_IBAN)
    await credit(db, euro, "100.00", "EUR")
    await api.ok(euro, "POST", "/v1/payouts", json={"currency": "EUR", "amount": "60.00"})
    return made


async def _file(api: Api, batch_id: str) -> bytes:
    response = await api.admin("GET", f"/v1/admin/payout-batches/{batch_id}/pain001")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return response.content


async def test_each_payout_is_paid_once_and_the_file_is_the_same_on_every_download(
    api: Api, db: AsyncEngine
) -> None:
    await with_payout_accounts(api)
    made = await _payouts(api, db)
    response = await api.admin("POST", "/v1/admin/payout-batches", json={"currency": "CHF"})
    assert response.status_code == 201, response.text
    batch = response.json()
    assert set(batch) >= {"id", "currency", "status", "count", "total", "message_id", "created_at"}
    assert (batch["currency"], batch["status"], batch["count"]) == ("CHF", "in_transit", 3)
    assert batch["total"] == str(sum(Decimal(a) for a, _, _ in made.values())) == "222.34"
    # The defect: the export gave the same payouts again. Now they are in transit, in this batch.
    assert_problem(
        await api.admin("POST", "/v1/admin/payout-batches", json={"currency": "CHF"}), 409, "nothing_to_pay"
    )
    listed = (await api.ok(None, "GET", "/v1/admin/payouts?status=in_transit&currency=CHF"))["data"]
    assert {p["id"] for p in listed} == set(made)
    assert {p["batch_id"] for p in listed} == {batch["id"]}

    first, second = await _file(api, batch["id"]), await _file(api, batch["id"])
    assert first == second  # byte-identical
    root = valid_pain001(first)
    transactions = root.findall(".//p:CdtTrfTxInf", NS)
    found = {
        text_at(t, "p:PmtId/p:EndToEndId"): (
            text_at(t, "p:Amt/p:InstdAmt"), text_at(t, "p:CdtrAcct/p:Id/p:IBAN"), text_at(t, "p:Cdtr/p:Nm")
        )
        for t in transactions
    }  # fmt: skip
    assert found == {pid: (a, i, h.replace("ü", "u")) for pid, (a, i, h) in made.items()}
    assert [text_at(t, "p:PmtId/p:EndToEndId") for t in transactions] == list(made)  # oldest first
    header = "p:CstmrCdtTrfInitn/p:GrpHdr/"
    assert text_at(root, header + "p:MsgId") == batch["message_id"]
    assert text_at(root, "p:CstmrCdtTrfInitn/p:PmtInf/p:PmtInfId") == batch["message_id"]
    assert text_at(root, header + "p:NbOfTxs") == "3"
    assert text_at(root, header + "p:CtrlSum") == batch["total"]
    created = datetime.fromisoformat(text_at(root, header + "p:CreDtTm"))
    assert created.utcoffset() is not None  # with its offset
    stamped = datetime.fromisoformat(batch["created_at"].replace("Z", "+00:00"))
    assert created == stamped.replace(microsecond=0)
    assert root.find(".//p:SvcLvl", NS) is None  # Swiss domestic: no SEPA service level
    # The debtor is the payout account, never the QR-IBAN payers pay to.
    assert text_at(root, ".//p:DbtrAcct/p:Id/p:IBAN") == PAYOUT_ACCOUNTS["CHF"]["iban"] != QR_IBAN
    assert QR_IBAN.encode() not in first
    # No BIC for this CHF account: the bank is NOTPROVIDED, never an empty FinInstnId.
    assert text_at(root, ".//p:DbtrAgt/p:FinInstnId/p:Othr/p:Id") == "NOTPROVIDED"
    assert await check_database(db) == []


async def test_the_eur_file_is_a_sepa_transfer_with_the_accounts_bic(api: Api, db: AsyncEngine) -> None:
    await with_payout_accounts(api)
    await _payouts(api, db)
    batch = await send(api, "EUR")
    assert (batch["count"], batch["total"], batch["debtor_bic"]) == (1, "60.00", "BYLADEM1001")
    root = valid_pain001(await _file(api, batch["id"]))
    assert text_at(root, ".//p:SvcLvl/p:Cd") == "SEPA"
    assert text_at(root, ".//p:DbtrAgt/p:FinInstnId/p:BICFI") == "BYLADEM1001"
    assert text_at(root, ".//p:DbtrAcct/p:Id/p:IBAN") == PAYOUT_ACCOUNTS["EUR"]["iban"]
    [transaction] = root.findall(".//p:CdtTrfTxInf", NS)
    assert text_at(transaction, "p:CdtrAcct/p:Id/p:IBAN") == DE_IBAN
    # The CHF payouts wait for their own batch.
    assert len((await api.ok(None, "GET", "/v1/admin/payouts?status=requested"))["data"]) == 3


async def test_the_execution_date_is_the_creation_day_in_the_issuers_time_zone(
    api: Api, db: AsyncEngine
) -> None:
    # UTC+14 and UTC-11: at any moment one of the two is on another day than UTC.
    org = await api.org("Agency")
    await with_payout_iban(api, org)
    await credit(db, org, "200.00")
    utc_days, local_days = set(), set()
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        await with_payout_accounts(api, time_zone=zone)
        await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
        batch = await send(api)
        created = datetime.fromisoformat(batch["created_at"].replace("Z", "+00:00"))
        local = created.astimezone(ZoneInfo(zone))
        root = valid_pain001(await _file(api, batch["id"]))
        assert text_at(root, ".//p:ReqdExctnDt/p:Dt") == batch["execution_date"] == local.date().isoformat()
        stamp = datetime.fromisoformat(text_at(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm"))
        assert stamp.utcoffset() == local.utcoffset() and stamp == created.replace(microsecond=0)
        utc_days.add(created.date())
        local_days.add(local.date())
    assert utc_days != local_days or len(local_days) == 2


async def test_no_batch_without_a_payout_account_or_without_payouts(api: Api, db: AsyncEngine) -> None:
    async def create(currency: str) -> Any:
        return await api.admin("POST", "/v1/admin/payout-batches", json={"currency": currency})

    org = await api.org("Agency")
    await with_payout_iban(api, org)
    await credit(db, org, "100.00")
    await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "60.00"})
    assert_problem(await create("CHF"), 409, "issuer_payout_account_missing")  # no issuer
    await put_issuer(api)  # payers' accounts only
    body = assert_problem(await create("CHF"), 409, "issuer_payout_account_missing")
    assert "payout_accounts" in body["detail"]
    await with_payout_accounts(api, {"EUR": PAYOUT_ACCOUNTS["EUR"]})
    assert_problem(await create("CHF"), 409, "issuer_payout_account_missing")
    assert_problem(await create("EUR"), 409, "nothing_to_pay")
    for bad in ({"currency": "USD"}, {}, {"currency": "CHF", "extra": 1}):
        assert_problem(await api.admin("POST", "/v1/admin/payout-batches", json=bad), 422)
    assert (await rows(db, "SELECT count(*) AS n FROM payout_batches"))[0].n == 0
    assert (await rows(db, "SELECT status FROM payouts"))[0].status == "requested"


async def test_batches_at_the_same_time_take_each_payout_once(api: Api, db: AsyncEngine) -> None:
    await with_payout_accounts(api)
    orgs: list[Org] = []
    for i in range(3):
        org = await api.org(f"Agency {i}")
        await with_payout_iban(api, org)
        await credit(db, org, "1000.00")
        orgs.append(org)
    for i in range(30):
        await api.ok(orgs[i % 3], "POST", "/v1/payouts", json={"currency": "CHF", "amount": f"{50 + i}.00"})
    answers = await asyncio.gather(
        *(api.admin("POST", "/v1/admin/payout-batches", json={"currency": "CHF"}) for _ in range(10))
    )
    made = [r.json() for r in answers if r.status_code == 201]
    for refused in (r for r in answers if r.status_code != 201):
        assert_problem(refused, 409, "nothing_to_pay")
    assert made and sum(b["count"] for b in made) == 30
    placed = await rows(db, "SELECT id, status, batch_id FROM payouts")
    assert len(placed) == 30 and {p.status for p in placed} == {"in_transit"}
    assert {p.batch_id for p in placed} == {b["id"] for b in made}
    in_files: list[str] = []
    for batch in made:
        root = valid_pain001(await _file(api, batch["id"]))
        in_files += [e.text or "" for e in root.iterfind(".//p:EndToEndId", NS)]
    assert sorted(in_files) == sorted(p.id for p in placed)  # each in exactly one file
    assert await check_database(db) == []


async def test_the_batch_follows_its_payouts_and_is_listed(api: Api, db: AsyncEngine) -> None:
    await with_payout_accounts(api)
    org = await api.org("Agency")
    await with_payout_iban(api, org)
    await credit(db, org, "300.00")
    ids = [
        (await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"}))["id"]
        for _ in range(3)
    ]
    older = await send(api)
    fourth = await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
    newer = await send(api)
    listed = await api.ok(None, "GET", "/v1/admin/payout-batches?limit=1")
    assert [b["id"] for b in listed["data"]] == [newer["id"]]
    rest = await api.ok(None, "GET", f"/v1/admin/payout-batches?limit=1&cursor={listed['next_cursor']}")
    assert [b["id"] for b in rest["data"]] == [older["id"]] and rest["next_cursor"] is None

    await api.ok(None, "POST", f"/v1/admin/payouts/{ids[0]}/complete")
    path = f"/v1/admin/payout-batches/{older['id']}"
    assert (await api.ok(None, "GET", path))["status"] == "in_transit"
    await api.ok(None, "POST", f"/v1/admin/payouts/{ids[1]}/complete")
    await api.ok(None, "POST", f"/v1/admin/payouts/{ids[2]}/fail")
    seen = await api.ok(None, "GET", path)
    assert seen == {**older, "status": "partially_failed"}
    assert_problem(await api.admin("GET", "/v1/admin/payout-batches/pob_nothing"), 404, "not_found")
    assert_problem(await api.admin("GET", "/v1/admin/payout-batches/pob_nothing/pain001"), 404, "not_found")
    for path in (
        f"/v1/admin/payout-batches/{older['id']}",
        f"/v1/admin/payout-batches/{older['id']}/pain001",
    ):
        assert_problem(await api.call(org, "GET", path), 403, "forbidden")
    # The platform's log tells of each batch; the organisation hears of its payouts only.
    logged = (await api.ok(None, "GET", "/v1/admin/events?type=payout_batch.created"))["data"]
    assert [e["data"]["id"] for e in logged] == [newer["id"], older["id"]]
    own = (await api.ok(org, "GET", "/v1/events?type=payout.in_transit&limit=100"))["data"]
    assert sorted(e["data"]["id"] for e in own) == sorted([*ids, fourth["id"]])
    assert all(e["data"]["batch_id"] is None for e in own)
    assert await check_database(db) == []


async def test_check_finds_a_batch_that_does_not_add_up(api: Api, db: AsyncEngine) -> None:
    await with_payout_accounts(api)
    org = await api.org("Agency")
    await with_payout_iban(api, org)
    await credit(db, org, "100.00")
    payout = await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
    batch = await send(api)
    assert await check_database(db) == []
    async with transaction(db) as conn:
        await conn.execute(
            text("UPDATE payout_batches SET total = total + 1 WHERE id = :b"), {"b": batch["id"]}
        )
    found = {b.invariant: b.sample for b in await check_database(db)}
    assert found == {"a payout batch's count and total are its payouts'": [batch["id"]]}
    async with transaction(db) as conn:  # a second batch of the same count and total, without payouts
        await conn.execute(
            text("UPDATE payout_batches SET total = total - 1 WHERE id = :b"), {"b": batch["id"]}
        )
        await conn.execute(text("ALTER TABLE payouts DROP CONSTRAINT ck_payouts_batch"))
        await conn.execute(text("UPDATE payouts SET batch_id = NULL WHERE id = :p"), {"p": payout["id"]})
    found = {b.invariant: b.sample for b in await check_database(db)}
    assert found["every payout in transit is in exactly one batch, of its currency"] == [payout["id"]]
