"""Webhook endpoints, deliveries and attempts as the repositories return and take them: frozen,
typed, one field per column (the names are the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from partnerbilling.events.domain import Event
from partnerbilling.jsonio import JSON
from partnerbilling.states import DeliveryStatus


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    org_id: str
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """A delivery as the API shows it, with its event's type."""

    id: str
    event_id: str
    endpoint_id: str
    status: str
    attempt_count: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    created_at: datetime
    event_type: str


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One recorded attempt of a delivery."""

    id: str
    delivery_id: str
    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A delivery the worker leased until ``lease_until``, with what sending it needs: its
    endpoint and its event."""

    id: str
    attempt_count: int
    lease_until: datetime
    endpoint_id: str
    org_id: str
    url: str
    enabled: bool
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None
    event_id: str
    event_type: str
    event_data: JSON
    event_created_at: datetime

    @property
    def event(self) -> Event:
        """The event, as its recipient (the endpoint's organisation) has it in the log."""
        return Event(self.event_id, self.org_id, self.event_type, self.event_data, self.event_created_at)


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """A delivery's state after an attempt, applied only while the lease ``lease_until`` holds."""

    id: str
    lease_until: datetime
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: datetime
    attempted_at: datetime
