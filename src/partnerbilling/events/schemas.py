"""The event types and the event document."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

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


class EventRead(BaseModel):
    """An event, addressed to your organisation: ``data`` is the object as you may see it."""

    id: str = Field(examples=["evt_01jdq7x2m4c8n9p0r1s2t3v4w5"])
    type: EventType
    created_at: str = Field(examples=["2026-11-26T22:05:11.000000Z"])
    data: dict[str, Any]


class EventList(BaseModel):
    data: list[EventRead]
    next_cursor: str | None
