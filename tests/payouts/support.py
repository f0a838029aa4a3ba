"""Money on an account and a payout IBAN, for the payout tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.accounts.service import move
from partnerbilling.db import transaction, utcnow
from partnerbilling.states import EntryKind
from tests.profiles.helpers import issuer_body
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


# The issuer's payout accounts: plain IBANs (the one payers pay to is a QR-IBAN).
PAYOUT_ACCOUNTS = {
    "CHF": {"iban": "CH5604835012345678009"},
    "EUR": {"iban": "DE02120300000000202051", "bic": "BYLADEM1001"},
}


async def with_payout_accounts(api: Api, accounts: dict[str, Any] | None = None, **changes: Any) -> None:
    """The issuer, with payout accounts (both, unless given)."""
    body = issuer_body(payout_accounts=PAYOUT_ACCOUNTS if accounts is None else accounts, **changes)
    await api.ok(None, "PUT", "/v1/admin/issuer", json=body)


async def send(api: Api, currency: str = "CHF") -> Any:
    """A payout batch of every requested payout in ``currency`` (the issuer configured first if
    it is not)."""
    if (await api.admin("GET", "/v1/admin/issuer")).status_code == 404:
        await with_payout_accounts(api)
    return await api.ok(None, "POST", "/v1/admin/payout-batches", json={"currency": currency})
