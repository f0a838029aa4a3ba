"""Helpers of the monthly invoicing tests: a monthly payer, the close, payments."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from partnerbilling.db import utcnow
from partnerbilling.invoicing.calendar import months_zone, next_close
from partnerbilling.visibility import rfc3339
from tests.support import Api, Org


def next_month(now: datetime | None = None) -> str:
    """An ``as_of`` in the month after now's: its close bills what was charged until now."""
    as_of = rfc3339(next_close(now or utcnow(), months_zone(None)) + timedelta(hours=1))
    assert as_of is not None
    return as_of


async def monthly(api: Api, org: Org, invoicing: str = "monthly") -> None:
    """The organisation sets its billing profile's invoicing itself."""
    profile = await api.ok(org, "PATCH", "/v1/organizations/me", json={"invoicing": invoicing})
    assert profile["invoicing"] == invoicing


async def close(api: Api, as_of: str) -> dict[str, Any]:
    report: dict[str, Any] = await api.ok(None, "POST", "/v1/admin/invoicing/close", json={"as_of": as_of})
    return report


async def pay(api: Api, invoice: dict[str, Any], external_id: str) -> None:
    await api.ok(
        None,
        "POST",
        "/v1/admin/payments",
        json={
            "invoice_id": invoice["id"],
            "amount": invoice["amount_due"],
            "currency": invoice["currency"],
            "method": "bank_transfer",
            "external_id": external_id,
        },
    )
