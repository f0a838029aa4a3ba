"""`GET /v1/cashback/entries/export.csv` (SPEC §12) on real PostgreSQL: the partner's own entries,
an invoice number only where the partner pays that invoice, inert names, ``?from=&to=``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from tests.exports.support import ENTRIES, column_sum, export, parse_csv
from tests.support import Api, World, build_world


async def _earned(api: Api) -> tuple[World, dict[str, str]]:
    """WebAgency's cashback: case A (Acme pays), case D (WebAgency pays), and an order of
    another customer of WebAgency's; the stranger earns on a customer of its own."""
    w = await build_world(api)
    a = await api.order(w.agency, w.acme, "web-hosting-pro")
    await api.ok(w.acme, "PATCH", f"/v1/partnerships/{w.partnership['id']}", json={"billing_mode": "partner"})
    d = await api.order(w.acme, w.acme, "domain-ch", 3)
    other = await api.org("Beta")
    await api.partnership(other, w.stranger)
    await api.order(other, other, "web-hosting-pro")
    d_invoice = (await api.ok(w.agency, "GET", f"/v1/orders/{d['id']}"))["invoice_id"]
    d_number = (await api.ok(w.agency, "GET", f"/v1/invoices/{d_invoice}"))["number"]
    return w, {"a": a["id"], "d": d["id"], "d_number": d_number}


async def test_the_partner_gets_its_entries_with_the_invoice_numbers_it_pays(api: Api) -> None:
    w, ids = await _earned(api)
    rows = await export(api, w.agency, ENTRIES)
    assert [r["order_id"] for r in rows] == [ids["a"], ids["d"]]
    a, d = rows
    assert a["invoice_number"] == ""  # Acme's invoice: WebAgency may not see it
    assert d["invoice_number"] == ids["d_number"]
    assert (a["customer_id"], a["customer_name"], a["rate"], a["amount"], a["status"]) == (
        w.acme.id,
        "Acme",
        "0.2",
        "24.00",
        "pending",
    )
    assert (d["rate"], d["amount"], d["currency"]) == ("0.05", "2.02", "CHF")
    entries = (await api.ok(w.agency, "GET", "/v1/cashback/entries"))["data"]
    assert column_sum(rows, "amount") == sum((Decimal(e["amount"]) for e in entries), Decimal(0))
    assert {r["created_at"] for r in rows} == {e["created_at"] for e in entries}


async def test_a_customer_and_a_stranger_get_only_their_own(api: Api) -> None:
    w, ids = await _earned(api)
    assert await export(api, w.acme, ENTRIES) == []
    response = await api.call(w.acme, "GET", ENTRIES)
    assert (
        response.content
        == b"created_at,customer_id,customer_name,order_id,invoice_number,currency,rate,amount,status\r\n"
    )
    stranger_rows = await export(api, w.stranger, ENTRIES)
    assert len(stranger_rows) == 1
    assert stranger_rows[0]["customer_name"] == "Beta" and stranger_rows[0]["invoice_number"] == ""
    assert not {r["order_id"] for r in stranger_rows} & {ids["a"], ids["d"]}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
async def test_a_customer_name_that_would_start_a_formula_is_inert(
    api: Api, db: AsyncEngine, start: str
) -> None:
    w, _ = await _earned(api)
    async with transaction(db) as conn:
        await conn.execute(
            text("UPDATE organizations SET name = :n WHERE id = :id"), {"n": f"{start}1+1", "id": w.acme.id}
        )
    rows = await export(api, w.agency, ENTRIES)
    assert {r["customer_name"] for r in rows} == {f"'{start}1+1"}
    assert {r["amount"] for r in rows} == {"24.00", "2.02"}


async def test_from_and_to_select_by_when_it_was_earned(api: Api, db: AsyncEngine) -> None:
    w, ids = await _earned(api)
    moments = {ids["a"]: "2026-04-30T23:59:59.999999Z", ids["d"]: "2026-05-01T00:00:00Z"}
    async with transaction(db) as conn:
        for order_id, moment in moments.items():
            await conn.execute(
                text("UPDATE cashback_entries SET created_at = :m WHERE order_id = :o"),
                {"m": datetime.fromisoformat(moment), "o": order_id},
            )

    async def orders(**params: str) -> list[str]:
        return [r["order_id"] for r in await export(api, w.agency, ENTRIES, **params)]

    assert await orders(**{"from": "2026-05-01"}) == [ids["d"]]
    assert await orders(to="2026-05-01") == [ids["a"]]
    assert await orders(**{"from": "2026-04-30", "to": "2026-05-02"}) == [ids["a"], ids["d"]]
    assert await orders(**{"from": "2026-05-02"}) == []
    refused = await api.call(w.agency, "GET", ENTRIES, params={"from": "2026-05-02", "to": "2026-05-01"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == ["query", "from"]
    assert parse_csv(await api.call(w.agency, "GET", ENTRIES, params={"to": "2026-04-30"})) == []
