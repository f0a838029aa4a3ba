"""The event types (their documents: ``events.documents``)."""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal[
    "partnership.created",
    "partnership.accepted",
    "partnership.updated",
    "partnership.billing_mode_changed",
    "partnership.ended",
    "order.created",
    "subscription.renewed",
    "subscription.cancelled",
    "invoice.issued",
    "invoice.paid",
    "invoice.credited",
    "cashback.credited",
    "cashback.available",
    "cashback.reversed",
    "webhook_endpoint.disabled",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
