"""Use cases of monthly invoicing (SPEC §15): the payer's unbilled charges, and the close of one
payer's month (its one invoice, issued through the one issuing path)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from partnerbilling.billing.domain import Order
from partnerbilling.billing.money import format_money
from partnerbilling.db import new_id
from partnerbilling.invoices.service import issue_invoice
from partnerbilling.invoicing import repository
from partnerbilling.invoicing.calendar import months_zone
from partnerbilling.invoicing.domain import Payer, plan_monthly_invoice
from partnerbilling.issuer import repository as issuers
from partnerbilling.jsonio import JSON
from partnerbilling.organizations import repository as organizations
from partnerbilling.organizations.domain import organization_of
from partnerbilling.sql import Connection
from partnerbilling.visibility import order_view


async def unbilled(conn: Connection, payer_id: str) -> JSON:
    """The caller's charges waiting for the monthly close, and their nets per currency."""
    orders = await repository.list_unbilled(conn, payer_id)
    return {
        "data": [order_view(payer_id, order) for order in orders],
        "totals": _totals(orders),
    }


def _totals(orders: list[Order]) -> list[JSON]:
    sums: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for order in orders:
        sums[order.currency] += order.net_amount
    return [{"currency": c, "net_amount": format_money(sums[c])} for c in sorted(sums)]


async def zone(conn: Connection) -> ZoneInfo:
    """The time zone the months are counted in (the issuer's)."""
    return months_zone(await issuers.get(conn))


async def bill_payer(conn: Connection, payer_id: str, currency: str, before: datetime, at: datetime) -> int:
    """Issue the payer's one invoice in ``currency`` for its charges unbilled before ``before``;
    how many it billed (0: none left, another close billed them). Last in its transaction: the
    invoice's number locks the year's counter until commit."""
    charges = await repository.lock_unbilled(conn, payer_id, currency, before)
    if not charges:
        return 0
    org = await organizations.get(conn, payer_id)
    assert org is not None  # orders reference their payer
    planned = organization_of(org)
    buyer = planned.buyer or {}
    payer = Payer(org.id, currency, planned.charged_vat_rate, buyer)
    invoice = plan_monthly_invoice(payer, charges, new_id("inv"), at)
    await repository.mark_billed(conn, [c.order.id for c in charges], invoice.id)
    await issue_invoice(conn, invoice)
    return len(charges)
