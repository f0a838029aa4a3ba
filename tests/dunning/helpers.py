"""The dunning tests' world: WebAgency pays Acme's hosting (billing mode ``partner``)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import Api, Org, rows


def day(invoice: dict[str, Any], days: int) -> str:
    """``days`` after the invoice's due date, RFC 3339."""
    due = datetime.fromisoformat(invoice["due_at"].replace("Z", "+00:00"))
    return (due + timedelta(days=days, hours=1)).isoformat()


async def run(api: Api, as_of: str) -> dict[str, Any]:
    result: dict[str, Any] = await api.ok(None, "POST", "/v1/admin/dunning/run", json={"as_of": as_of})
    return result


async def mails_to(db: AsyncEngine, org: Org) -> list[tuple[str, str]]:
    """The dunning messages to ``org`` (not the ones that sent its invoices when issued)."""
    found = await rows(
        db,
        "SELECT subject, body FROM outbox_mails WHERE to_address = :a"
        " AND subject NOT LIKE 'Invoice %' AND subject NOT LIKE 'Credit note %' ORDER BY created_at, id",
        a=org.data["billing_email"],
    )
    return [(row.subject, row.body) for row in found]


async def events_of(db: AsyncEngine, org: Org, prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = await rows(
        db,
        "SELECT type, data FROM events WHERE org_id = :o AND type LIKE :p ORDER BY created_at, id",
        o=org.id,
        p=f"{prefix}%",
    )
    return [(row.type, row.data) for row in found]


def secrets_of(invoice: dict[str, Any]) -> list[str]:
    """What of the partner's invoice the customer must never read: its id, number, amounts."""
    return [invoice["id"], invoice["number"], invoice["total"], invoice["subtotal"], invoice["tax"]]


def assert_none_leaks(texts: list[str], invoice: dict[str, Any]) -> None:
    for text in texts:
        for secret in secrets_of(invoice):
            assert secret not in text, (secret, text)


def as_text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)
