"""Use cases of monthly invoicing (SPEC §15): the payer's unbilled charges."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from partnerbilling.billing.domain import Order
from partnerbilling.billing.money import format_money
from partnerbilling.invoicing import repository
from partnerbilling.jsonio import JSON
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
