"""The event documents, one model per event type: what ``GET /v1/events`` lists and what a webhook
endpoint receives. Each type's ``data`` is the object as the recipient's own ``GET`` shows it
(``visibility.py``), so these models only document; the service renders the documents itself."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, Field

from partnerbilling.cashback.schemas import CashbackEntryRead
from partnerbilling.events.schemas import EVENT_TYPES
from partnerbilling.invoices.schemas import InvoiceRead
from partnerbilling.orders.schemas import OrderRead
from partnerbilling.partnerships.schemas import PartnershipRead
from partnerbilling.subscriptions.schemas import SubscriptionRead
from partnerbilling.webhooks.schemas import EndpointRead


class _Event(BaseModel):
    id: str = Field(
        description="The event's id; also the `webhook-id` of every delivery of it.",
        examples=["evt_01jdq7x2m4c8n9p0r1s2t3v4w5"],
    )
    created_at: str = Field(examples=["2026-11-26T22:05:11.000000Z"])


class PartnershipCreatedEvent(_Event):
    """A customer invited a partner; sent to both."""

    type: Literal["partnership.created"]
    data: PartnershipRead


class PartnershipAcceptedEvent(_Event):
    """The partner accepted: the partnership is active; sent to both."""

    type: Literal["partnership.accepted"]
    data: PartnershipRead


class PartnershipUpdatedEvent(_Event):
    """The customer changed `access` or `billing_mode`; sent to both."""

    type: Literal["partnership.updated"]
    data: PartnershipRead


class PartnershipBillingModeChangedEvent(_Event):
    """The billing mode changed (besides `partnership.updated`): later charges go to the new
    payer; sent to both."""

    type: Literal["partnership.billing_mode_changed"]
    data: PartnershipRead


class PartnershipEndedEvent(_Event):
    """Either side ended the partnership (or the partner declined it); sent to both."""

    type: Literal["partnership.ended"]
    data: PartnershipRead


class OrderCreatedEvent(_Event):
    """An order or a renewal was charged; sent to the customer and to the partner, each with its
    own view (the price fields for the payer only, the cashback for the partner only)."""

    type: Literal["order.created"]
    data: OrderRead


class SubscriptionRenewedEvent(_Event):
    """A subscription moved on by one period (its `order.created` comes with it); sent to the
    customer and its active partner."""

    type: Literal["subscription.renewed"]
    data: SubscriptionRead


class SubscriptionCancelledEvent(_Event):
    """A subscription stopped renewing (cancelled, or its invoice credited); sent to the customer
    and its active partner."""

    type: Literal["subscription.cancelled"]
    data: SubscriptionRead


class InvoiceIssuedEvent(_Event):
    """An invoice or a credit note was issued; sent to its payer only."""

    type: Literal["invoice.issued"]
    data: InvoiceRead


class InvoicePaidEvent(_Event):
    """An invoice was paid; sent to its payer only."""

    type: Literal["invoice.paid"]
    data: InvoiceRead


class InvoiceCreditedEvent(_Event):
    """An invoice was credited by a credit note (an `invoice.issued` of its own); sent to its
    payer only."""

    type: Literal["invoice.credited"]
    data: InvoiceRead


class CashbackCreditedEvent(_Event):
    """A charge earned the partner cashback (`pending`); sent to the partner only."""

    type: Literal["cashback.credited"]
    data: CashbackEntryRead


class CashbackAvailableEvent(_Event):
    """The invoice was paid: the cashback is `available`; sent to the partner only."""

    type: Literal["cashback.available"]
    data: CashbackEntryRead


class CashbackReversedEvent(_Event):
    """The invoice was credited: the cashback is `reversed`; sent to the partner only."""

    type: Literal["cashback.reversed"]
    data: CashbackEntryRead


class WebhookEndpointDisabledEvent(_Event):
    """One of your webhook endpoints was disabled (it answered 410 Gone, or failed for days)."""

    type: Literal["webhook_endpoint.disabled"]
    data: EndpointRead


Event = Annotated[
    PartnershipCreatedEvent
    | PartnershipAcceptedEvent
    | PartnershipUpdatedEvent
    | PartnershipBillingModeChangedEvent
    | PartnershipEndedEvent
    | OrderCreatedEvent
    | SubscriptionRenewedEvent
    | SubscriptionCancelledEvent
    | InvoiceIssuedEvent
    | InvoicePaidEvent
    | InvoiceCreditedEvent
    | CashbackCreditedEvent
    | CashbackAvailableEvent
    | CashbackReversedEvent
    | WebhookEndpointDisabledEvent,
    Field(discriminator="type"),
]
"""An event addressed to your organisation, by its ``type``."""


class EventList(BaseModel):
    data: list[Event]
    next_cursor: str | None


def _event_type(model: Any) -> str:
    [event_type] = get_args(model.model_fields["type"].annotation)
    return str(event_type)


def _documents() -> dict[str, type[BaseModel]]:
    by_type = {_event_type(model): model for model in get_args(get_args(Event)[0])}
    return {event_type: by_type[event_type] for event_type in EVENT_TYPES}


EVENT_DOCUMENTS = _documents()
"""The document model of each event type, in the order of ``EVENT_TYPES``."""
