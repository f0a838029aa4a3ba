"""What the renewal runner reads: frozen, typed, one field per selected column (the names are
the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from partnerbilling.billing.domain import Subscription
from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode
from partnerbilling.organizations.domain import OrganizationWithTier


class Renewable(Protocol):
    """A subscription's columns as a renewal reads them (a subscription the caller locked, or
    one the runner locked)."""

    @property
    def id(self) -> str: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def sku(self) -> str: ...
    @property
    def quantity(self) -> int: ...
    @property
    def origin_channel(self) -> str: ...
    @property
    def origin_partnership_id(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def auto_renew(self) -> bool: ...
    @property
    def current_period_start(self) -> datetime: ...
    @property
    def current_period_end(self) -> datetime: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def cancelled_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class DueSubscription:
    """A subscription the runner claimed."""

    id: str
    current_period_end: datetime
    created_at: datetime
    customer_id: str
    sku: str


@dataclass(frozen=True, slots=True)
class LockedSubscription:
    """A subscription's columns, locked, with its customer's active partnership share-locked
    (the ``partnership_id``, ``partner_id``, ``access`` and ``billing_mode`` columns: nulls
    without one)."""

    id: str
    customer_id: str
    sku: str
    quantity: int
    origin_channel: str
    origin_partnership_id: str | None
    status: str
    auto_renew: bool
    current_period_start: datetime
    current_period_end: datetime
    created_at: datetime
    cancelled_at: datetime | None
    renewal_claimed_until: datetime | None
    partnership_id: str | None
    partner_id: str | None
    access: str | None
    billing_mode: str | None

    @property
    def partnership(self) -> ActivePartnership | None:
        """The customer's active partnership, if it has one."""
        if self.partnership_id is None or self.partner_id is None:
            return None
        assert self.access is not None and self.billing_mode is not None  # NOT NULL columns
        return ActivePartnership(
            self.partnership_id, self.partner_id, Access(self.access), BillingMode(self.billing_mode)
        )


@dataclass(frozen=True, slots=True)
class PartnerOf(OrganizationWithTier):
    """A customer's active partner (``partner_of`` is the customer's id), with its tier."""

    partner_of: str


def subscription_of(sub: Renewable) -> Subscription:
    """The subscription's own columns."""
    return Subscription(
        id=sub.id,
        customer_id=sub.customer_id,
        sku=sub.sku,
        quantity=sub.quantity,
        origin_channel=sub.origin_channel,
        origin_partnership_id=sub.origin_partnership_id,
        status=sub.status,
        auto_renew=sub.auto_renew,
        current_period_start=sub.current_period_start,
        current_period_end=sub.current_period_end,
        created_at=sub.created_at,
        cancelled_at=sub.cancelled_at,
    )
