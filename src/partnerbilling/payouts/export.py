"""Exporting payouts as the platform's credit-transfer file."""

from __future__ import annotations

import secrets

from partnerbilling.db import utcnow
from partnerbilling.errors import IssuerNotConfigured
from partnerbilling.issuer import repository as issuers
from partnerbilling.payouts import repository
from partnerbilling.payouts.pain001 import payout_file
from partnerbilling.sql import Connection
from partnerbilling.states import PayoutStatus

NO_ACCOUNT = "Configure the issuer with a bank account in this currency (PUT /v1/admin/issuer) first."


async def export_payouts(conn: Connection, status: PayoutStatus, currency: str) -> bytes | None:
    """The pain.001 file of the payouts in ``status`` and ``currency`` from the issuer's account
    in that currency; None when there is none. 409 ``issuer_not_configured`` without an issuer
    or without an account in that currency."""
    issuer = await issuers.get(conn)
    if issuer is None or currency not in issuer.bank_accounts:
        raise IssuerNotConfigured(NO_ACCOUNT)
    payouts = await repository.list_for_export(conn, status, currency)
    if not payouts:
        return None
    now = utcnow()
    message_id = f"PB-{now:%Y%m%d%H%M%S}-{secrets.token_hex(6)}"
    return payout_file(issuer, currency, payouts, message_id, now)
