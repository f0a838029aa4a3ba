"""Account top-ups (SPEC §13): each organisation's top-up reference per currency, a bank credit
quoting it landing on its account, and the payment slip a bank app reads."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.billing.references import number_of, top_up_of
from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.documents.reading import qr_payloads
from tests.documents.test_invoice_documents import ISSUER
from tests.payments.camt_files import camt054
from tests.payments.helpers import entries
from tests.support import Api, build_world, count

XML = {"Content-Type": "application/xml"}


async def _import(api: Api, data: bytes) -> dict[str, Any]:
    response = await api.admin("POST", "/v1/admin/payments/import", content=data, headers=XML)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_each_organisation_has_its_own_top_up_reference_per_currency(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    before = (await api.ok(w.acme, "GET", "/v1/account"))["top_up_references"]
    assert set(before) == {"CHF", "EUR"} and all(r.startswith("RF") for r in before.values())
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)  # a CHF QR-IBAN: a QR reference
    mine = (await api.ok(w.acme, "GET", "/v1/account"))["top_up_references"]
    assert len(mine["CHF"]) == 27 and mine["EUR"] == before["EUR"]
    assert mine == (await api.ok(w.acme, "GET", "/v1/account"))["top_up_references"]
    theirs = (await api.ok(w.agency, "GET", "/v1/account"))["top_up_references"]
    assert set(mine.values()).isdisjoint(theirs.values())
    for reference in [*mine.values(), *before.values(), *theirs.values()]:
        assert number_of(reference) is None and top_up_of(reference) is not None
    assert top_up_of(before["CHF"]) == top_up_of(mine["CHF"])


async def test_a_credit_quoting_a_top_up_reference_lands_on_that_account_once(
    api: Api, db: AsyncEngine
) -> None:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api)
    refs = (await api.ok(w.agency, "GET", "/v1/account"))["top_up_references"]
    data = camt054(
        [
            (refs["CHF"], "500.00", "CHF", "T-1"),
            (refs["EUR"], "80.00", "EUR", "T-2"),
            (refs["EUR"], "3.00", "CHF", "T-3"),
        ]
    )
    result = await _import(api, data)
    assert [(t["org_id"], t["amount"], t["currency"]) for t in result["top_ups"]] == [
        (w.agency.id, "500.00", "CHF"),
        (w.agency.id, "80.00", "EUR"),
    ]
    assert [(u["entry_reference"], u["reason"]) for u in result["unmatched"]] == [
        ("T-3", "currency_mismatch")
    ]
    assert await entries(db, w.agency) == [("top_up", D("500.00")), ("top_up", D("80.00"))]
    balances = (await api.ok(w.agency, "GET", "/v1/account"))["balances"]
    assert {(b["currency"], b["balance"]) for b in balances} == {("CHF", "500.00"), ("EUR", "80.00")}
    again = await _import(api, data)
    assert (again["top_ups"], [d["outcome"] for d in again["duplicates"]]) == (
        [],
        ["top_up", "top_up", "receipt"],
    )
    assert await count(db, "account_entries", "kind = 'top_up'") == 2
    assert await count(db, "events", "type = 'account.credited' AND org_id = :o", o=w.agency.id) == 2
    assert await check_database(db) == []


async def test_the_top_up_slip_is_a_qr_bill_in_chf_and_an_epc_code_in_eur(api: Api, db: AsyncEngine) -> None:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api)
    refs = (await api.ok(w.acme, "GET", "/v1/account"))["top_up_references"]
    chf = await api.call(w.acme, "GET", "/v1/account/top-up.pdf?currency=CHF&amount=250.00")
    assert (chf.status_code, chf.headers["content-type"]) == (200, "application/pdf")
    [qr] = qr_payloads(chf.content)
    assert qr[0] == "SPC" and qr[3] == ISSUER["bank_accounts"]["CHF"]["iban"]
    assert (qr[18], qr[19], qr[28]) == ("250.00", "CHF", refs["CHF"])
    eur = await api.call(w.acme, "GET", "/v1/account/top-up.pdf?currency=EUR&amount=12.50")
    [code] = qr_payloads(eur.content)
    assert code[0] == "BCD" and "EUR12.5" in code and refs["EUR"] in code
    again = await api.call(w.acme, "GET", "/v1/account/top-up.pdf?currency=CHF&amount=250.00")
    assert again.content == chf.content  # deterministic
    for query in (
        "currency=USD&amount=1.00",
        "currency=CHF&amount=0.00",
        "currency=CHF&amount=-5.00",
        "currency=CHF&amount=1.5",
        "currency=CHF",
        "amount=1.00",
        "currency=CHF&amount=1000000000.00",
    ):
        assert_problem(
            await api.call(w.acme, "GET", f"/v1/account/top-up.pdf?{query}"), 422, "validation_error"
        )


async def test_without_an_issuer_account_the_slip_is_409(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    assert_problem(
        await api.call(w.acme, "GET", "/v1/account/top-up.pdf?currency=CHF&amount=10.00"),
        409,
        "issuer_not_configured",
    )
