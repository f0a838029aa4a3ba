"""Views of operator keys and of the audit trail (the platform's own)."""

from __future__ import annotations

from partnerbilling.jsonio import JSON
from partnerbilling.operators.domain import AuditRecord, OperatorKey
from partnerbilling.visibility.base import rfc3339


def operator_key_view(key: OperatorKey, secret: str | None = None) -> JSON:
    """An operator key; the key itself only in the answer that creates it (``secret``)."""
    view: JSON = {
        "id": key.id,
        "name": key.name,
        "role": key.role,
        "prefix": key.prefix,
        "created_at": rfc3339(key.created_at),
        "revoked_at": rfc3339(key.revoked_at),
    }
    if secret is not None:
        view["key"] = secret
    return view


def audit_record_view(record: AuditRecord) -> JSON:
    return {
        "id": record.id,
        "at": rfc3339(record.at),
        "operator": {"id": record.operator_id, "name": record.operator_name},
        "role": record.role,
        "method": record.method,
        "route": record.route,
        "object_id": record.object_id,
        "request_id": record.request_id,
        "status": record.status,
    }
