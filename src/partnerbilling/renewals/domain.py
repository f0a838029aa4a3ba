"""What the renewal runner reads: frozen, typed, one field per selected column (the names are
the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from partnerbilling.billing.domain import Subscription
from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode
from partnerbilling.organizations.domain import OrganizationWithTier


@dataclass(frozen=True, slots=True)
class DueSubscription:
    """A subscription the runner claimed."""

    id: str
    current_period_end: datetime
    created_at: datetime
    customer_id: str
    sku: str


@dataclass(frozen=True, slots=True)
class LockedSubscription(Subscription):
    """A subscription's columns, locked, with its customer's active partnership share-locked
    (the ``partnership_id``, ``partner_id``, ``access`` and ``billing_mode`` columns: nulls
    without one)."""

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


def subscription_of(sub: Subscription) -> Subscription:
    """The subscription's own columns (without what a subclass read with them)."""
    return Subscription(**{field.name: getattr(sub, field.name) for field in fields(Subscription)})
