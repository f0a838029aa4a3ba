"""What an order sends to the database: the API key, one read of what it is planned from, one
statement for its rows and events, then the invoice number and the invoice, and last the
invoice's journal record (the number locks the year's counter until commit, and the record the
journal's head: only the record, which needs the invoice's number, may follow the number)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling import sql
from partnerbilling.invoices import repository as invoices
from partnerbilling.journal import repository as journal
from partnerbilling.orders import repository as orders
from tests.support import Api, build_world


@contextmanager
def sent_statements(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The text of every statement the calling task sends meanwhile (the request runs in it;
    the test app's job and delivery workers poll in tasks of their own), in order: precompiled
    ones and any that SQLAlchemy runs itself (the transactions' BEGIN and COMMIT are neither)."""
    sent: list[str] = []
    caller = asyncio.current_task()

    def recording(name: str) -> None:
        original = getattr(sql.Statement, name)

        async def run(self: sql.Statement, *args: Any, **kwargs: Any) -> Any:
            if asyncio.current_task() is caller:
                sent.append(self.sql)
            return await original(self, *args, **kwargs)

        monkeypatch.setattr(sql.Statement, name, run)

    def executed(*args: Any) -> None:
        if asyncio.current_task() is caller:
            sent.append(str(args[2]))

    for name in ("rows", "row", "value", "execute"):
        recording(name)
    event.listen(engine.sync_engine, "before_cursor_execute", executed)
    try:
        yield sent
    finally:
        monkeypatch.undo()
        event.remove(engine.sync_engine, "before_cursor_execute", executed)


def _charge(with_subscription: bool, with_cashback: bool) -> list[str]:
    """The statements of an order after its API key: ending with the number and the invoice."""
    return [
        orders.SOURCES.sql,
        orders.ADD_CHARGE[with_subscription, with_cashback].sql,
        invoices.TAKE_NUMBER.sql,
        invoices.INSERT.sql,
        # The invoice's journal record (its content the XML of the document in hand), chained.
        journal._APPEND.sql,
    ]


async def test_a_partners_order_with_cashback_is_six_statements_the_journal_last(
    api: Api, db: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build_world(api)  # customer billing mode: the partner earns cashback
    await api.order(w.stranger, w.stranger, "web-hosting-pro")  # the journal has its head
    with sent_statements(db, monkeypatch) as sent:
        placed = await api.order(w.agency, w.acme, "web-hosting-pro")
    assert placed["cashback"]["amount"] == "24.00"
    assert len(sent) == 6
    assert "FROM api_keys" in sent[0]
    assert sent[1:] == _charge(with_subscription=True, with_cashback=True)


async def test_a_direct_order_without_a_partnership_is_six_statements_too(
    api: Api, db: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build_world(api)
    await api.order(w.stranger, w.stranger, "web-hosting-pro")  # the journal has its head
    with sent_statements(db, monkeypatch) as sent:
        placed = await api.order(w.stranger, w.stranger, "web-hosting-pro")
    assert placed["partnership_id"] is None and placed["cashback"] is None
    assert sent[1:] == _charge(with_subscription=True, with_cashback=False)


async def test_a_refused_order_stops_after_reading_what_it_is_planned_from(
    api: Api, db: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build_world(api)
    with sent_statements(db, monkeypatch) as sent:
        refused = await api.call(
            w.stranger,
            "POST",
            "/v1/orders",
            json={"customer_id": w.acme.id, "sku": "web-hosting-pro", "quantity": 1},
        )
    assert refused.status_code == 404
    assert sent[1:] == [orders.SOURCES.sql]
