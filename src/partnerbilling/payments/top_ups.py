"""An organisation's top-up references (SPEC §13): per currency, the reference a bank transfer
quotes to land on its account, derived from its top-up number as an invoice's from its number
(:func:`partnerbilling.billing.references.top_up_reference`)."""

from __future__ import annotations

from partnerbilling.billing.references import is_qr_iban, top_up_reference
from partnerbilling.db import utcnow
from partnerbilling.issuer import repository as issuers
from partnerbilling.payments import credits
from partnerbilling.sql import Connection

CURRENCIES = ("CHF", "EUR")


async def top_up_references(conn: Connection, org_id: str) -> dict[str, str]:
    """Per currency, the organisation's top-up reference: a QR reference when the issuer's CHF
    account is a QR-IBAN (the only reference it takes), else a creditor reference."""
    number = await credits.top_up_number(conn, org_id, utcnow())
    issuer = await issuers.get(conn)
    chf = (issuer.bank_accounts or {}).get("CHF") if issuer is not None else None
    qr_iban = chf is not None and is_qr_iban(chf["iban"])
    return {c: top_up_reference(number, c, qr_iban=qr_iban and c == "CHF") for c in CURRENCIES}
