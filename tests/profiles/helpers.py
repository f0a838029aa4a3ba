"""Profiles and issuers used by the profile tests: valid numbers, addresses and bodies."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import Api, rows

SWISS_UID = "CHE-116.281.710"
QR_IBAN = "CH4431999123000889012"  # institution id 31999: a QR-IBAN
CH_IBAN = "CH9300762011623852957"
DE_IBAN = "DE89370400440532013000"
ZURICH: dict[str, Any] = {
    "street": "Bahnhofstrasse",
    "building_number": "1",
    "postal_code": "8001",
    "city": "Zürich",
    "country": "CH",
}
BERLIN: dict[str, Any] = {
    "street": "Unter den Linden",
    "building_number": "5",
    "postal_code": "10117",
    "city": "Berlin",
    "country": "DE",
}


def stored(address: dict[str, Any]) -> dict[str, Any]:
    """An address as stored and shown: every key, the absent optional ones null."""
    return {"building_number": None, "extra_line": None, **address}


def issuer_body(**changes: Any) -> dict[str, Any]:
    return {
        "legal_name": "Hosting Provider AG",
        "address": ZURICH,
        "vat_id": f"{SWISS_UID} MWST",
        "email": "billing@provider.example",
        "payment_terms_days": 30,
        "bank_accounts": {"CHF": {"iban": QR_IBAN}, "EUR": {"iban": DE_IBAN, "bic": "DEUTDEFF"}},
        **changes,
    }


async def put_issuer(api: Api, **changes: Any) -> dict[str, Any]:
    put: dict[str, Any] = await api.ok(None, "PUT", "/v1/admin/issuer", json=issuer_body(**changes))
    return put


async def snapshot(db: AsyncEngine) -> list[Any]:
    """Every organisation, the issuer and every event: compared before and after a refusal."""
    return [
        await rows(db, "SELECT * FROM organizations ORDER BY id"),
        await rows(db, "SELECT * FROM issuer"),
        await rows(db, "SELECT id, org_id, type, data FROM events ORDER BY id"),
    ]
