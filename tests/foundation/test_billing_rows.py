"""Orders, invoices and cashback as their repositories return them: frozen typed domain objects
(never SQLAlchemy rows), read by precompiled statements on the pages every client polls."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from partnerbilling import sql
from partnerbilling.billing.domain import CashbackEntry, Order
from partnerbilling.cashback import repository as cashback
from partnerbilling.cashback.domain import CashbackBalance
from partnerbilling.catalog import repository as catalog
from partnerbilling.catalog.domain import product_of
from partnerbilling.db import transaction
from partnerbilling.invoices import repository as invoices
from partnerbilling.invoices.domain import Invoice
from partnerbilling.orders import repository as orders
from partnerbilling.organizations import repository as organizations
from partnerbilling.organizations.domain import organization_of
from partnerbilling.pagination import PageParams
from partnerbilling.states import CashbackStatus, InvoiceStatus, OrderKind
from tests.support import Api, World, build_world

FIRST = PageParams(limit=10, after=None)


async def _ordered(api: Api) -> tuple[World, str]:
    """Worked example A: WebAgency orders for Acme (customer billing mode), and earns cashback."""
    w = await build_world(api)
    placed = await api.order(w.agency, w.acme, "web-hosting-pro")
    return w, str(placed["id"])


async def test_orders_invoices_and_cashback_are_read_as_domain_objects(api: Api, db: AsyncEngine) -> None:
    w, order_id = await _ordered(api)
    async with transaction(db) as conn:
        order = await orders.get(conn, order_id)
        assert order is not None and order.invoice_id is not None
        invoice = await invoices.get(conn, order.invoice_id)
        seen_by_partner = await orders.list_visible(conn, w.agency.id, FIRST)
        payers_page = await invoices.list_for_payer(conn, w.acme.id, FIRST)
        entries = await cashback.list_for_partner(conn, w.agency.id, FIRST)
        balances = await cashback.balances(conn, w.agency.id)
    assert type(order) is Order and type(order.kind) is OrderKind
    assert (order.kind, order.payer_id, order.cashback_amount) == (OrderKind.NEW, w.acme.id, Decimal("24.00"))
    assert order.cashback_status == CashbackStatus.PENDING
    assert seen_by_partner == [order]
    assert type(invoice) is Invoice and invoice.total == Decimal("129.72")
    assert payers_page == [invoice]
    assert [type(e) for e in entries] == [CashbackEntry] and entries[0].order_id == order_id
    assert balances == [CashbackBalance("CHF", Decimal("24.00"), Decimal("0.00"))]


async def test_an_invoice_changes_into_the_stored_document(api: Api, db: AsyncEngine) -> None:
    _, order_id = await _ordered(api)
    async with transaction(db) as conn:
        order = await orders.get(conn, order_id)
        assert order is not None and order.invoice_id is not None
        before = await invoices.get(conn, order.invoice_id, lock=True)
        assert before is not None
        paid = await invoices.set_status(conn, before.id, InvoiceStatus.PAID, paid_at=before.issued_at)
        credited = await invoices.set_status(conn, before.id, InvoiceStatus.CREDITED)
    assert type(paid) is Invoice and (paid.status, paid.paid_at) == ("paid", before.issued_at)
    assert (credited.status, credited.paid_at, credited.number) == (
        "credited",
        before.issued_at,
        before.number,
    )


async def test_the_list_pages_run_precompiled_statements(
    api: Api, db: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No statement is compiled, nor run by SQLAlchemy's execution, when a page is read."""
    w, order_id = await _ordered(api)
    await api.order(w.agency, w.acme, "web-hosting-pro")
    compiled: list[object] = []
    real_init = sql.Statement.__init__

    def counting_init(self: sql.Statement, *args: Any, **kwargs: Any) -> None:
        compiled.append(args[0])
        real_init(self, *args, **kwargs)

    async def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a statement ran through SQLAlchemy's execution")

    async with transaction(db) as conn:
        monkeypatch.setattr(sql.Statement, "__init__", counting_init)
        monkeypatch.setattr(AsyncConnection, "execute", refused)
        [newest, older] = await orders.list_visible(conn, w.agency.id, FIRST)
        after = PageParams(limit=10, after=(newest.created_at, newest.id))
        assert await orders.list_visible(conn, w.agency.id, after) == [older]
        assert await orders.list_visible(conn, w.acme.id, after) == [older]
        [newest_invoice, older_invoice] = await invoices.list_for_payer(conn, w.acme.id, FIRST)
        after = PageParams(limit=10, after=(newest_invoice.created_at, newest_invoice.id))
        assert await invoices.list_for_payer(conn, w.acme.id, after) == [older_invoice]
        [newest_entry, older_entry] = await cashback.list_for_partner(conn, w.agency.id, FIRST)
        after = PageParams(limit=10, after=(newest_entry.created_at, newest_entry.id))
        assert await cashback.list_for_partner(conn, w.agency.id, after) == [older_entry]
        assert len(await cashback.balances(conn, w.agency.id)) == 1
        assert await orders.get(conn, order_id) is not None
    assert compiled == []


async def test_a_charge_is_planned_from_the_stored_organisations_and_product(
    api: Api, db: AsyncEngine
) -> None:
    w = await build_world(api)
    async with transaction(db) as conn:
        agency = await organizations.get(conn, w.agency.id)
        agency_with_tier = await organizations.get_with_tier(conn, w.agency.id)
        product = await catalog.get_product(conn, "web-hosting-pro")
    assert agency is not None and agency_with_tier is not None and product is not None
    assert organization_of(agency).tier is None
    tier = organization_of(agency_with_tier).tier
    assert tier is not None and tier.code == "gold"
    planned = product_of(product)
    assert planned.sku == "web-hosting-pro"
    assert all(isinstance(amount, Decimal) for amount in planned.prices.values())
