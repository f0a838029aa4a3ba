"""The event types, named once (each type's payload and recipients: ``events.registry``; its
document: ``events.documents``). A ``StrEnum``, so that JSON and SQL see plain strings."""

from __future__ import annotations

from partnerbilling.enums import LiteralEnum


class EventType(LiteralEnum):
    PARTNERSHIP_CREATED = "partnership.created"
    PARTNERSHIP_ACCEPTED = "partnership.accepted"
    PARTNERSHIP_UPDATED = "partnership.updated"
    PARTNERSHIP_BILLING_MODE_CHANGED = "partnership.billing_mode_changed"
    PARTNERSHIP_ENDED = "partnership.ended"
    ORDER_CREATED = "order.created"
    SUBSCRIPTION_RENEWED = "subscription.renewed"
    SUBSCRIPTION_CANCELLED = "subscription.cancelled"
    INVOICE_ISSUED = "invoice.issued"
    INVOICE_PAID = "invoice.paid"
    INVOICE_CREDITED = "invoice.credited"
    CASHBACK_CREDITED = "cashback.credited"
    CASHBACK_AVAILABLE = "cashback.available"
    CASHBACK_REVERSED = "cashback.reversed"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"
    # The platform's own log (org_id NULL): never sent to an organisation or a webhook.
    ORGANIZATION_UPDATED = "organization.updated"
    ISSUER_UPDATED = "issuer.updated"


EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in EventType)
"""Every event type's name, in the order of the documents."""

PLATFORM_EVENT_TYPES: frozenset[EventType] = frozenset(
    {EventType.ORGANIZATION_UPDATED, EventType.ISSUER_UPDATED}
)
"""The types of the platform's own log (``GET /v1/admin/events``): recorded without a recipient
organisation, so no organisation lists them and no webhook endpoint receives them."""

ORGANIZATION_EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in EventType if t not in PLATFORM_EVENT_TYPES)
"""The types an organisation receives (its ``GET /v1/events``, its webhook endpoints)."""
