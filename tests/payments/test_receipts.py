"""Unapplied receipts (SPEC §13): every credit of an imported file that pays none of our
invoices is kept as an open receipt with its reason, listed, and applied (to an invoice or an
account) or returned exactly once, also under concurrency."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from typing import Any

from lxml import etree
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.documents.test_invoice_documents import ISSUER
from tests.payments.camt_files import camt054
from tests.payments.helpers import balance, case_a, entries
from tests.payments.test_credit_identity import Q, drop, edit, set_text
from tests.support import Api, World, build_world, count, rows

XML = {"Content-Type": "application/xml"}


async def _import(api: Api, data: bytes) -> dict[str, Any]:
    response = await api.admin("POST", "/v1/admin/payments/import", content=data, headers=XML)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def _world(api: Api) -> tuple[World, dict[str, Any]]:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api)
    return w, await case_a(api, w)


async def _one_receipt(api: Api, amount: str = "50.00", ref: str = "R-1") -> dict[str, Any]:
    [kept] = (await _import(api, camt054([(None, amount, "CHF", ref)])))["unmatched"]
    receipt: dict[str, Any] = await api.ok(None, "GET", f"/v1/admin/receipts/{kept['receipt_id']}")
    return receipt


async def test_every_credit_that_pays_no_invoice_is_an_open_receipt_with_its_reason(
    api: Api, db: AsyncEngine
) -> None:
    w, a = await _world(api)
    credited = await case_a(api, w)
    await api.ok(None, "POST", f"/v1/admin/invoices/{credited['id']}/credit-note", json={"reason": "x"})
    data = edit(
        camt054(
            [
                (a["payment_reference"], "10.5", "EUR", "U-1"),
                ("RF18539007547034", "5.00", "CHF", "U-2"),
                (None, "7", "CHF", "U-3"),
                (credited["payment_reference"], "129.72", "CHF", "U-4"),
                (a["payment_reference"], "129.72", "CHF", "U-5"),
                (a["payment_reference"], "1.00", "CHF", "U-6"),
            ]
        ),
        lambda root: [
            set_text("(//c:TxDtls)[6]/c:Refs/c:AcctSvcrRef", "U-5")(root),
            set_text("(//c:Ntry)[1]//c:Amt", "10.5")(root),
            set_text("(//c:Ntry)[3]//c:Amt", "7")(root),
        ],
    )
    result = await _import(api, data)
    assert [m["entry_reference"] for m in result["matched"]] == ["U-5"]
    reasons = {u["entry_reference"]: (u["reason"], u["amount"]) for u in result["unmatched"]}
    assert reasons == {
        "U-1": ("currency_mismatch", "10.50"),
        "U-2": ("unknown_reference", "5.00"),
        "U-3": ("no_reference", "7.00"),
        "U-4": ("invoice_credited", "129.72"),
        "U-5#D2": ("duplicate_reference_in_file", "1.00"),
    }
    listed = await api.ok(None, "GET", "/v1/admin/receipts?status=open&limit=2")
    assert len(listed["data"]) == 2 and listed["next_cursor"] is not None
    rest = await api.ok(None, "GET", f"/v1/admin/receipts?status=open&cursor={listed['next_cursor']}")
    receipts = listed["data"] + rest["data"]
    assert sorted(r["id"] for r in receipts) == sorted(u["receipt_id"] for u in result["unmatched"])
    one = next(r for r in receipts if r["entry_reference"] == "U-1")
    message_id = etree.fromstring(data).xpath("//c:MsgId/text()", namespaces=Q)[0]
    assert (one["amount"], one["currency"], one["status"], one["debtor_name"]) == (
        "10.50",
        "EUR",
        "open",
        "Muster AG",
    )
    assert (one["file_message_id"], one["reference"]) == (message_id, a["payment_reference"])
    assert (await api.ok(None, "GET", "/v1/admin/receipts?status=applied"))["data"] == []
    # In the platform's log, never an organisation's.
    assert await count(db, "events", "type = 'receipt.received' AND org_id IS NULL") == 5
    assert await count(db, "events", "type LIKE 'receipt.%' AND org_id IS NOT NULL") == 0
    # The same file again records nothing new, and says what each credit became.
    again = await _import(api, data)
    assert (again["matched"], again["unmatched"]) == ([], [])
    assert sorted(d["receipt_id"] for d in again["duplicates"] if d["outcome"] == "receipt") == sorted(
        u["receipt_id"] for u in result["unmatched"]
    )
    assert await count(db, "receipts") == 5 and await count(db, "payments") == 1
    assert await check_database(db) == []


async def test_a_receipt_applied_to_an_invoice_is_its_payment_once(api: Api, db: AsyncEngine) -> None:
    w, a = await _world(api)
    receipt = await _one_receipt(api, "150.00")
    path = f"/v1/admin/receipts/{receipt['id']}"
    applied = await api.ok(None, "POST", f"{path}/apply", json={"invoice_id": a["id"]})
    assert (applied["status"], applied["invoice_id"]) == ("applied", a["id"])
    paid = await api.ok(w.acme, "GET", f"/v1/invoices/{a['id']}")
    [payment] = paid["payments"]
    assert (paid["status"], payment["id"], payment["amount"]) == ("paid", applied["payment_id"], "150.00")
    assert ("overpayment", D("20.28")) in await entries(db, w.acme)
    assert await entries(db, w.agency) == [("cashback", D("24.00"))]
    for again in ({"invoice_id": a["id"]}, {"org_id": w.acme.id}):
        assert_problem(await api.admin("POST", f"{path}/apply", json=again), 409, "receipt_not_open")
    assert_problem(await api.admin("POST", f"{path}/return", json={"reason": "x"}), 409, "receipt_not_open")
    assert await count(db, "events", "type = 'receipt.applied' AND org_id IS NULL") == 1
    assert await check_database(db) == []


async def test_a_receipt_applied_to_an_account_is_an_entry_receipt(api: Api, db: AsyncEngine) -> None:
    w, _ = await _world(api)
    receipt = await _one_receipt(api, "33.30")
    applied = await api.ok(
        None, "POST", f"/v1/admin/receipts/{receipt['id']}/apply", json={"org_id": w.agency.id}
    )
    assert (applied["status"], applied["org_id"], applied["invoice_id"]) == ("applied", w.agency.id, None)
    assert await entries(db, w.agency) == [("receipt", D("33.30"))]
    [entry] = (await api.ok(w.agency, "GET", "/v1/account/entries"))["data"]
    assert (entry["id"], entry["kind"]) == (applied["account_entry_id"], "receipt")
    assert await balance(db, w.agency) == D("33.30")
    assert await check_database(db) == []


async def test_a_returned_receipt_leaves_the_books_alone(api: Api, db: AsyncEngine) -> None:
    w, _ = await _world(api)
    receipt = await _one_receipt(api)
    before = await count(db, "account_entries"), await count(db, "payments")
    path = f"/v1/admin/receipts/{receipt['id']}"
    returned = await api.ok(None, "POST", f"{path}/return", json={"reason": "Unknown sender"})
    assert (returned["status"], returned["return_reason"]) == ("returned", "Unknown sender")
    assert (await count(db, "account_entries"), await count(db, "payments")) == before
    assert_problem(
        await api.admin("POST", f"{path}/apply", json={"org_id": w.acme.id}), 409, "receipt_not_open"
    )
    assert [r["id"] for r in (await api.ok(None, "GET", "/v1/admin/receipts?status=returned"))["data"]] == [
        receipt["id"]
    ]


async def test_ten_applies_of_one_receipt_at_once_record_exactly_one(api: Api, db: AsyncEngine) -> None:
    w, a = await _world(api)
    receipt = await _one_receipt(api, "129.72")
    path = f"/v1/admin/receipts/{receipt['id']}/apply"
    bodies = [{"invoice_id": a["id"]} if i % 2 else {"org_id": w.acme.id} for i in range(10)]
    answers = await asyncio.gather(*(api.admin("POST", path, json=body) for body in bodies))
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(200) == 1, statuses
    assert all(r.json()["code"] == "receipt_not_open" for r in answers if r.status_code != 200)
    made = await count(db, "payments") + await count(db, "account_entries", "kind = 'receipt'")
    assert made == 1
    assert await check_database(db) == []


async def test_bad_applies_are_refused_and_change_nothing(api: Api, db: AsyncEngine) -> None:
    w, a = await _world(api)
    receipt = await _one_receipt(api)
    path = f"/v1/admin/receipts/{receipt['id']}"
    for body in ({}, {"invoice_id": a["id"], "org_id": w.acme.id}, {"invoice_id": ""}, {"other": 1}):
        assert_problem(await api.admin("POST", f"{path}/apply", json=body), 422, "validation_error")
    assert_problem(await api.admin("POST", f"{path}/apply", json={"org_id": "org_nobody"}), 404, "not_found")
    assert_problem(
        await api.admin("POST", f"{path}/apply", json={"invoice_id": "inv_nobody"}), 404, "not_found"
    )
    assert_problem(await api.admin("POST", f"{path}/return", json={}), 422, "validation_error")
    eur = (await _import(api, camt054([(None, "5.00", "EUR", "R-EUR")])))["unmatched"][0]["receipt_id"]
    wrong = await api.admin("POST", f"/v1/admin/receipts/{eur}/apply", json={"invoice_id": a["id"]})
    assert wrong.status_code == 422, wrong.text
    for unknown in ("GET", "POST"):
        target = "/v1/admin/receipts/rcp_nobody" + ("/return" if unknown == "POST" else "")
        assert_problem(
            await api.admin(unknown, target, json={"reason": "x"} if unknown == "POST" else None),
            404,
            "not_found",
        )
    assert_problem(await api.call(w.acme, "GET", path), 403, "forbidden")
    assert_problem(await api.call(w.acme, "GET", "/v1/admin/receipts"), 403, "forbidden")
    assert_problem(await api.admin("GET", "/v1/admin/receipts?status=lost"), 422, "validation_error")
    assert await count(db, "payments") == 0 and await count(db, "account_entries") == 0
    assert (await api.ok(None, "GET", path))["status"] == "open"


async def test_an_apply_with_an_idempotency_key_is_answered_again_not_refused(
    api: Api, db: AsyncEngine
) -> None:
    w, _ = await _world(api)
    receipt = await _one_receipt(api)
    path = f"/v1/admin/receipts/{receipt['id']}/apply"
    key = {"Idempotency-Key": "apply-1"}
    first = await api.admin("POST", path, json={"org_id": w.acme.id}, headers=key)
    second = await api.admin("POST", path, json={"org_id": w.acme.id}, headers=key)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.headers.get("Idempotent-Replayed") == "true" and second.json() == first.json()
    assert await count(db, "account_entries", "kind = 'receipt'") == 1


async def test_a_second_credit_with_the_same_bank_reference_is_kept_not_dropped(
    api: Api, db: AsyncEngine
) -> None:
    _, a = await _world(api)
    data = edit(
        camt054([(a["payment_reference"], "100.00", "CHF", "S-1"), (None, "29.72", "CHF", "S-2")]),
        lambda root: [
            set_text("//c:TxDtls/c:Refs/c:AcctSvcrRef", "SAME")(root),
            set_text("//c:Ntry/c:AcctSvcrRef", "SAME-ENTRY")(root),
        ],
    )
    result = await _import(api, data)
    assert [m["amount"] for m in result["matched"]] == ["100.00"]
    assert [(u["entry_reference"], u["amount"]) for u in result["unmatched"]] == [("SAME#D2", "29.72")]
    found = await rows(db, "SELECT sum(amount) AS total FROM receipts")
    assert found[0].total == D("29.72")


async def test_another_file_reusing_a_message_id_loses_no_payment(api: Api, db: AsyncEngine) -> None:
    w, a = await _world(api)
    first = edit(camt054([(a["payment_reference"], "29.72", "CHF", "M-1")]), drop("//c:AcctSvcrRef"))
    second = edit(camt054([(a["payment_reference"], "100.00", "CHF", "M-2")]), drop("//c:AcctSvcrRef"))
    message_id = etree.fromstring(first).xpath("//c:MsgId/text()", namespaces=Q)[0]
    second = edit(second, set_text("//c:MsgId", message_id))
    assert len((await _import(api, first))["matched"]) == 1
    assert len((await _import(api, second))["matched"]) == 1
    paid = await api.ok(w.acme, "GET", f"/v1/invoices/{a['id']}")
    assert (paid["status"], paid["amount_paid"]) == ("paid", "129.72")


async def test_a_file_breaking_a_rule_is_refused_and_every_document_still_reads(
    api: Api, db: AsyncEngine
) -> None:
    w, a = await _world(api)
    data = camt054([(a["payment_reference"], "1.00", "CHF", "D-1"), (None, "2.00", "CHF", "D-2")])
    for change in (
        set_text("(//c:Ntry)[2]/c:BookgDt/c:Dt", "0001-01-01"),
        set_text("(//c:Ntry)[1]/c:Amt", "500.00"),
        set_text("(//c:Ntry)[2]//c:Amt", "1000000000.01"),
    ):
        refused = await api.admin(
            "POST", "/v1/admin/payments/import", content=edit(data, change), headers=XML
        )
        assert_problem(refused, 422, "unreadable_notification")
        assert "entry " in refused.json()["detail"]
    assert await count(db, "payments") == 0 and await count(db, "receipts") == 0
    assert await count(db, "bank_credits") == 0
    assert (await api.ok(w.acme, "GET", f"/v1/invoices/{a['id']}"))["amount_paid"] == "0.00"
