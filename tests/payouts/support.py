"""Money on an account and a payout IBAN, for the payout tests."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.accounts.service import move
from partnerbilling.db import transaction, utcnow
from partnerbilling.states import EntryKind
from tests.support import Api, Org

CH_IBAN = "CH9300762011623852957"
DE_IBAN = "DE89370400440532013000"


async def credit(db: AsyncEngine, org: Org, amount: str, currency: str = "CHF") -> None:
    """Put money on the organisation's account, as the platform's adjustment."""
    async with transaction(db) as conn:
        await move(conn, org.id, currency, Decimal(amount), EntryKind.ADJUSTMENT, "test credit", utcnow())


async def with_payout_iban(api: Api, org: Org, iban: str = CH_IBAN, legal_name: str | None = None) -> None:
    body = {"payout_iban": iban, **({"legal_name": legal_name} if legal_name else {})}
    await api.ok(org, "PATCH", "/v1/organizations/me", json=body)


async def balance(api: Api, org: Org, currency: str = "CHF") -> str:
    account = await api.ok(org, "GET", "/v1/account")
    return str(next(b["balance"] for b in account["balances"] if b["currency"] == currency))
