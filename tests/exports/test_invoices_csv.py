"""`GET /v1/invoices/export.csv` (SPEC §12) on real PostgreSQL: the columns' totals are the
documents', the payer sees only its own documents, text cells are inert, and ``?from=&to=``
select by issue date, half-open."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from tests.asserts import assert_problem
from tests.exports.support import INVOICES, all_invoices, column_sum, documents_sum, export, parse_csv
from tests.support import Api, Org, World, build_world

# The customer's name as the document copied it.
_RENAME = "UPDATE invoices SET lines = jsonb_set(lines, '{0,customer_name}', to_jsonb(CAST(:n AS text)))"

# A second line on a document, as a document with several lines would carry it.
_SECOND_LINE = """
UPDATE invoices SET
    lines = lines || jsonb_build_array(lines -> 0 || jsonb_build_object(
        'sku', 'domain-ch', 'description', 'Domain .ch', 'quantity', 2, 'unit_price', '13.45',
        'amount', '26.90', 'discount', '0.00', 'net_amount', '26.90')),
    subtotal = subtotal + 26.90, tax = tax + 2.18, total = total + 29.08
WHERE id = :id
"""


async def _pay(api: Api, invoice_id: str, amount: str, reference: str) -> None:
    payment = {"invoice_id": invoice_id, "amount": amount, "currency": "CHF", "method": "bank_transfer"}
    await api.ok(None, "POST", "/v1/admin/payments", json={**payment, "external_id": reference})


async def _invoice_id(api: Api, payer: Org, order: dict[str, Any]) -> str:
    """The order's invoice, as its payer sees it (the order's placer may not)."""
    invoice_id: str = (await api.ok(payer, "GET", f"/v1/orders/{order['id']}"))["invoice_id"]
    return invoice_id


async def _documents(api: Api, db: AsyncEngine) -> World:
    """Acme's documents: paid, partly paid, credited (with its credit note) and one of two lines;
    then, in partner mode, an invoice of WebAgency's for Acme's product."""
    w = await build_world(api)
    paid = await _invoice_id(api, w.acme, await api.order(w.agency, w.acme, "web-hosting-pro"))
    await api.ok(None, "POST", f"/v1/admin/invoices/{paid}/pay", json={})
    partly = await api.order(w.acme, w.acme, "domain-ch", 3)
    await _pay(api, partly["invoice_id"], "20.00", "bank-1")
    credited = await _invoice_id(api, w.acme, await api.order(w.agency, w.acme, "web-hosting-pro", 2))
    await api.ok(None, "POST", f"/v1/admin/invoices/{credited}/credit-note", json={"reason": "x"})
    two_lines = await api.order(w.acme, w.acme, "web-hosting-pro")
    async with transaction(db) as conn:
        await conn.execute(text(_SECOND_LINE), {"id": two_lines["invoice_id"]})
    await _pay(api, two_lines["invoice_id"], "100.00", "bank-2")
    mode = {"billing_mode": "partner"}
    await api.ok(w.acme, "PATCH", f"/v1/partnerships/{w.partnership['id']}", json=mode)
    await api.order(w.agency, w.acme, "web-hosting-pro")  # case B: WebAgency pays, with its rebate
    await api.order(w.acme, w.acme, "domain-ch")  # case D: WebAgency pays
    return w


def _assert_totals_match(rows: list[dict[str, str]], documents: list[dict[str, Any]]) -> None:
    assert column_sum(rows, "net") == documents_sum(documents, "subtotal")
    assert column_sum(rows, "vat") == documents_sum(documents, "tax")
    assert column_sum(rows, "total") == documents_sum(documents, "total")
    assert column_sum(rows, "amount_paid") == documents_sum(documents, "amount_paid")
    lines = [line for doc in documents for line in doc["lines"]]
    assert column_sum(rows, "discount") == documents_sum(lines, "discount")
    assert column_sum(rows, "amount") == documents_sum(lines, "amount")
    assert len(rows) == len(lines)


async def test_the_columns_totals_equal_the_documents(api: Api, db: AsyncEngine) -> None:
    w = await _documents(api, db)
    for payer, expected in ((w.acme, 5), (w.agency, 2)):
        documents = await all_invoices(api, payer)
        assert len(documents) == expected
        rows = await export(api, payer, INVOICES)
        assert {r["number"] for r in rows} == {d["number"] for d in documents}
        _assert_totals_match(rows, documents)

    acme_rows = await export(api, w.acme, INVOICES)
    assert column_sum(acme_rows, "amount_paid") == Decimal("129.72") + Decimal("20.00") + Decimal("100.00")
    [note] = [r for r in acme_rows if r["kind"] == "credit_note"]
    assert note["net"] == "-240.00" and note["total"] == "-259.44"  # negative, never prefixed
    two = [r for r in acme_rows if r["line"] == "2"]
    assert [(r["sku"], r["net"], r["vat"], r["total"], r["amount_paid"]) for r in two] == [
        ("domain-ch", "26.90", "", "", "")
    ]
    [rebated] = [r for r in await export(api, w.agency, INVOICES) if r["discount"] != "0.00"]
    assert (rebated["net"], rebated["discount"], rebated["total"]) == ("96.00", "24.00", "103.78")


async def test_oldest_first_one_row_per_line_with_the_documents_fields(api: Api, db: AsyncEngine) -> None:
    w = await _documents(api, db)
    documents = {d["number"]: d for d in await all_invoices(api, w.acme)}
    rows = await export(api, w.acme, INVOICES)
    assert [r["number"] for r in rows if r["line"] == "1"] == sorted(documents)
    for row in rows:
        doc = documents[row["number"]]
        line = doc["lines"][int(row["line"]) - 1]
        assert row["kind"] == doc["kind"] and row["status"] == doc["status"]
        assert row["issue_date"] == doc["issue_date"] and row["due_date"] == doc["due_date"]
        assert row["currency"] == "CHF" and row["vat_rate"] == doc["tax_rate"] == "0.081"
        assert (row["customer_id"], row["customer_name"]) == (w.acme.id, "Acme")
        assert (row["sku"], row["quantity"], row["unit_price"]) == (
            line["sku"],
            str(line["quantity"]),
            line["unit_price"],
        )
        # The last day billed: the JSON's period_end is the day after.
        last = (date.fromisoformat(line["period_end"]) - timedelta(days=1)).isoformat()
        assert (row["period_start"], row["period_end"]) == (line["period_start"], last)
        assert row["description"] == line["description"]


async def test_a_customer_never_gets_its_partners_invoices_and_a_stranger_only_a_header(
    api: Api, db: AsyncEngine
) -> None:
    w = await _documents(api, db)
    agency_numbers = {d["number"] for d in await all_invoices(api, w.agency)}
    assert agency_numbers
    acme_numbers = {r["number"] for r in await export(api, w.acme, INVOICES)}
    assert acme_numbers and not acme_numbers & agency_numbers
    response = await api.call(w.stranger, "GET", INVOICES)
    assert parse_csv(response) == []
    assert response.content.startswith(b"number,kind,issue_date,due_date,status,customer_id,")
    assert response.content.count(b"\r\n") == 1


async def test_only_an_organisation_exports(api: Api) -> None:
    assert_problem(await api.client.get(INVOICES), 401, "unauthenticated")
    assert_problem(await api.admin("GET", INVOICES), 403, "forbidden")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
async def test_names_that_would_start_a_formula_are_inert(api: Api, db: AsyncEngine, start: str) -> None:
    await api.gold_catalogue()
    customer = await api.org("Plain")
    order = await api.order(customer, customer, "domain-ch")
    name = f'{start}HYPERLINK("https://evil.example")'
    # Names through the API cannot hold a tab or a CR: the document's copy is set directly.
    async with transaction(db) as conn:
        await conn.execute(
            text(_RENAME),
            {"n": name},
        )
    [row] = await export(api, customer, INVOICES)
    assert row["customer_name"] == f"'{name}"
    assert row["number"] == (await api.ok(customer, "GET", f"/v1/invoices/{order['invoice_id']}"))["number"]


async def test_names_given_through_the_api_are_inert(api: Api) -> None:
    await api.gold_catalogue()
    await api.ok(
        None,
        "PUT",
        "/v1/admin/products/domain-ch",
        json={"name": "=SUM(A1:A9)", "category": "domain", "period_months": 12, "prices": {"CHF": "13.45"}},
    )
    customer = await api.org("Evil Corp")
    await api.ok(None, "PATCH", f"/v1/admin/organizations/{customer.id}", json={"name": "@Evil Corp"})
    await api.order(customer, customer, "domain-ch")
    [row] = await export(api, customer, INVOICES)
    assert row["customer_name"] == "'@Evil Corp"
    assert row["description"].startswith("'=SUM(A1:A9), ")
    assert row["net"] == "13.45"


async def _issued_at(db: AsyncEngine, invoice_id: str, moment: str) -> None:
    async with transaction(db) as conn:
        await conn.execute(
            text("UPDATE invoices SET issued_at = :m, created_at = :m WHERE id = :id"),
            {"m": datetime.fromisoformat(moment), "id": invoice_id},
        )


async def _dated(api: Api, db: AsyncEngine) -> tuple[Org, dict[str, str]]:
    """Four invoices of one customer, issued on both sides of February's bounds."""
    await api.gold_catalogue()
    customer = await api.org("Dated")
    moments = {
        "jan": "2026-01-31T23:59:59.999999Z",
        "feb-first": "2026-02-01T00:00:00Z",
        "feb-last": "2026-02-28T23:59:59.999999Z",
        "mar": "2026-03-01T00:00:00Z",
    }
    numbers = {}
    for name, moment in moments.items():
        order = await api.order(customer, customer, "domain-ch")
        await _issued_at(db, order["invoice_id"], moment)
        numbers[name] = (await api.ok(customer, "GET", f"/v1/invoices/{order['invoice_id']}"))["number"]
    return customer, numbers


async def test_from_and_to_select_by_issue_date_half_open(api: Api, db: AsyncEngine) -> None:
    customer, n = await _dated(api, db)

    async def numbers(**params: str) -> list[str]:
        return [r["number"] for r in await export(api, customer, INVOICES, **params)]

    assert await numbers(**{"from": "2026-02-01", "to": "2026-03-01"}) == [n["feb-first"], n["feb-last"]]
    assert await numbers(**{"from": "2026-02-01"}) == [n["feb-first"], n["feb-last"], n["mar"]]
    assert await numbers(to="2026-02-01") == [n["jan"]]
    assert await numbers(**{"from": "2026-03-01", "to": "2026-03-02"}) == [n["mar"]]
    assert await numbers(**{"from": "2026-02-01", "to": "2026-02-01"}) == []
    assert await numbers() == [n["jan"], n["feb-first"], n["feb-last"], n["mar"]]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"from": "2026-03-01", "to": "2026-02-01"}, ["query", "from"]),
        ({"from": "2026-02-30"}, ["query", "from"]),
        ({"from": "2026-2-1"}, ["query", "from"]),
        ({"from": "2026-02-01T00:00:00Z"}, ["query", "from"]),
        ({"from": "20260201"}, ["query", "from"]),
        ({"from": ""}, ["query", "from"]),
        ({"to": "yesterday"}, ["query", "to"]),
        ({"to": "1700000000"}, ["query", "to"]),
        ({"to": "2026-13-01"}, ["query", "to"]),
    ],
)
async def test_a_bad_period_is_a_validation_error(api: Api, params: dict[str, str], loc: list[str]) -> None:
    await api.gold_catalogue()
    customer = await api.org("Dated")
    response = await api.call(customer, "GET", INVOICES, params=params)
    body = assert_problem(response, 422, "validation_error")
    assert [error["loc"] for error in body["errors"]] == [loc]
