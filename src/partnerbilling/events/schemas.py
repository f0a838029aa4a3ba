"""The event types, named once (each type's payload and recipients: ``events.registry``; its
document: ``events.documents``). A ``StrEnum``, so that JSON and SQL see plain strings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

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
    SUBSCRIPTION_SUSPENDED = "subscription.suspended"
    SUBSCRIPTION_REACTIVATED = "subscription.reactivated"
    SUBSCRIPTION_AT_RISK = "subscription.at_risk"
    INVOICE_ISSUED = "invoice.issued"
    INVOICE_PAID = "invoice.paid"
    INVOICE_OVERDUE = "invoice.overdue"
    INVOICE_CREDITED = "invoice.credited"
    CASHBACK_CREDITED = "cashback.credited"
    CASHBACK_AVAILABLE = "cashback.available"
    CASHBACK_REVERSED = "cashback.reversed"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"
    PAYMENT_RECEIVED = "payment.received"
    ACCOUNT_CREDITED = "account.credited"
    ACCOUNT_DEBITED = "account.debited"
    PAYOUT_REQUESTED = "payout.requested"
    PAYOUT_COMPLETED = "payout.completed"
    PAYOUT_FAILED = "payout.failed"
    PAYOUT_IN_TRANSIT = "payout.in_transit"
    PAYOUT_CANCELLED = "payout.cancelled"
    # The platform's own log (org_id NULL): never sent to an organisation or a webhook.
    ORGANIZATION_UPDATED = "organization.updated"
    ISSUER_UPDATED = "issuer.updated"
    JOB_COMPLETED = "job.completed"
    JOB_FAILED = "job.failed"
    JOURNAL_SEALED = "journal.sealed"
    PAYOUT_BATCH_CREATED = "payout_batch.created"
    RECEIPT_RECEIVED = "receipt.received"
    RECEIPT_APPLIED = "receipt.applied"
    RECEIPT_RETURNED = "receipt.returned"


EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in EventType)
"""Every event type's name, in the order of the documents."""

PLATFORM_EVENT_TYPES: frozenset[EventType] = frozenset(
    {
        EventType.ORGANIZATION_UPDATED,
        EventType.ISSUER_UPDATED,
        EventType.JOB_COMPLETED,
        EventType.JOB_FAILED,
        EventType.JOURNAL_SEALED,
        EventType.PAYOUT_BATCH_CREATED,
        EventType.RECEIPT_RECEIVED,
        EventType.RECEIPT_APPLIED,
        EventType.RECEIPT_RETURNED,
    }
)
"""The types of the platform's own log (``GET /v1/admin/events``): recorded without a recipient
organisation, so no organisation lists them and no webhook endpoint receives them."""

ORGANIZATION_EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in EventType if t not in PLATFORM_EVENT_TYPES)
"""The types an organisation receives (its ``GET /v1/events``, its webhook endpoints)."""


def _one_of(types: Iterable[str], log: str) -> AfterValidator:
    allowed = frozenset(types)

    def check(value: EventType) -> EventType:
        if value not in allowed:
            raise PydanticCustomError("event_type", "not an event type of {log}", {"log": log})
        return value

    return AfterValidator(check)


# The ``?type=`` filters of the two logs: each documented and accepted as its own types only.
OrganizationEventType = Annotated[
    EventType,
    WithJsonSchema({"type": "string", "enum": list(ORGANIZATION_EVENT_TYPES)}),
    _one_of(ORGANIZATION_EVENT_TYPES, "an organisation's log"),
]
PlatformEventType = Annotated[
    EventType,
    WithJsonSchema({"type": "string", "enum": sorted(PLATFORM_EVENT_TYPES)}),
    _one_of(PLATFORM_EVENT_TYPES, "the platform's log"),
]
