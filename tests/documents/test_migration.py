"""The documents migration gives documents issued before it what can be known, and goes back."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from stdnum import iso11649

from partnerbilling.billing.references import number_of
from partnerbilling.db import make_engine
from partnerbilling.migrate import alembic_config
from partnerbilling.settings import Settings
from tests.support import connect_plain

BEFORE = "5b7e2c9a1f04"
DOCUMENTS = "7c1d2e3f4a5b"
AT = datetime(2026, 3, 31, 9, 30, tzinfo=UTC)


@pytest.fixture
async def old_database(server_url: str, settings: Settings) -> AsyncIterator[AsyncEngine]:
    """A fresh database migrated to the revision before the documents."""
    name = f"pb_mig_{secrets.token_hex(4)}"
    admin = await connect_plain(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, settings)
    try:
        await _migrate(engine, BEFORE)
        yield engine
    finally:
        await engine.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _migrate(engine: AsyncEngine, revision: str, *, down: bool = False) -> None:
    config = alembic_config()
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="READ COMMITTED")

        def run(sync_conn: object) -> None:
            config.attributes["connection"] = sync_conn
            (command.downgrade if down else command.upgrade)(config, revision)

        await conn.run_sync(run)
        await conn.commit()


_SEED = [
    """INSERT INTO organizations (id, name, billing_email, currency, vat_rate, created_at, updated_at)
       VALUES ('org_a', 'Acme AG', 'b@acme.example', 'CHF', 0.081, $1, $1),
              ('org_w', 'WebAgency', 'b@web.example', 'CHF', 0.081, $1, $1)""",
    """INSERT INTO products (sku, name, category, period_months, prices, updated_at)
       VALUES ('web-hosting-pro', 'Web Hosting Pro', 'hosting', 12, '{"CHF": "120.00"}', $1)""",
    """INSERT INTO subscriptions (id, customer_id, sku, quantity, origin_channel, status, auto_renew,
           current_period_start, current_period_end, created_at)
       VALUES ('sub_1', 'org_a', 'web-hosting-pro', 1, 'direct', 'active', true, $1::timestamptz,
               $1::timestamptz + interval '1 year', $1)""",
    """INSERT INTO orders (id, kind, channel, customer_id, placed_by_id, partnership_id, partner_id,
           subscription_id, sku, quantity, currency, payer_id, unit_price, public_amount, discount,
           net_amount, partner_rate, invoice_id, period_start, period_end, created_at)
       VALUES ('ord_1', 'new', 'direct', 'org_a', 'org_a', NULL, NULL, 'sub_1', 'web-hosting-pro', 1,
               'CHF', 'org_w', 120, 120, 0, 120, NULL, 'inv_1', $1::timestamptz,
               $1::timestamptz + interval '1 year', $1)""",
    """INSERT INTO invoices (id, number, kind, credits_invoice_id, payer_id, customer_id, order_id,
           currency, lines, subtotal, tax_rate, tax, total, status, reason, issued_at, paid_at, created_at)
       VALUES ('inv_1', '2026-000001', 'invoice', NULL, 'org_w', 'org_a', 'ord_1', 'CHF',
               '[{"description": "Web Hosting Pro", "sku": "web-hosting-pro", "quantity": 1,
                  "unit_price": "120.00", "amount": "120.00", "discount": "0.00",
                  "net_amount": "120.00"}]', 120, 0.081, 9.72, 129.72, 'credited', NULL, $1, NULL, $1),
              ('inv_2', '2026-000002', 'credit_note', 'inv_1', 'org_w', 'org_a', 'ord_1', 'CHF',
               '[{"description": "Web Hosting Pro", "sku": "web-hosting-pro", "quantity": 1,
                  "unit_price": "120.00", "amount": "-120.00", "discount": "0.00",
                  "net_amount": "-120.00"}]', -120, 0.081, -9.72, -129.72, 'issued', 'x', $1, NULL, $1)""",
]


async def test_old_documents_get_what_can_be_known(old_database: AsyncEngine) -> None:
    async with old_database.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        for sql in _SEED:
            await driver.execute(sql, AT)
        await conn.commit()
    await _migrate(old_database, DOCUMENTS)
    async with old_database.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        rows = {
            r["id"]: r
            for r in await driver.fetch(
                "SELECT id, seller, buyer, due_at, payment_reference, lines FROM invoices"
            )
        }
        org = await driver.fetchrow(
            "SELECT legal_name, address, language, reverse_charge FROM organizations WHERE id = 'org_w'"
        )
    invoice, note = rows["inv_1"], rows["inv_2"]
    assert invoice["seller"] is None and note["seller"] is None
    assert invoice["buyer"] == {
        "legal_name": "WebAgency",
        "address": None,
        "vat_id": None,
        "language": "en",
        "reverse_charge": False,
    }
    assert invoice["due_at"] == AT + timedelta(days=30) and note["due_at"] == AT
    reference = invoice["payment_reference"]
    assert iso11649.is_valid(reference) and number_of(reference) == "2026-000001"
    assert note["payment_reference"] is None
    [line] = invoice["lines"]
    assert (line["customer_id"], line["customer_name"]) == ("org_a", "Acme AG")
    assert (line["period_start"], line["period_end"]) == ("2026-03-31", "2027-03-31")
    assert (line["net_amount"], note["lines"][0]["net_amount"]) == ("120.00", "-120.00")
    assert tuple(org) == (None, None, "en", False)

    await _migrate(old_database, BEFORE, down=True)
    async with old_database.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        [line] = await driver.fetchval("SELECT lines FROM invoices WHERE id = 'inv_1'")
    assert set(line) == {"description", "sku", "quantity", "unit_price", "amount", "discount", "net_amount"}
