"""POST /v1/admin/payments/import: the bank's own camt files over HTTP, the loop of worked example
A paid by a camt.054 that quotes the invoice's QR reference, bad files answered and recording
nothing, and the same file imported by five requests at once recorded once."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.documents.reading import qr_payloads
from tests.documents.test_invoice_documents import ISSUER
from tests.payments.camt_files import Line, camt053, camt054
from tests.payments.helpers import balance, case_a, case_b, entries
from tests.payments.test_camt import LAUGHS, XXE
from tests.support import Api, build_world, count

XML = {"Content-Type": "application/xml"}


async def _import(api: Api, data: bytes, **headers: str) -> httpx.Response:
    return await api.admin("POST", "/v1/admin/payments/import", content=data, headers={**XML, **headers})


async def test_worked_example_a_paid_from_the_banks_own_files(api: Api, db: AsyncEngine) -> None:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)  # a QR-IBAN: QR references
    w = await build_world(api)
    a = await case_a(api, w)
    assert len(a["payment_reference"]) == 27
    notification = camt054([(a["payment_reference"], "129.72", "CHF", "ZKB-2026-0001")])
    response = await _import(api, notification)
    assert response.status_code == 200, response.text
    result = response.json()
    [matched] = result["matched"]
    assert (matched["invoice_id"], matched["amount"], result["unmatched"]) == (a["id"], "129.72", [])
    paid = await api.ok(w.acme, "GET", f"/v1/invoices/{a['id']}")
    assert (paid["status"], paid["amount_due"]) == ("paid", "0.00")
    [payment] = paid["payments"]
    assert (payment["method"], payment["id"]) == ("bank_transfer", matched["payment_id"])
    assert await entries(db, w.agency) == [("cashback", D("24.00"))]
    # Its events, recorded together at the end of the import, in its transaction.
    told = "type IN ('payment.received', 'invoice.paid', 'cashback.available', 'account.credited')"
    assert await count(db, "events", told) == 4
    # The same file again, and the day's statement with the same entry: nothing new.
    for again in (notification, camt053([(a["payment_reference"], "129.72", "CHF", "ZKB-2026-0001")])):
        repeat = (await _import(api, again)).json()
        assert (repeat["matched"], [d["payment_id"] for d in repeat["duplicates"]]) == ([], [payment["id"]])
    assert await count(db, "events", told) == 4

    b = await case_b(api, w)
    assert_problem(
        await api.call(w.agency, "POST", f"/v1/invoices/{b['id']}/pay-from-balance"),
        409,
        "insufficient_balance",
    )
    part = await api.ok(w.agency, "POST", f"/v1/invoices/{b['id']}/pay-from-balance", json={"partial": True})
    assert part["amount_due"] == "79.78"
    [qr] = qr_payloads((await api.call(w.agency, "GET", f"/v1/invoices/{b['id']}/pdf")).content)
    assert qr[18] == "79.78"
    # The bank pays 100.00 quoting the reference as printed, in groups: 20.22 too much.
    printed = " ".join(b["payment_reference"][i : i + 5] for i in range(2, 27, 5))
    settled = (
        await _import(
            api,
            camt054([(b["payment_reference"][:2] + " " + printed, "100.00", "CHF", "ZKB-2")], version="04"),
        )
    ).json()
    assert [m["invoice_id"] for m in settled["matched"]] == [b["id"]]
    assert await balance(db, w.agency) == D("20.22")
    payout = await api.call(w.agency, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
    assert payout.status_code in (409, 422)  # 20.22 does not cover 50.00, and there is no payout IBAN
    assert await check_database(db) == []


async def test_entries_that_pay_none_of_our_invoices_are_answered_and_counted(
    api: Api, db: AsyncEngine
) -> None:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api)
    a = await case_a(api, w)
    data = camt054(
        [
            (a["payment_reference"], "10.00", "EUR", "E-1"),  # the invoice is in CHF
            ("RF18539007547034", "5.00", "CHF", "E-2"),  # a valid reference, not ours
            (None, "7.00", "CHF", "E-3"),  # no structured reference
            Line("RF712026999999", "3.00", "CHF", "E-4"),  # no such invoice (check digits wrong or absent)
        ]
    )
    result = (await _import(api, data)).json()
    assert result["matched"] == [] and len(result["unmatched"]) == 4
    assert {u["entry_reference"] for u in result["unmatched"]} == {"E-1", "E-2", "E-3", "E-4"}
    assert await count(db, "payments") == 0


async def test_bad_files_are_refused_and_record_nothing(api: Api, db: AsyncEngine) -> None:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api)
    a = await case_a(api, w)
    good = camt054([(a["payment_reference"], "129.72", "CHF", "G-1")])
    two = camt054(
        [(a["payment_reference"], "129.72", "CHF", "G-1"), (a["payment_reference"], "5.55", "CHF", "G-2")]
    )
    bad_late_entry = two.replace(b">5.55<", b">5.5.5<")  # the first entry is good, the second not
    for data in (XXE, LAUGHS, b"not xml at all", b"<Document/>", bad_late_entry):
        assert_problem(await _import(api, data), 422, "unreadable_notification")
    assert_problem(
        await api.admin(
            "POST", "/v1/admin/payments/import", content=good, headers={"Content-Type": "application/json"}
        ),
        415,
        "unsupported_media_type",
    )
    huge = b"<x>" + b"a" * (40 * 1024 * 1024) + b"</x>"
    assert (await _import(api, huge)).status_code == 413
    assert await count(db, "payments") == 0 and await count(db, "account_entries") == 0
    assert await count(db, "events", "type = 'payment.received'") == 0
    # An organisation key may not import.
    assert_problem(
        await api.call(w.acme, "POST", "/v1/admin/payments/import", content=good, headers=XML),
        403,
        "forbidden",
    )


async def test_the_same_file_imported_five_times_at_once_is_recorded_once(api: Api, db: AsyncEngine) -> None:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api)
    a = await case_a(api, w)
    data = camt054([(a["payment_reference"], "129.72", "CHF", "C-1")])
    answers = await asyncio.gather(*(_import(api, data) for _ in range(5)))
    statuses = sorted(r.status_code for r in answers)
    ok: list[Any] = [r.json() for r in answers if r.status_code == 200]
    assert sum(len(r["matched"]) for r in ok) == 1, statuses
    assert all(s in (200, 409, 503) for s in statuses), statuses
    assert await count(db, "payments") == 1
    assert await check_database(db) == []
