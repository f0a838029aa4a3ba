"""The event documents, one model per event type (made from ``events.registry``): what
``GET /v1/events`` lists and what a webhook endpoint receives. Each type's ``data`` is the object
as the recipient's own ``GET`` shows it (``partnerbilling.visibility``), so these models only document; the
service renders the documents itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, create_model

from partnerbilling.events.registry import EVENTS
from partnerbilling.events.schemas import ORGANIZATION_EVENT_TYPES, PLATFORM_EVENT_TYPES, EventType


class _Event(BaseModel):
    id: str = Field(
        description="The event's id; also the `webhook-id` of every delivery of it.",
        examples=["evt_01jdq7x2m4c8n9p0r1s2t3v4w5"],
    )
    created_at: str = Field(examples=["2026-11-26T22:05:11.000000Z"])


def model_name(event_type: EventType) -> str:
    """``partnership.billing_mode_changed`` → ``PartnershipBillingModeChangedEvent``."""
    return "".join(word.title() for word in event_type.replace("_", ".").split(".")) + "Event"


def _literal(value: str) -> Any:
    """``Literal[value]`` for a value known at run time."""
    return Literal.__getitem__(value)


def _document(event_type: EventType) -> type[_Event]:
    spec = EVENTS[event_type]
    model: type[_Event] = create_model(
        model_name(event_type),
        __base__=_Event,
        __doc__=spec.description,
        __module__=__name__,
        type=(_literal(event_type.value), ...),
        data=(spec.payload, ...),
    )
    return model


EVENT_DOCUMENTS: dict[str, type[_Event]] = {t.value: _document(t) for t in EventType}
"""The document model of each event type, in the order of ``EventType``."""

ORGANIZATION_EVENT_DOCUMENTS = {t: EVENT_DOCUMENTS[t] for t in ORGANIZATION_EVENT_TYPES}
"""The documents an organisation receives (its event log, its webhook endpoints)."""


def _union(event_types: Iterable[str]) -> Any:
    return Annotated[Union[tuple(EVENT_DOCUMENTS[t] for t in event_types)], Field(discriminator="type")]  # noqa: UP007


if TYPE_CHECKING:
    Event = _Event
    PlatformEvent = _Event
else:
    Event = _union(ORGANIZATION_EVENT_TYPES)
    PlatformEvent = _union(t for t in EventType if t in PLATFORM_EVENT_TYPES)
"""An event addressed to your organisation, by its ``type``; an event of the platform's log."""


class EventList(BaseModel):
    data: list[Event]
    next_cursor: str | None


class PlatformEventList(BaseModel):
    data: list[PlatformEvent]
    next_cursor: str | None
