"""What the quote and explanation tests share: the who-pays rows over HTTP, and the stored
amounts an explanation must recompute."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import Api, Org, World, build_world, rows


@dataclass(frozen=True)
class Row:
    """One row of SPEC §2's who-pays table (None: no active partnership)."""

    access: str | None
    billing_mode: str | None
    orderer: str  # "acme" or "agency"
    payer: str


WHO_PAYS = [
    Row("full", "customer", "agency", "acme"),
    Row("full", "customer", "acme", "acme"),
    Row("full", "partner", "agency", "agency"),
    Row("full", "partner", "acme", "agency"),
    Row("limited", "customer", "acme", "acme"),
    Row(None, None, "acme", "acme"),
]
ROW_IDS = [f"{r.access}-{r.billing_mode}-{r.orderer}" for r in WHO_PAYS]


async def world_for(api: Api, row: Row) -> World:
    """Acme, WebAgency (gold) and a stranger, with the row's partnership (ended for none)."""
    world = await build_world(api, billing_mode=row.billing_mode or "customer", access=row.access or "full")
    if row.access is None:
        await api.ok(world.acme, "POST", f"/v1/partnerships/{world.partnership['id']}/end")
    return world


def org(world: World, name: str) -> Org:
    return {"acme": world.acme, "agency": world.agency}[name]


def body(world: World, sku: str = "web-hosting-pro", quantity: int = 1) -> dict[str, Any]:
    return {"customer_id": world.acme.id, "sku": sku, "quantity": quantity}


async def stored_amounts(db: AsyncEngine, order_id: str) -> dict[str, Decimal | None]:
    """The order's amounts as stored: the order's, its invoice's VAT and total, its cashback."""
    (row,) = await rows(
        db,
        "SELECT o.public_amount, o.discount, o.net_amount, i.tax, i.total, c.amount AS cashback"
        " FROM orders o JOIN invoices i ON i.id = o.invoice_id"
        " LEFT JOIN cashback_entries c ON c.order_id = o.id WHERE o.id = :id",
        id=order_id,
    )
    return dict(row._mapping)


def assert_recomputes_stored(explanation: list[dict[str, Any]], stored: dict[str, Decimal | None]) -> int:
    """Each amount step's exact value, rounded as it says, is the stored amount; returns how
    many steps were checked."""
    names = {"public_amount", "discount", "net_amount", "tax", "total", "cashback"}
    checked = 0
    for step in explanation:
        if step["step"] not in names:
            continue
        amount = step["result"]["amount"]
        exact = Decimal(amount["exact"])
        if amount["rounding"] == "half_up":
            recomputed = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        else:
            assert amount["rounding"] == "none"
            recomputed = exact
        assert recomputed == Decimal(amount["rounded"]) == stored[step["step"]], (step, stored)
        checked += 1
    return checked
