"""The view of the issuer, which only the platform sees (organisation profiles are viewed with
the organisation, ``billing.organization_view``)."""

from __future__ import annotations

from partnerbilling.issuer.domain import Issuer
from partnerbilling.jsonio import JSON
from partnerbilling.visibility.base import rfc3339


def issuer_view(issuer: Issuer) -> JSON:
    """The issuer: its columns as an issued document copies them (``seller``), the zone of its
    calendar dates, and when it last changed."""
    return {
        "legal_name": issuer.legal_name,
        "address": issuer.address,
        "vat_id": issuer.vat_id,
        "email": issuer.email,
        "payment_terms_days": issuer.payment_terms_days,
        "bank_accounts": issuer.bank_accounts,
        "time_zone": issuer.time_zone,
        "updated_at": rfc3339(issuer.updated_at),
    }
